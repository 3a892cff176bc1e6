"""Files and what the browser keeps: a replaced or withdrawn deck's file is deleted (a refused one is
never kept), a founder's decks have a quota, a deck's file name is made safe before it is sent back,
confidential answers are never stored by a browser or a proxy, and the production session cookie is a
__Host- cookie."""
from pathlib import Path

import pytest
from sqlalchemy import select

from fundapp.applications.models import Application
from fundapp.web.files import safe_name
from tests.background import exported_queue
from tests.conftest import sign_in
from tests.factories import FundFactory, api_token_for, pdf_bytes, staff_with_role
from tests.web.test_portal import COMPLETE, fund, started, upload  # noqa: F401  (fixtures)


def decks(app) -> set[str]:
    folder = Path(app.config["UPLOAD_DIR"]) / "decks"
    return {path.name for path in folder.glob("*.pdf")} if folder.exists() else set()


def test_a_replaced_deck_is_deleted_and_a_refused_one_never_kept(app, client, db, started):  # noqa: F811
    _founder, _company, application = started
    assert upload(client, application, pdf_bytes()).status_code == 302
    db.session.refresh(application)
    first = application.deck_name
    assert decks(app) == {first}
    assert upload(client, application, pdf_bytes(3)).status_code == 302
    db.session.refresh(application)
    assert decks(app) == {application.deck_name} and application.deck_name != first
    app.config["DECK_QUOTA"] = 1000                      # too small for the next deck: refused, not kept
    assert upload(client, application, pdf_bytes(4)).status_code == 413
    assert decks(app) == {application.deck_name}


def test_a_withdrawn_applications_deck_is_deleted(app, client, db, started):  # noqa: F811
    _founder, _company, application = started
    client.post(f"/portal/applications/{application.id}", data=COMPLETE)
    upload(client, application, pdf_bytes())
    client.post(f"/portal/applications/{application.id}/submit")
    assert len(decks(app)) == 1
    client.post(f"/portal/applications/{application.id}/withdraw", data={"reason": "Raised elsewhere."})
    db.session.refresh(application)
    assert application.state == "withdrawn" and application.deck_name is None and decks(app) == set()


def test_a_founders_decks_share_a_quota(app, client, db, started, fund):  # noqa: F811
    founder, company, application = started
    second_fund = FundFactory(name="Second fund", currency="KES", sectors=["agriculture"])
    client.post("/portal/applications", data={"fund_id": second_fund.id, "company_id": company.id})
    second = db.session.scalar(select(Application).where(Application.fund_id == second_fund.id))
    size = len(pdf_bytes())
    app.config["DECK_QUOTA"] = size * 3 // 2
    assert upload(client, application, pdf_bytes()).status_code == 302
    refused = upload(client, second, pdf_bytes())
    assert refused.status_code == 413 and b"more than" in refused.data
    assert upload(client, application, pdf_bytes()).status_code == 302    # replacing one's own fits
    client.post(f"/portal/applications/{application.id}/withdraw", data={"reason": "Elsewhere."})
    assert upload(client, second, pdf_bytes()).status_code == 302          # a withdrawn deck frees room


@pytest.mark.parametrize(("given", "safe"), [
    ("../../etc/passwd.pdf", "passwd.pdf"), ("C:\\Users\\awa\\deck.pdf", "deck.pdf"),
    ("invoice\u202efdp.exe", "invoicefdp.exe.pdf"), ("deck\x00.pdf", "deck.pdf"), ("", "deck.pdf"),
    ('my "best" deck;.pdf', "my best deck.pdf"), ("...", "deck.pdf"), ("Présentation Zoë.PDF", "Présentation Zoë.pdf"),
    ("x" * 300 + ".pdf", "x" * 116 + ".pdf"), ("a\u0085b\u2028c\u200bd\ufeffe.pdf", "abcde.pdf")])
def test_file_names_are_made_safe(given, safe):
    assert safe_name(given) == safe


def test_a_deck_is_sent_back_under_a_safe_name(client, db, started):  # noqa: F811
    _founder, _company, application = started
    assert upload(client, application, pdf_bytes(), "..\\evil\u202efdp.exe").status_code == 302
    download = client.get(f"/portal/applications/{application.id}/deck")
    disposition = download.headers["Content-Disposition"]
    assert disposition == "attachment; filename=evilfdp.exe.pdf"
    download.close()


def test_confidential_answers_are_never_stored(app, client, db):
    fund_ = FundFactory()
    manager = staff_with_role("manager", fund_)
    sign_in(client, manager)
    for path in (f"/funds/{fund_.id}", f"/funds/{fund_.id}/applications", "/login"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path
    assert exported_queue(client, fund_).headers["Cache-Control"] == "no-store"
    api = app.test_client().get(f"/api/v1/funds/{fund_.id}",
                                headers={"Authorization": f"Bearer {api_token_for(manager)}"})
    assert api.status_code == 200 and api.headers["Cache-Control"] == "no-store"
    static = client.get("/static/fundapp.css")
    assert static.status_code == 200 and static.headers.get("Cache-Control") != "no-store"
    static.close()


def test_the_production_session_cookie_is_a_host_cookie(make_app):
    app = make_app(ENVIRONMENT="production", FORCE_HTTPS=False, TRUSTED_HOSTS=["localhost"])
    cookie = app.test_client().post("/language", data={"language": "fr"}).headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=") and "Secure" in cookie and "Path=/" in cookie
    assert "Domain" not in cookie
