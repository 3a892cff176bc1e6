"""Reminders (SPEC 13) against hand-made calendars: each rule, once per period, muted ones left out, the
recipient's language, a whole quarter walked day by day, two workers at once, and the command."""
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from fundapp.applications.models import Application, Assignment, Review
from fundapp.extensions import db as database
from fundapp.jobs import services as jobs
from fundapp.ledger import capital
from fundapp.notifications import reminders
from fundapp.notifications.models import MutedReminder, OutboxMessage, ReminderSent
from fundapp.notifications.reminder_rules import due_within, headcount_late, late_quarters, overdue, week_of
from fundapp.notifications.worker import worker_context
from fundapp.portfolio import services as portfolio
from fundapp.portfolio.models import Company
from fundapp.reporting.models import QuarterlyReport
from tests.factories import (
    FounderFactory,
    FundFactory,
    GrantFactory,
    UserFactory,
    fund_with_partners,
    staff_with_role,
)
from tests.jobs_portfolio import company, report

D = date


# --- the calendar, by hand ---------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "week"), [
    (D(2026, 4, 1), "2026-W14"), (D(2026, 4, 5), "2026-W14"), (D(2026, 4, 6), "2026-W15"),
    (D(2026, 12, 31), "2026-W53"), (D(2027, 1, 3), "2026-W53"), (D(2027, 1, 4), "2027-W01"),
    (D(2025, 12, 29), "2026-W01")])
def test_weekly_reminders_are_sent_once_per_iso_week(day, week):
    assert week_of(day) == week


@pytest.mark.parametrize(("due", "today", "days", "soon", "late"), [
    (D(2026, 4, 20), D(2026, 4, 17), 2, False, False),
    (D(2026, 4, 20), D(2026, 4, 18), 2, True, False),
    (D(2026, 4, 20), D(2026, 4, 20), 2, True, False),
    (D(2026, 4, 20), D(2026, 4, 21), 2, False, True),
    (D(2026, 4, 10), D(2026, 4, 3), 7, True, False),
    (D(2026, 4, 10), D(2026, 4, 2), 7, False, False)])
def test_due_soon_and_overdue(due, today, days, soon, late):
    assert due_within(due, today, days) is soon
    assert overdue(due, today) is late


def test_a_headcount_report_is_missing_fifteen_days_after_its_quarter():
    assert not headcount_late(D(2026, 3, 31), D(2026, 4, 14))
    assert headcount_late(D(2026, 3, 31), D(2026, 4, 15))
    assert late_quarters([D(2025, 12, 31), D(2026, 3, 31)], D(2026, 4, 10)) == [D(2025, 12, 31)]


# --- helpers ----------------------------------------------------------------------------------------

def run(app, today: date) -> list[tuple]:
    """send_due(today) as the worker runs it: (rule, recipient, subject key, period) of each sent."""
    with app.app_context(), worker_context(app):
        return [(r.rule, r.user.email, r.subject_key, r.period) for r in reminders.send_due(today)]


def last_message_id(db) -> int:
    return db.session.scalar(select(func.coalesce(func.max(OutboxMessage.id), 0)))


def messages_after(db, message_id: int) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.id > message_id)
                                   .order_by(OutboxMessage.id)))


def application(db, fund, founder, state="in_review", submitted=datetime(2026, 3, 1, 9, tzinfo=UTC)):
    applicant = Company(name=f"Applicant {state}", country="KE", sector="fintech", owner_id=founder.id)
    db.session.add(applicant)
    db.session.flush()
    made = Application(fund_id=fund.id, company_id=applicant.id, founder_id=founder.id, state=state,
                       submitted_at=submitted)
    db.session.add(made)
    db.session.commit()
    return made


def assign(db, made, reviewer, due, conflict=None):
    assignment = Assignment(application_id=made.id, reviewer_id=reviewer.id, due_date=due, conflict=conflict)
    db.session.add(assignment)
    db.session.commit()
    return assignment


def mute(db, user, rule):
    db.session.add(MutedReminder(user_id=user.id, rule=rule))
    db.session.commit()


