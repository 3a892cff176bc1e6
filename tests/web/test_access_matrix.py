"""Every route, every role, and a foreign fund: who gets in, who gets 403, who learns nothing (404).

Adding a route without a row here fails test_every_route_has_a_row.
"""
import pytest

from tests.conftest import sign_in

# Actors, denied ones first: a permitted POST may change the world (the admin runs last).
ACTORS = ("anonymous", "founder", "partner_b", "manager_b", "reviewer_a", "partner_a", "manager_a",
          "admin")
FUND_A_MEMBERS = {"reviewer_a", "partner_a", "manager_a", "admin"}

# endpoint -> access level; the level says what each actor gets (see expected()).
MATRIX = {
    "main.home": "signed_in",
    "main.health": "public",
    "static": "public",
    "bootstrap.static": "public",
    "auth.login": "public",
    "auth.register": "public",
    "auth.choose_language": "public",
    "auth.activate": "unknown_link",
    "auth.confirm_email": "unknown_link",
    "auth.reset_password": "unknown_link",
    "auth.forgot_password": "public",
    "auth.second_step": "second_step",            # nobody here gave a password moments ago
    "auth.passkey_sign_in_options": "second_step",
    "auth.passkey_sign_in": "second_step",
    "auth.logout": "signed_in",
    "account.overview": "signed_in",
    "account.send_confirmation": "signed_in",
    "account.security": "signed_in",
    "account.authenticator": "signed_in",
    "account.recovery_codes": "signed_in",
    "account.remove_authenticator": "signed_in",
    "account.passkey_options": "signed_in",
    "account.add_passkey": "signed_in",
    "account.new_codes": "signed_in",
    "account.remove_passkey": "someone_elses",
    "account.session_list": "signed_in",
    "account.end_session": "someone_elses",
    "account.end_other_sessions": "signed_in",
    "account.token_list": "signed_in",
    "account.revoke_token": "someone_elses",
    "account.reminders": "signed_in",
    "account.expertise": "staff",
    "inbox.index": "signed_in",
    "inbox.read_all": "signed_in",
    "inbox.open_notification": "someone_elses",
    "admin.reset_second_factor": "admin",
    "admin.end_sessions": "admin",
    "admin.revoke_token": "admin",
    "funds.index": "signed_in",
    "dashboard.overview": "fund_member",
    "dashboard.add_partner": "fund_manager",
    "funds.create": "admin",
    "funds.edit": "admin",
    "admin.countries": "admin",
    "admin.users": "admin",
    "admin.user": "admin",
    "admin.reinvite": "admin",
    "admin.revoke_grant": "admin",
    "admin.set_active": "admin",
    "admin.audit": "admin",
    "admin.retry_message": "admin",
    "admin.outbox": "admin",
    "api-docs.openapi_json": "public",
    "api_tokens.create_token": "public",
    "api_users.list_users": "api_admin",
    "api_notifications.list_notifications": "api_signed_in",
    "api_notifications.read_all": "api_signed_in",
    "api_notifications.read_notification": "api_someone_elses",
    "api_notifications.reminder_settings": "api_signed_in",
    "api_notifications.choose_reminders": "api_signed_in",
    "api_expertise.expertise": "api_staff",
    "api_expertise.declare_expertise": "api_staff",
    "api_outbox.list_messages": "api_admin",
    "api_outbox.retry_message": "api_admin",
    "api_users.create_user": "api_admin",
    "api_users.set_active": "api_admin",
    "api_users.reinvite": "api_admin",
    "api_users.reset_second_factor": "api_admin",
    "api_users.end_sessions": "api_admin",
    "api_countries.create_country": "api_admin",
    "api_funds.update_fund": "api_admin",
    "api_funds.revoke_grant": "api_admin",
    "api_tokens.revoke_token": "api_admin",        # the world's token is the outsider's: only an admin may
    "api_funds.list_funds": "api_signed_in",
    "api_funds.create_fund": "api_admin",
    "api_funds.get_fund": "api_fund_member",
    "api_funds.get_agreement": "api_fund_manager",     # the fund's managers and its committee members
    "api_funds.list_partners": "api_fund_member",
    "api_funds.create_partner": "api_fund_manager",
    "api_funds.create_grant": "api_admin",
    "dashboard.chart": "fund_performance",
    "dashboard.schedule": "fund_performance",
    "capital.index": "fund_manager",
    "capital.create_call": "fund_manager",
    "capital.create_payment": "fund_manager",
    "capital.create_distribution": "fund_manager",
    "capital.create_expense": "fund_manager",
    "capital.reverse": "fund_manager",
    "capital.statement": "own_statement",
    "capital.notice": "own_statement",
    "portfolio.index": "fund_manager",
    "portfolio.create_company": "fund_manager",
    "portfolio.create_investment": "fund_manager",
    "portfolio.create_valuation": "fund_manager",
    "portfolio.create_exit": "fund_manager",
    "portfolio.reverse": "fund_manager",
    "api_capital.list_calls": "api_fund_manager",
    "api_capital.create_call": "api_fund_manager",
    "api_jobs.verify": "api_fund_manager",
    "api_jobs.import_headcount": "api_fund_manager",
    "api_applications.update_criterion": "api_fund_manager",
    "api_capital.create_payment": "api_fund_manager",
    "api_capital.list_distributions": "api_fund_manager",
    "api_capital.create_distribution": "api_fund_manager",
    "api_capital.list_expenses": "api_fund_manager",
    "api_capital.create_expense": "api_fund_manager",
    "api_capital.list_investments": "api_fund_manager",
    "api_capital.create_investment": "api_fund_manager",
    "api_capital.create_valuation": "api_fund_manager",
    "api_capital.create_exit": "api_fund_manager",
    "api_capital.metrics": "api_fund_performance",
    "api_capital.statement": "api_own_statement",
    "api_capital.list_companies": "api_signed_in",
    "api_capital.create_company": "api_signed_in",
    "api_capital.create_reversal": "api_fund_manager",
    "capital.export": "fund_manager",
    "portal.index": "founder",
    "portal.new_company": "founder",
    "portal.start": "founder",
    "portal.application": "founder",
    "portal.upload_deck": "founder",
    "portal.deck": "founder",
    "portal.submit": "founder",
    "portal.withdraw": "founder",
    "api_applications.list_applications": "api_fund_manager",
    "api_applications.create_application": "api_founder",
    "api_applications.get_application": "api_application",
    "api_applications.upload_deck": "api_founder",
    "api_applications.submit": "api_founder",
    "api_applications.edit_application": "api_founder",
    "api_applications.withdraw": "api_founder",
    "api_applications.messages": "api_founder",
    "api_applications.resubmit": "api_founder",
    "api_applications.cast_vote": "api_someone_elses",   # nobody in the world sits on a committee
    "api_applications.votes": "api_sealed_reviews",
    "api_applications.minutes": "api_sealed_reviews",
    "api_applications.revisions": "api_application",
    "api_applications.reviews": "api_sealed_reviews",
    "api_applications.transition": "api_application",
    "api_applications.assign": "api_assign",
    "api_suggestions.reviewer_suggestions": "api_assign",   # the fund's managers alone
    "api_applications.list_duplicates": "api_assign",        # the fund's managers alone
    "api_applications.conflict": "api_assigned_only",
    "api_applications.create_review": "api_assigned_only",
    "api_applications.get_rubric": "api_rubric",
    "api_applications.add_criterion": "api_fund_manager",
    "review.rubric": "fund_manager",
    "review.edit_criterion": "fund_manager",
    "review.applications": "fund_manager",
    "review.export_queue": "fund_manager",
    "tasks.page": "someone_elses",               # background work: its user's alone (the world's is the outsider's)
    "tasks.status": "someone_elses",
    "tasks.download": "someone_elses",
    "review.application": "application",
    "review.assign": "fund_manager",
    "review.assign_many": "fund_manager",
    "review.transition": "fund_manager",
    "review.deck": "application",
    "review.revisions": "application",
    "committee.index": "fund_manager",            # the fund's managers and its committee members
    "committee.declare": "committee_member",
    "committee.vote": "committee_member",
    "committee.minutes": "sealed_reviews",        # managers; members once they voted
    "review.my_reviews": "reviewer",
    "review.declare": "assigned_reviewer",
    "review.score": "assigned_reviewer",
    "review.workload": "fund_manager",
    "jobs.index": "fund_performance",
    "jobs.export": "fund_performance",
    "jobs.reports": "fund_manager",
    "jobs.enter": "fund_manager",
    "jobs.verify": "fund_manager",
    "jobs.import_reports": "fund_manager",
    "jobs.export_reports": "fund_manager",
    "portal.headcount": "founder",
    "api_jobs.list_headcount": "api_reporting_company",
    "api_jobs.create_headcount": "api_reporting_company",
    "api_jobs.fund_jobs": "api_fund_performance",
    "reports.index": "fund_performance",
    "reports.generate": "fund_manager",
    "reports.publish": "fund_manager",
    "reports.pdf": "fund_performance",
    "reports.table": "fund_performance",
    "public.verify": "public",
    "public.open_data_index": "public",
    "public.open_data_page": "public",
    "public.open_data_csv": "public",
    "api_reports.list_reports": "api_fund_performance",
    "api_reports.create_report": "api_fund_manager",
    "api_reports.publish": "api_fund_manager",
    "api_reports.pdf": "api_fund_performance",
}

