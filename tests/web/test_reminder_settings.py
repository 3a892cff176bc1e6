"""The account's reminders: a box per optional reminder the user's roles bring, ticked while it is on; the
obligations listed as always sent; saved with a flash; a form that needs its CSRF token."""
from sqlalchemy import select

from fundapp.audit.models import AuditEntry
from fundapp.notifications.models import MutedReminder
from tests.conftest import sign_in
from tests.factories import FundFactory, GrantFactory, PartnerFactory, staff_with_role

PAGE = "/account/reminders"


def muted(db, user) -> set[str]:
    return set(db.session.scalars(select(MutedReminder.rule).where(MutedReminder.user_id == user.id)))


def test_a_reviewer_turns_its_due_soon_reminder_off_and_on_again(client, db, login_as):
    reviewer = login_as("reviewer", FundFactory())
    page = client.get(PAGE)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="reminders-review_due_soon"' in html and "checked" in html
    assert "A review is overdue" in html                          # always sent, listed with its rhythm
    assert "reminders-weekly_digest" not in html and "reminders-call_due_soon" not in html
    assert "reminders-review_overdue" not in html

    saved = client.post(PAGE, data={"reminders-submit": "y"}, follow_redirects=True)
    assert saved.status_code == 200 and "Your reminders are saved." in saved.get_data(as_text=True)
    assert muted(db, reviewer) == {"review_due_soon"}
    box = client.get(PAGE).get_data(as_text=True).split('name="reminders-review_due_soon"')[0].rsplit("<input", 1)[1]
    assert "checked" not in box
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.user_id == reviewer.id)) == \
        "user.reminders_change"

    client.post(PAGE, data={"reminders-review_due_soon": "y", "reminders-submit": "y"})
    assert muted(db, reviewer) == set()


def test_an_obligation_cannot_be_turned_off_nor_a_reminder_another_role_brings(client, db, login_as):
    reviewer = login_as("reviewer", FundFactory())
    client.post(PAGE, data={"reminders-review_due_soon": "y", "reminders-review_overdue": "",
                            "reminders-weekly_digest": "", "reminders-submit": "y"})
    assert muted(db, reviewer) == set()


def test_each_role_is_offered_its_own(client, db):
    fund = FundFactory()
    person = staff_with_role("manager", fund)
    GrantFactory(user=person, fund=fund, role="partner", partner=PartnerFactory(fund=fund))
    sign_in(client, person)
    html = client.get(PAGE).get_data(as_text=True)
    assert "reminders-weekly_digest" in html and "reminders-call_due_soon" in html
    assert "reminders-review_due_soon" not in html and "A capital call is overdue" in html
    client.post(PAGE, data={"reminders-call_due_soon": "y", "reminders-submit": "y"})
    assert muted(db, person) == {"weekly_digest"}


def test_a_founder_is_told_its_reminders_are_always_sent(client, login_as):
    login_as("founder")
    html = client.get(PAGE).get_data(as_text=True)
    assert "A headcount report is missing" in html and "reminders-submit" not in html


def test_someone_without_a_role_is_told_so(client, login_as):
    login_as("admin")
    html = client.get(PAGE).get_data(as_text=True)
    assert "None of your roles brings reminders" in html and "<form" not in html.split("</nav>")[-1]


def test_the_page_is_in_the_account_navigation(client, login_as):
    login_as("reviewer", FundFactory())
    assert f'href="{PAGE}"' in client.get("/account").get_data(as_text=True)


def test_saving_needs_the_forms_token(make_app, db):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    reviewer = staff_with_role("reviewer", FundFactory())
    sign_in(client, reviewer)
    assert client.post(PAGE, data={"reminders-submit": "y"}).status_code == 400
    assert muted(db, reviewer) == set()
    html = client.get(PAGE).get_data(as_text=True)
    token = html.split('name="reminders-csrf_token" type="hidden" value="')[1].split('"')[0]
    assert client.post(PAGE, data={"reminders-csrf_token": token, "reminders-submit": "y"}).status_code == 302
    assert muted(db, reviewer) == {"review_due_soon"}