# --- each rule ---------------------------------------------------------------------------------------

def test_reviewers_hear_of_a_review_due_in_two_days_then_weekly_while_it_is_overdue(app, db):
    fund = FundFactory()
    reviewer, founder = staff_with_role("reviewer", fund), FounderFactory()
    waiting = application(db, fund, founder)
    assignment = assign(db, waiting, reviewer, D(2026, 4, 20))
    for recused, state in ((True, "in_review"), (None, "declined")):    # never reminded
        assign(db, application(db, fund, FounderFactory(), state), reviewer, D(2026, 4, 20), conflict=recused)
    reviewed = application(db, fund, FounderFactory())
    assign(db, reviewed, reviewer, D(2026, 4, 20))
    db.session.add(Review(application_id=reviewed.id, reviewer_id=reviewer.id, fund_id=fund.id, scores={},
                          recommendation="invest"))
    db.session.commit()
    subject = f"assignment:{assignment.id}"
    assert run(app, D(2026, 4, 17)) == []
    assert run(app, D(2026, 4, 18)) == [("review_due_soon", reviewer.email, subject, "2026-04-20")]
    assert run(app, D(2026, 4, 19)) == run(app, D(2026, 4, 20)) == []
    assert run(app, D(2026, 4, 21)) == [("review_overdue", reviewer.email, subject, "2026-W17")]
    assert run(app, D(2026, 4, 26)) == []
    assert run(app, D(2026, 4, 27)) == [("review_overdue", reviewer.email, subject, "2026-W18")]
    (message,) = messages_after(db, 0)[-1:]
    assert message.recipient == reviewer.email
    assert f"/funds/{fund.id}/applications/{waiting.id}" in message.body
    assert message.body.count(app.config["PUBLIC_URL"]) == 1       # an absolute link, and only the one
    assert "20 April 2026" in message.body


def test_founders_hear_weekly_of_a_headcount_report_missing_fifteen_days_after_the_quarter(app, db):
    fund, _ministry, _openai = fund_with_partners(vintage_year=2025)
    manager, founder = staff_with_role("manager", fund), FounderFactory()
    call = capital.record_call(manager, fund, D(2025, 1, 10), D(2025, 2, 10), "5000", "investment")
    for partner, amount in ((_ministry, "3000"), (_openai, "2000")):
        capital.record_payment(manager, fund, call, partner.id, D(2025, 2, 1), amount)
    shamba = company(manager, fund, "Shamba", owner=founder)
    unowned = company(manager, fund, "Nobody's")          # no founder to remind: only the managers' digest
    for invested in (shamba, unowned):
        portfolio.record_investment(manager, fund, invested.id, D(2025, 11, 1), "1000", "equity", "0.1")
    report(manager, shamba, "2025Q4", 5)
    db.session.commit()
    assert run(app, D(2026, 4, 14)) == []
    assert run(app, D(2026, 4, 15)) == [("headcount_missing", founder.email, f"company:{shamba.id}", "2026-W16")]
    assert run(app, D(2026, 4, 19)) == []
    assert [sent[0] for sent in run(app, D(2026, 4, 21))] == ["headcount_missing"]    # the week after
    (message,) = messages_after(db, last_message_id(db) - 1)
    assert f"{app.config['PUBLIC_URL']}/portal/companies/{shamba.id}/headcount?period=2026Q1" in message.body
    jobs.file_report(founder, shamba, {"period": "2026Q1", "full_time": 6, "part_time": 0, "women": 3,
                                       "under_35": 2, "nationals": 6}, by_manager=False, today=D(2026, 4, 22))
    db.session.commit()
    assert run(app, D(2026, 4, 28)) == []