ALLOWED = {200, 201, 204, 302, 400, 409, 413, 422}  # 409/413: let in, and told the state or size is wrong


def expected(level: str, actor: str):
    """'ok' when the actor may use the route, else the status it must get."""
    api = level.startswith("api_")
    level = level.removeprefix("api_")
    if level == "public":
        return "ok"
    if level == "unknown_link":
        return 404
    if level == "second_step":
        return "second_step"
    if actor == "anonymous":
        return 401 if api else "login"
    if level == "signed_in":
        return "ok"
    if level == "staff":
        return 404 if actor == "founder" else "ok"     # a founder reviews for no fund
    if level == "someone_elses":
        return 404
    if level == "admin":
        return "ok" if actor == "admin" else 404
    if level == "founder":
        return "ok" if actor == "founder" else 404
    if level == "application" and actor == "founder":
        return "ok" if api else 404  # its own application: in the API; in pages, through the portal
    if level == "assign":
        return {"manager_a": "ok", "admin": "ok", "reviewer_a": 403, "founder": 403}.get(actor, 404)
    if level == "assigned_only":
        return "ok" if actor == "reviewer_a" else 404
    if level == "reporting_company":
        # the founder of an invested company, and the managers of the funds invested in it
        return "ok" if actor in ("founder", "manager_a", "admin") else 404
    if level == "sealed_reviews":
        # those who run the fund; the assigned reviewer only once it has reviewed (it has not); never
        # the founder; nobody else learns the application exists
        return {"manager_a": "ok", "admin": "ok", "reviewer_a": 403}.get(actor, 404)
    if level == "committee_member":
        # nobody in the world sits on a committee: those who see the fund are refused, others learn nothing
        return 403 if actor in FUND_A_MEMBERS else 404
    if level == "rubric":
        return {"manager_a": "ok", "admin": "ok", "reviewer_a": "ok", "partner_a": 403}.get(actor, 404)
    if actor not in FUND_A_MEMBERS:
        return 404
    if level == "fund_member":
        return "ok"
    if level == "fund_manager":
        return "ok" if actor in ("manager_a", "admin") else 403
    if level == "application":
        # those who run the fund, and the reviewer assigned to it; a partner sees no application
        return 404 if actor == "partner_a" else "ok"
    if level == "reviewer":
        return "ok" if actor in ("reviewer_a", "admin") else 403
    if level == "assigned_reviewer":
        # only the assigned reviewer reviews; an admin may open the page but is nobody's reviewer
        return {"reviewer_a": "ok", "admin": 404}.get(actor, 403)
    if level in ("fund_performance", "own_statement"):
        # partner_a reads the fund's figures and its own account; a reviewer sees no money
        return 403 if actor == "reviewer_a" else "ok"
    raise AssertionError(level)


