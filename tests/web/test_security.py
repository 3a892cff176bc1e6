"""Headers, CSRF, error pages, upload limit, secret key."""
import pytest

from tests.factories import FundFactory, UserFactory


def test_security_headers_on_every_response(client):
    for path in ("/login", "/does-not-exist", "/api/v1/openapi.json"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_hsts_behind_https(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", base_url="https://localhost")
    assert "max-age=" in secure.headers["Strict-Transport-Security"]


def test_forms_refuse_a_post_without_csrf_token(make_app, db):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    UserFactory(email="m@example.org")
    for path in ("/login", "/register", "/language"):
        response = client.post(path, data={"email": "m@example.org", "password": "x"})
        assert response.status_code == 400, path
        assert b"Reload the page" in response.data


def test_csrf_token_makes_the_post_go_through(make_app, db):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get("/login").data.decode()
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    from tests.factories import PASSWORD
    UserFactory(email="m@example.org")
    response = client.post("/login", data={"csrf_token": token, "email": "m@example.org",
                                           "password": PASSWORD})
    assert response.status_code == 302


def test_error_pages_never_show_a_traceback(make_app):
    app = make_app(TESTING=False, PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    @app.get("/api/v1/boom")
    def api_boom():
        raise RuntimeError("secret internals")

    client = app.test_client()
    page = client.get("/boom")
    assert page.status_code == 500 and b"secret internals" not in page.data
    assert b"Traceback" not in page.data and b"unexpected error" in page.data
    api = client.get("/api/v1/boom")
    assert api.status_code == 500 and api.json["error"]["code"] == "server_error"
    assert b"secret internals" not in api.data


@pytest.mark.parametrize(("status", "text"), [(403, b"Not allowed"), (404, b"Not found"),
                                              (405, b"Method not allowed"), (400, b"Bad request")])
def test_error_pages_are_ours(make_app, status, text):
    app = make_app()
    from flask import abort

    @app.get("/fail")
    def fail():
        abort(status)

    response = app.test_client().get("/fail")
    assert response.status_code == status and text in response.data and b"fundapp" in response.data


def test_oversized_request_is_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/login", data={"email": "x" * 5000, "password": "y"})
    assert response.status_code == 413 and b"larger than allowed" in response.data


def test_secret_key_is_required_in_production(make_app):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        make_app(SECRET_KEY=None, ENVIRONMENT="production")


def test_development_secret_is_generated_once_and_shared(make_app, tmp_path):
    first = make_app(SECRET_KEY=None, INSTANCE_PATH=str(tmp_path / "inst"))
    second = make_app(SECRET_KEY=None, INSTANCE_PATH=str(tmp_path / "inst"))
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) == 64
    assert (tmp_path / "inst" / "secret_key").stat().st_mode & 0o077 == 0


def test_production_cookies_are_secure(make_app):
    app = make_app(ENVIRONMENT="production", SESSION_COOKIE_SECURE=True, TRUSTED_HOSTS=["localhost"],
                      FORCE_HTTPS=False)
    response = app.test_client().post("/language", data={"language": "fr"})
    assert "Secure" in response.headers["Set-Cookie"]


def test_text_is_rendered_escaped(client, db, login_as):
    fund = FundFactory(name="<script>alert(1)</script>")
    login_as("manager", fund)
    page = client.get(f"/funds/{fund.id}").data
    assert b"<script>alert(1)</script>" not in page
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page