def test_partners_hear_of_a_call_seven_days_before_it_is_due_and_weekly_while_unpaid(app, db):
    fund, ministry, openai = fund_with_partners(vintage_year=2025)
    manager = staff_with_role("manager", fund)
    treasurer, colleague, gone = UserFactory(), UserFactory(), UserFactory(active=False)
    for user, partner in ((treasurer, ministry), (colleague, ministry), (gone, ministry)):
        GrantFactory(user=user, fund=fund, role="partner", partner=partner)
    call = capital.record_call(manager, fund, D(2026, 3, 20), D(2026, 4, 10), "1000", "investment")
    capital.record_payment(manager, fund, call, openai.id, D(2026, 3, 25), "400")    # nobody speaks for it
    db.session.commit()
    subject = f"call:{call.id}"
    assert run(app, D(2026, 4, 2)) == []
    before = last_message_id(db)
    assert run(app, D(2026, 4, 3)) == [("call_due_soon", treasurer.email, subject, "2026-04-10"),
                                       ("call_due_soon", colleague.email, subject, "2026-04-10")]
    soon = messages_after(db, before)[0]
    assert "600.00" in soon.subject and "10 April 2026" in soon.subject
    assert f"{app.config['PUBLIC_URL']}/funds/{fund.id}/partners/{ministry.id}/statement" in soon.body
    assert run(app, D(2026, 4, 10)) == []
    capital.record_payment(manager, fund, call, ministry.id, D(2026, 4, 11), "200")
    db.session.commit()
    before = last_message_id(db)
    assert run(app, D(2026, 4, 11)) == [("call_overdue", treasurer.email, subject, "2026-W15"),
                                        ("call_overdue", colleague.email, subject, "2026-W15")]
    late = messages_after(db, before)[0]
    # its statement: 400.00 of 600.00 still owed, overdue since the due date
    assert "400.00" in late.body and "since 10 April 2026" in late.body
    capital.record_payment(manager, fund, call, ministry.id, D(2026, 4, 14), "400")
    db.session.commit()
    assert run(app, D(2026, 4, 14)) == []


def test_managers_read_a_weekly_digest_on_mondays_and_none_when_there_is_nothing_to_say(app, db):
    fund, ministry, openai = fund_with_partners(vintage_year=2025)
    manager, other_manager, reviewer = (staff_with_role("manager", fund), staff_with_role("manager", fund),
                                        staff_with_role("reviewer", fund))
    quiet = FundFactory(vintage_year=2025)
    staff_with_role("manager", quiet)                           # its fund has nothing to say: no digest
    call = capital.record_call(manager, fund, D(2026, 3, 2), D(2026, 3, 30), "1000", "investment")
    capital.record_payment(manager, fund, call, ministry.id, D(2026, 3, 20), "600")
    founder = FounderFactory()
    for submitted in (datetime(2026, 4, 5, 23, 59, tzinfo=UTC), datetime(2026, 3, 30, 0, 0, tzinfo=UTC)):
        application(db, fund, founder, "submitted", submitted)
    application(db, fund, founder, "submitted", datetime(2026, 4, 6, 0, 0, tzinfo=UTC))    # next week's
    assign(db, application(db, fund, founder, "in_review"), reviewer, D(2026, 4, 1))
    db.session.commit()

    def digests(day):
        return [sent for sent in run(app, day) if sent[0] == "weekly_digest"]

    assert digests(D(2026, 4, 5)) == []                           # a Sunday
    before = last_message_id(db)
    assert sorted(digests(D(2026, 4, 6))) == sorted(
        ("weekly_digest", user.email, f"fund:{fund.id}", "2026-W15") for user in (manager, other_manager))
    (body,) = [m.body for m in messages_after(db, before) if m.recipient == manager.email]
    assert "2 new applications" in body and "1 review overdue" in body
    assert "1 capital call not fully paid" in body and "400.00" in body and "2026 Q1" in body
    assert f"{app.config['PUBLIC_URL']}/funds/{fund.id}/capital" in body
    assert digests(D(2026, 4, 7)) == []
    capital.record_payment(manager, fund, call, openai.id, D(2026, 4, 8), "400")
    db.session.add(QuarterlyReport(fund_id=fund.id, year=2026, quarter=1, state="published"))
    db.session.execute(Assignment.__table__.delete())
    db.session.commit()
    assert [sent[0] for sent in run(app, D(2026, 4, 13))] == ["weekly_digest"] * 2   # the new application
    assert run(app, D(2026, 4, 20)) == []                         # nothing left to say