def rules(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_route_has_a_row(app):
    assert {rule.endpoint for rule in app.url_map.iter_rules()} == set(MATRIX)


def _cases():
    from fundapp import create_app
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return sorted({(rule.endpoint, method) for rule, method in rules(app)})


@pytest.mark.seeded("world")
@pytest.mark.parametrize(("endpoint", "method"), _cases())
def test_access(app, db, world, endpoint, method):
    people, tokens, params = world
    rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)
    overrides = params["overrides"].get(endpoint, {})
    values = {name: overrides.get(name, params.get(name)) for name in rule.arguments}
    if endpoint == "bootstrap.static":
        values["filename"] = "css/bootstrap.min.css"
    with app.test_request_context():
        from flask import url_for
        url = url_for(endpoint, **values)
    level = MATRIX[endpoint]
    for actor in ACTORS:
        client = app.test_client()
        headers = {}
        if actor != "anonymous":
            if level.startswith("api_"):
                headers["Authorization"] = f"Bearer {tokens[actor]}"
            else:
                sign_in(client, people[actor])
        kwargs = {"json": {}} if level.startswith("api_") or endpoint.startswith("api") else {"data": {}}
        response = client.open(url, method=method, headers=headers, **(kwargs if method in ("POST", "PATCH") else {}))
        want = expected(level, actor)
        got = response.status_code
        location = response.headers.get("Location", "")
        response.close()
        where = f"{method} {url} as {actor}"
        if want == "second_step":
            # back to the first step (a page) or told to sign in again (the passkey's script)
            assert (got == 302 and location.endswith("/login")) or got == 401, f"{where}: {got} {location}"
        elif want == "ok":
            assert got in ALLOWED, f"{where}: {got}"
            sent_to_login = got == 302 and "/login" in location
            assert not sent_to_login or endpoint == "auth.logout", f"{where}: sent to {location}"
        elif want == "login":
            assert got == 302 and "/login" in location, f"{where}: {got} {location}"
        else:
            assert got == want, f"{where}: expected {want}, got {got}"
        assert got < 500, where


@pytest.mark.seeded("world")
def test_no_get_changes_anything(app, db, world):
    """Walking every GET route, as every actor, leaves every table as it was."""
    from sqlalchemy import func, select

    from fundapp.extensions import db as extension
    people, tokens, params = world

    def row_counts():
        # downloading a published report is logged on purpose, and so is the revision of an application a
        # reader has seen (it is shown what changed since): those tables alone may grow; and the sessions
        # this test itself signs in
        return {table.name: db.session.scalar(select(func.count()).select_from(table))
                for table in extension.metadata.sorted_tables
                if table.name not in ("report_downloads", "revision_reads", "user_sessions")}

    before = row_counts()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "bootstrap.static"):
            continue
        with app.test_request_context():
            from flask import url_for
            overrides = params["overrides"].get(rule.endpoint, {})
            url = url_for(rule.endpoint, **{name: overrides.get(name, params.get(name)) for name in rule.arguments})
        for actor in ACTORS:
            client = app.test_client()
            headers = {}
            if actor != "anonymous":
                sign_in(client, people[actor])
                headers["Authorization"] = f"Bearer {tokens[actor]}"
            client.get(url, headers=headers).close()
    assert row_counts() == before
