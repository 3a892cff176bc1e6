"""The API does what the pages do (SPEC 10): every web route that changes something has an API twin
(the access matrix holds each to its permission), or is bound to a browser session by nature. A
new state-changing route that is neither fails the test."""
# web endpoint -> its API twin
TWINS = {
    "admin.users": "api_users.create_user",
    "admin.user": "api_funds.create_grant",
    "capital.create_call": "api_capital.create_call",
    "capital.create_payment": "api_capital.create_payment",
    "capital.create_distribution": "api_capital.create_distribution",
    "capital.create_expense": "api_capital.create_expense",
    "capital.reverse": "api_capital.create_reversal",
    "portfolio.reverse": "api_capital.create_reversal",
    "portfolio.create_company": "api_capital.create_company",
    "portfolio.create_investment": "api_capital.create_investment",
    "portfolio.create_valuation": "api_capital.create_valuation",
    "portfolio.create_exit": "api_capital.create_exit",
    "dashboard.add_partner": "api_funds.create_partner",
    "funds.create": "api_funds.create_fund",
    "jobs.enter": "api_jobs.create_headcount",
    "portal.headcount": "api_jobs.create_headcount",
    "portal.new_company": "api_capital.create_company",
    "portal.start": "api_applications.create_application",
    "portal.application": "api_applications.edit_application",
    "portal.upload_deck": "api_applications.upload_deck",
    "portal.submit": "api_applications.submit",
    "portal.withdraw": "api_applications.withdraw",
    "reports.generate": "api_reports.create_report",
    "reports.publish": "api_reports.publish",
    "review.rubric": "api_applications.add_criterion",
    "review.assign": "api_applications.assign",
    "review.assign_many": "api_applications.assign",
    "review.declare": "api_applications.conflict",
    "committee.declare": "api_applications.conflict",
    "committee.vote": "api_applications.cast_vote",
    "review.score": "api_applications.create_review",
    "review.transition": "api_applications.transition",
    "account.token_list": "api_tokens.create_token",
    "account.revoke_token": "api_tokens.revoke_token",
    "admin.revoke_token": "api_tokens.revoke_token",
    "admin.retry_message": "api_outbox.retry_message",
    "inbox.open_notification": "api_notifications.read_notification",
    "inbox.read_all": "api_notifications.read_all",
    "account.reminders": "api_notifications.choose_reminders",
    "account.expertise": "api_expertise.declare_expertise",
    "admin.reset_second_factor": "api_users.reset_second_factor",
    "admin.end_sessions": "api_users.end_sessions",
    "admin.countries": "api_countries.create_country",
    "admin.reinvite": "api_users.reinvite",
    "admin.revoke_grant": "api_funds.revoke_grant",
    "admin.set_active": "api_users.set_active",
    "funds.edit": "api_funds.update_fund",
    "jobs.import_reports": "api_jobs.import_headcount",
    "jobs.verify": "api_jobs.verify",
    "review.edit_criterion": "api_applications.update_criterion",
    "review.export_queue": "api_applications.list_applications",     # the API reads the queue at once
}
# Bound to a browser session: the API authenticates each call by its bearer token instead.
# A person's own password, second factors and sessions are set in the browser, where the person is.
SESSION_ONLY = {"auth.login", "auth.logout", "auth.register", "auth.activate", "auth.choose_language",
                "auth.second_step", "auth.passkey_sign_in_options", "auth.passkey_sign_in",
                "auth.forgot_password", "auth.reset_password", "auth.confirm_email",
                "account.overview", "account.send_confirmation", "account.authenticator",
                "account.remove_authenticator", "account.recovery_codes", "account.passkey_options",
                "account.add_passkey", "account.remove_passkey", "account.end_session",
                "account.end_other_sessions", "public.verify"}
# Not yet twinned: a route listed here must get its API route, and then move to TWINS.
NOT_YET: set[str] = set()


def state_changing(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules()
            if rule.methods & {"POST", "PUT", "PATCH", "DELETE"} and not rule.rule.startswith("/api/")}


def test_every_state_changing_page_has_an_api_twin(app):
    web = state_changing(app)
    unaccounted = web - set(TWINS) - SESSION_ONLY - NOT_YET
    assert not unaccounted, f"state-changing routes without an API twin: {sorted(unaccounted)}"
    assert not (set(TWINS) | SESSION_ONLY | NOT_YET) - web, "a listed route no longer exists"
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert set(TWINS.values()) <= endpoints