def test_muted_reminders_are_not_sent_but_obligations_always_are(app, db):
    fund = FundFactory()
    reviewer = staff_with_role("reviewer", fund)
    assign(db, application(db, fund, FounderFactory()), reviewer, D(2026, 4, 20))
    mute(db, reviewer, "review_due_soon")
    mute(db, reviewer, "review_overdue")          # not optional: a row saying so changes nothing
    assert run(app, D(2026, 4, 18)) == []
    assert [sent[0] for sent in run(app, D(2026, 4, 21))] == ["review_overdue"]
    db.session.execute(MutedReminder.__table__.delete())
    db.session.commit()
    assert run(app, D(2026, 4, 22)) == []         # its due-soon time is past, the week's overdue one sent


def test_each_reminder_speaks_its_recipients_language(app, db):
    fund = FundFactory(language="en")
    english, french = staff_with_role("reviewer", fund), staff_with_role("reviewer", fund, language="fr")
    waiting = application(db, fund, FounderFactory())
    for reviewer in (english, french):
        assign(db, waiting, reviewer, D(2026, 4, 20))
    before = last_message_id(db)
    assert len(run(app, D(2026, 4, 18))) == 2
    mails = {message.recipient: message for message in messages_after(db, before)}
    # the dates are written by Babel in each language (the catalogue's sentences are translated later)
    assert "20 April 2026" in mails[english.email].body and "20 avril 2026" in mails[french.email].body
    assert "20 avril 2026" in mails[french.email].subject
    link = f"{app.config['PUBLIC_URL']}/funds/{fund.id}/applications/{waiting.id}"
    assert all(link in mail.body for mail in mails.values())


# --- a whole quarter, day by day ---------------------------------------------------------------------

def _quarter_world(db) -> dict:
    """Fund F (KES, vintage 2025): Ministry 6,000.00 and OpenAI 4,000.00 committed, call 0 paid in 2025;
    call 1 of 1,000.00 (Ministry 600.00, OpenAI 400.00) called 20 March 2026, due 10 April. Managers M and
    M2 (digest muted); reviewers R and R2 (French, due-soon muted); P speaks for Ministry, P2 for OpenAI
    (due-soon muted), P3 for Ministry but deactivated. Founder U's Shamba (invested 1 Nov 2025) filed
    2025Q4; founder U2's Beta (invested 1 Jun 2025) filed 2025Q2 to Q4. Applications submitted 1 March:
    A1 in review (R and R2 due 20 April), A2 (R recused), A3 declined, A4 (R due 30 May), A5 (R, no due
    date), A6 (R reviewed it). Fund G has a manager and nothing else."""
    fund, ministry, openai = fund_with_partners(name="Fund F", vintage_year=2025)
    quiet = FundFactory(name="Fund G", vintage_year=2025)
    people = {"M": staff_with_role("manager", fund), "M2": staff_with_role("manager", fund),
              "MG": staff_with_role("manager", quiet), "R": staff_with_role("reviewer", fund),
              "R2": staff_with_role("reviewer", fund, language="fr"), "U": FounderFactory(),
              "U2": FounderFactory(), "P": UserFactory(), "P2": UserFactory(), "P3": UserFactory(active=False)}
    for name, partner in (("P", ministry), ("P2", openai), ("P3", ministry)):
        GrantFactory(user=people[name], fund=fund, role="partner", partner=partner)
    for name, rule in (("M2", "weekly_digest"), ("R2", "review_due_soon"), ("P2", "call_due_soon")):
        mute(db, people[name], rule)
    manager = people["M"]
    paid = capital.record_call(manager, fund, D(2025, 1, 10), D(2025, 2, 10), "5000", "investment")
    for partner, amount in ((ministry, "3000"), (openai, "2000")):
        capital.record_payment(manager, fund, paid, partner.id, D(2025, 2, 1), amount)
    calls = {"C1": capital.record_call(manager, fund, D(2026, 3, 20), D(2026, 4, 10), "1000", "investment")}
    companies = {"Shamba": company(manager, fund, "Shamba", owner=people["U"]),
                 "Beta": company(manager, fund, "Beta", owner=people["U2"])}
    for name, day in (("Shamba", D(2025, 11, 1)), ("Beta", D(2025, 6, 1))):
        portfolio.record_investment(manager, fund, companies[name].id, day, "1000", "equity", "0.1")
    report(manager, companies["Shamba"], "2025Q4", 5)
    for period in ("2025Q2", "2025Q3", "2025Q4"):
        report(manager, companies["Beta"], period, 3)
    db.session.commit()
    founder = FounderFactory()
    apps = {name: application(db, fund, founder, state) for name, state in (
        ("A1", "in_review"), ("A2", "in_review"), ("A3", "declined"), ("A4", "in_review"), ("A5", "in_review"),
        ("A6", "in_review"))}
    reviewer = people["R"]
    assignments = {"A1": assign(db, apps["A1"], reviewer, D(2026, 4, 20)),
                   "A1/R2": assign(db, apps["A1"], people["R2"], D(2026, 4, 20)),
                   "A4": assign(db, apps["A4"], reviewer, D(2026, 5, 30))}
    assign(db, apps["A2"], reviewer, D(2026, 4, 10), conflict=True)
    assign(db, apps["A3"], reviewer, D(2026, 4, 10))
    assign(db, apps["A5"], reviewer, None)
    assign(db, apps["A6"], reviewer, D(2026, 4, 10), conflict=False)
    db.session.add(Review(application_id=apps["A6"].id, reviewer_id=reviewer.id, fund_id=fund.id, scores={},
                          recommendation="invest"))
    db.session.commit()
    return {"fund": fund, "ministry": ministry, "openai": openai, "people": people, "calls": calls,
            "companies": companies, "apps": apps, "assignments": assignments, "founder": founder}


def _events(db, world) -> dict:
    """What happens in the quarter, each before that day's reminders are sent."""
    fund, manager, people = world["fund"], world["people"]["M"], world["people"]
    ministry, openai, calls = world["ministry"], world["openai"], world["calls"]
    apps, companies = world["apps"], world["companies"]
    counts = {"full_time": 4, "part_time": 0, "women": 2, "under_35": 2, "nationals": 4}

    def file(founder, name, day):
        jobs.file_report(founder, companies[name], {"period": "2026Q1", **counts}, by_manager=False, today=day)

    def pay(call, partner, day, amount):
        capital.record_payment(manager, fund, calls[call], partner.id, day, amount)

    def review_a1(day):
        db.session.add(Review(application_id=apps["A1"].id, reviewer_id=people["R"].id, fund_id=fund.id,
                              scores={}, recommendation="invest"))
        db.session.get(Application, apps["A1"].id).state = "due_diligence"   # R2's review is no longer awaited
        file(people["U"], "Shamba", day)

    def call_again(day):
        calls["C2"] = capital.record_call(manager, fund, day, D(2026, 6, 5), "500", "investment")
        application(db, fund, world["founder"], "submitted", datetime(2026, 5, 20, 10, tzinfo=UTC))

    def move_due_date(_day):
        db.session.get(Assignment, world["assignments"]["A4"].id).due_date = D(2026, 6, 12)

    return {
        D(2026, 4, 10): lambda day: file(people["U2"], "Beta", day),
        D(2026, 4, 15): lambda day: pay("C1", ministry, day, "200"),
        D(2026, 4, 22): lambda day: (pay("C1", ministry, day, "400"), pay("C1", openai, day, "400")),
        D(2026, 5, 6): review_a1,
        D(2026, 5, 12): lambda day: db.session.add(QuarterlyReport(fund_id=fund.id, year=2026, quarter=1,
                                                                   state="published")),
        D(2026, 5, 20): call_again,
        D(2026, 5, 29): move_due_date,
        D(2026, 6, 3): lambda day: pay("C2", ministry, day, "300"),    # OpenAI never pays call 2
    }


# Every reminder of the quarter, by hand from the world and its events: (day, rule, to whom, about what, and
# for a due-soon one its period, the due date; a weekly one's is the ISO week of its day). Each weekly one
# goes on the first day of its ISO week that it is due; Mondays 6 April to 29 June hold 13 digests, of
# which those of 18 May and 1 June have nothing to say.
QUARTER = [
    (D(2026, 4, 3), "call_due_soon", "P", "C1", "2026-04-10"),          # 7 days before (P2 muted it)
    (D(2026, 4, 6), "weekly_digest", "M", "fund", None),                # the 2026Q1 report is due
    (D(2026, 4, 11), "call_overdue", "P", "C1", None), (D(2026, 4, 11), "call_overdue", "P2", "C1", None),
    (D(2026, 4, 13), "call_overdue", "P", "C1", None), (D(2026, 4, 13), "call_overdue", "P2", "C1", None),
    (D(2026, 4, 13), "weekly_digest", "M", "fund", None),
    (D(2026, 4, 15), "headcount_missing", "U", "Shamba", None),         # 31 March + 15; Beta filed on the 10th
    (D(2026, 4, 18), "review_due_soon", "R", "A1", "2026-04-20"),       # R2 muted it
    (D(2026, 4, 20), "call_overdue", "P", "C1", None), (D(2026, 4, 20), "call_overdue", "P2", "C1", None),
    (D(2026, 4, 20), "headcount_missing", "U", "Shamba", None), (D(2026, 4, 20), "weekly_digest", "M", "fund", None),
    (D(2026, 4, 21), "review_overdue", "R", "A1", None), (D(2026, 4, 21), "review_overdue", "R2", "A1/R2", None),
    # 22 April: call 1 paid in full
    (D(2026, 4, 27), "review_overdue", "R", "A1", None), (D(2026, 4, 27), "review_overdue", "R2", "A1/R2", None),
    (D(2026, 4, 27), "headcount_missing", "U", "Shamba", None), (D(2026, 4, 27), "weekly_digest", "M", "fund", None),
    (D(2026, 5, 4), "review_overdue", "R", "A1", None), (D(2026, 5, 4), "review_overdue", "R2", "A1/R2", None),
    (D(2026, 5, 4), "headcount_missing", "U", "Shamba", None), (D(2026, 5, 4), "weekly_digest", "M", "fund", None),
    # 6 May: R reviews A1, which moves on; Shamba files 2026Q1
    (D(2026, 5, 11), "weekly_digest", "M", "fund", None),               # the report, published on 12 May
    (D(2026, 5, 25), "weekly_digest", "M", "fund", None),               # an application submitted on 20 May
    (D(2026, 5, 28), "review_due_soon", "R", "A4", "2026-05-30"),       # its due date moves on 29 May...
    (D(2026, 5, 29), "call_due_soon", "P", "C2", "2026-06-05"),         # call 2, made on 20 May
    (D(2026, 6, 6), "call_overdue", "P2", "C2", None),                  # Ministry paid on 3 June
    (D(2026, 6, 8), "call_overdue", "P2", "C2", None), (D(2026, 6, 8), "weekly_digest", "M", "fund", None),
    (D(2026, 6, 10), "review_due_soon", "R", "A4", "2026-06-12"),       # ...to 12 June
    (D(2026, 6, 13), "review_overdue", "R", "A4", None),
    (D(2026, 6, 15), "review_overdue", "R", "A4", None), (D(2026, 6, 15), "call_overdue", "P2", "C2", None),
    (D(2026, 6, 15), "weekly_digest", "M", "fund", None),
    (D(2026, 6, 22), "review_overdue", "R", "A4", None), (D(2026, 6, 22), "call_overdue", "P2", "C2", None),
    (D(2026, 6, 22), "weekly_digest", "M", "fund", None),
    (D(2026, 6, 29), "review_overdue", "R", "A4", None), (D(2026, 6, 29), "call_overdue", "P2", "C2", None),
    (D(2026, 6, 29), "weekly_digest", "M", "fund", None),
]


def test_a_quarter_walked_day_by_day_sends_each_reminder_once_per_period(app, db):
    world = _quarter_world(db)
    events = _events(db, world)
    who = {user.email: name for name, user in world["people"].items()}
    sent = []
    day = D(2026, 4, 1)
    while day <= D(2026, 6, 30):
        if day in events:
            events[day](day)
            db.session.commit()
        before = last_message_id(db)
        today = run(app, day)
        mailed = messages_after(db, before)
        assert sorted(m.recipient for m in mailed) == sorted(email for _rule, email, _key, _period in today)
        assert run(app, day) == [] and messages_after(db, before) == mailed      # the same day again
        sent += [(day, rule, who[email], key, period) for rule, email, key, period in today]
        day += timedelta(days=1)
    subjects = {"fund": f"fund:{world['fund'].id}",
                **{name: f"call:{call.id}" for name, call in world["calls"].items()},
                **{name: f"assignment:{a.id}" for name, a in world["assignments"].items()},
                **{name: f"company:{c.id}" for name, c in world["companies"].items()}}

    def week(day):
        year, number, _weekday = day.isocalendar()
        return f"{year}-W{number:02d}"

    assert sorted(sent) == sorted((day, rule, whom, subjects[about], period or week(day))
                                  for day, rule, whom, about, period in QUARTER)
    assert len(sent) == 41
    assert {rule: sum(1 for entry in sent if entry[1] == rule) for rule in reminders.RULES} == {
        "review_due_soon": 3, "review_overdue": 10, "headcount_missing": 4, "call_due_soon": 2,
        "call_overdue": 11, "weekly_digest": 11}
    assert db.session.scalar(select(func.count(ReminderSent.id))) == 41


# --- two workers at once --------------------------------------------------------------------------------

def _three_due(db):
    """On 18 April 2026: three reviewers' reviews of one application are due on the 20th."""
    fund = FundFactory()
    waiting = application(db, fund, FounderFactory())
    for _ in range(3):
        assign(db, waiting, staff_with_role("reviewer", fund), D(2026, 4, 20))


def test_two_workers_at_the_same_moment_send_each_reminder_once(app, db):
    _three_due(db)
    before = last_message_id(db)
    start, results, errors = threading.Barrier(2), [], []

    def worker():
        try:
            with app.app_context(), worker_context(app):
                start.wait(timeout=10)
                results.append([r.key for r in reminders.send_due(D(2026, 4, 18))])
        except Exception as error:  # noqa: BLE001  (reported by the assertion below)
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    keys = [key for result in results for key in result]
    assert len(keys) == len(set(keys)) == 3
    assert len(messages_after(db, before)) == 3


def test_a_worker_late_on_another_sends_nothing_the_other_sent(app, db):
    _three_due(db)
    before = last_message_id(db)
    with app.app_context(), worker_context(app):
        stale = reminders.due(D(2026, 4, 18))           # read before the other worker sends
        db.session.commit()                             # its reading transaction ends
        assert len(stale) == 3
        assert len(run(app, D(2026, 4, 18))) == 3
        assert reminders.send(stale, D(2026, 4, 18)) == []
    assert len(messages_after(db, before)) == 3


# --- the command ------------------------------------------------------------------------------------------

def test_the_command_lists_what_is_due_without_sending_it_then_sends_it(app, runner):
    # in the app's own context (a command run beside the tests' observer would borrow its autocommit)
    with app.app_context():
        _three_due(database)
        before = last_message_id(database)
        dry = runner.invoke(args=["reminders", "--dry-run", "--date", "2026-04-18"])
        assert dry.exit_code == 0, dry.output
        assert dry.output.count("review_due_soon") == 3
        assert "3 reminder(s) would be sent on 2026-04-18" in dry.output and "application no." in dry.output
        assert messages_after(database, before) == []
        assert database.session.scalar(select(func.count(ReminderSent.id))) == 0
        sent = runner.invoke(args=["reminders", "--date", "2026-04-18"])
        assert sent.exit_code == 0, sent.output
        assert "3 reminder(s) sent" in sent.output and len(messages_after(database, before)) == 3
        again = runner.invoke(args=["reminders", "--dry-run", "--date", "2026-04-18"])
        assert "0 reminder(s) would be sent" in again.output
        assert runner.invoke(args=["reminders", "--date", "18/04/2026"]).exit_code != 0
