"""Reminders (SPEC 13), each in the recipient's language, at most once per period: reviewers of reviews
due soon and overdue, founders of missing headcount reports, partners of capital calls due soon and
overdue (with their statement), managers a weekly digest. The rules, periods and which a user may turn
off are in fundapp.notifications.reminder_rules.

send_due() commits each reminder in a transaction of its own, its ReminderSent row written first: a
second worker sending the same reminder at the same moment meets that row's unique constraint and
leaves it, so that each is sent once whoever runs them."""
import logging
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from fundapp.applications.models import Application, Assignment
from fundapp.applications.review import awaited
from fundapp.audit.services import record
from fundapp.auth.models import Grant, User
from fundapp.auth.services import mail_user
from fundapp.database import reading
from fundapp.extensions import db
from fundapp.funds.models import Fund, Partner
from fundapp.jobs.services import invested_company_ids, reporting_status
from fundapp.ledger.statements import Statement, calls_of, statement
from fundapp.notifications.models import MutedReminder, ReminderSent
from fundapp.notifications.reminder_rules import (
    CALL_DUE_SOON_DAYS,
    OPTIONAL,
    REVIEW_DUE_SOON_DAYS,
    RULES,
    digest_day,
    due_within,
    late_quarters,
    overdue,
    week_of,
)
from fundapp.portfolio.models import Company
from fundapp.quarters import last_ended, period_of, quarter_of
from fundapp.reporting.models import QuarterlyReport
from fundapp.reporting.services import has_data as has_report_data
from fundapp.web.formatting import day, money, quarter

log = logging.getLogger(__name__)
SUBJECT_LIMIT = 200         # the outbox's subject column


@dataclass
class Reminder:
    """A reminder due, sent once per rule, user, subject and period; compose() writes it in the locale."""

    rule: str
    user: User
    subject_key: str
    period: str
    link: str
    compose: Callable[[], tuple[str, str]]

    @property
    def key(self) -> tuple[str, int, str, str]:
        return self.rule, self.user.id, self.subject_key, self.period

    def subject(self) -> str:
        """The subject in the recipient's language."""
        with force_locale(self.user.language):
            return self.compose()[0]


def _reminder(rule: str, user: User, subject_key: str, period: str, link: str, compose) -> Reminder:
    def written() -> tuple[str, str]:
        subject, body = compose()
        return str(subject)[:SUBJECT_LIMIT], str(body)
    return Reminder(rule, user, subject_key, period, link, written)


# --- what is due, and sending it ---------------------------------------------------------------------

def due(today: date) -> list[Reminder]:
    """The reminders due today, neither sent in their period yet nor turned off (what --dry-run lists)."""
    waiting = _waiting_assignments(today)
    settings = url_for("account.reminders", _external=True)
    candidates = [*_reviews(waiting, today, settings), *_headcount(today), *_calls(today, settings),
                  *_digests(waiting, today, settings)]
    muted = set(db.session.execute(select(MutedReminder.user_id, MutedReminder.rule)
                                   .where(MutedReminder.rule.in_(OPTIONAL))).all())
    sent = set(db.session.execute(
        select(ReminderSent.rule, ReminderSent.user_id, ReminderSent.subject_key, ReminderSent.period)
        .where(ReminderSent.period.in_(sorted({reminder.period for reminder in candidates})))).all())
    return [reminder for reminder in candidates
            if (reminder.user.id, reminder.rule) not in muted and reminder.key not in sent]


def send_due(today: date) -> list[Reminder]:
    """Send the reminders due today that were not sent in their period yet; the reminders sent."""
    with reading():
        found = due(today)
    return send(found, today)


def send(reminders: list[Reminder], today: date) -> list[Reminder]:
    """Mail each reminder in a transaction of its own, unless another worker has; the reminders sent."""
    db.session.commit()         # the reading transaction ends before the first reminder is written
    sent = []
    for reminder in reminders:
        rule, user_id, _subject, _period = reminder.key
        try:
            claimed = _claim(reminder, today)
            if claimed:
                mail_user(reminder.user, reminder.compose)
            db.session.commit()
        except Exception:  # noqa: BLE001  (one reminder that fails must not hold back the others)
            db.session.rollback()
            log.exception("reminder %s to user %s not sent", rule, user_id)
            continue
        if claimed:
            sent.append(reminder)
    return sent


def _claim(reminder: Reminder, today: date) -> bool:
    """Record the reminder as sent before sending it; False when it was sent already."""
    # The row is unique per rule, user, subject and period: a worker sending the same reminder at the same
    # moment waits for this transaction, then meets the row and leaves the reminder (in a savepoint, so
    # that its transaction goes on).
    rule, user_id, subject_key, period = reminder.key
    try:
        with db.session.begin_nested():
            db.session.add(ReminderSent(rule=rule, user_id=user_id, subject_key=subject_key, period=period,
                                        sent_on=today))
            db.session.flush()
    except IntegrityError:
        return False
    return True


# --- reviewers ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Waiting:
    """An assignment whose review is awaited, with a due date."""

    assignment_id: int
    application_id: int
    fund_id: int
    fund_name: str
    due_date: date
    reviewer: User


def _waiting_assignments(today: date) -> list[Waiting]:
    """The assignments awaiting their review, as review.waiting_reviews counts them, due soon or late."""
    # Awaited: not recused, not yet reviewed, the application still in review. Those due later are left
    # out here only to read less: overdue() and due_within() decide.
    rows = db.session.execute(
        awaited(select(Assignment.id, Assignment.application_id, Application.fund_id, Fund.name,
                       Assignment.due_date, User))
        .join(Fund, Application.fund_id == Fund.id)
        .join(User, Assignment.reviewer_id == User.id)
        .where(User.active, Assignment.due_date <= today + timedelta(days=REVIEW_DUE_SOON_DAYS))
        .order_by(Assignment.due_date, Assignment.id))
    return [Waiting(*row) for row in rows]


def _reviews(waiting: list[Waiting], today: date, settings: str) -> Iterator[Reminder]:
    for item in waiting:
        link = url_for("review.application", fund_id=item.fund_id, application_id=item.application_id,
                       _external=True)
        if overdue(item.due_date, today):
            yield _reminder("review_overdue", item.reviewer, f"assignment:{item.assignment_id}",
                            week_of(today), link, _review_text(item, link, late=True, settings=settings))
        elif due_within(item.due_date, today, REVIEW_DUE_SOON_DAYS):
            yield _reminder("review_due_soon", item.reviewer, f"assignment:{item.assignment_id}",
                            item.due_date.isoformat(), link, _review_text(item, link, late=False,
                                                                          settings=settings))


def _review_text(item: Waiting, link: str, late: bool, settings: str):
    # Application numbers only: a fund reviewing blind keeps the company's name from its reviewers.
    values = {"fund": item.fund_name, "id": item.application_id, "link": link}

    def compose():
        when = day(item.due_date)
        if late:
            return (_("Your review of application no. %(id)d is overdue", **values),
                    _("%(fund)s: your review of application no. %(id)d was due on %(date)s. Review it, or "
                      "declare a conflict, here:\n\n%(link)s", date=when, **values) + "\n\n" +
                    _("This reminder comes every week until the review is in."))
        return (_("Your review of application no. %(id)d is due on %(date)s", date=when, **values),
                _("%(fund)s: your review of application no. %(id)d is due on %(date)s. Review it, or "
                  "declare a conflict, here:\n\n%(link)s", date=when, **values) + "\n\n" +
                _("You can turn this reminder off in your account: %(link)s", link=settings))
    return compose


# --- founders -------------------------------------------------------------------------------------

def _headcount(today: date) -> Iterator[Reminder]:
    owned = select(Company.id).where(Company.owner_id.is_not(None), Company.id.in_(invested_company_ids()))
    late = [(status.company, ends) for status in reporting_status(owned, today=today)
            if (ends := late_quarters(status.missing, today))]
    founders = {user.id: user for user in db.session.scalars(select(User).where(
        User.id.in_({company.owner_id for company, _ends in late}), User.active))}
    for company, ends in late:
        if company.owner_id in founders:
            link = url_for("portal.headcount", company_id=company.id, period=period_of(ends[0]),
                           _external=True)
            yield _reminder("headcount_missing", founders[company.owner_id], f"company:{company.id}",
                            week_of(today), link, _headcount_text(company.name, ends, link))


def _headcount_text(company: str, ends: list[date], link: str):
    def compose():
        quarters = ", ".join(quarter(end) for end in ends)
        return (_("%(company)s: headcount report missing", company=company),
                _("%(company)s has not filed its headcount for %(quarters)s. The funds invested in it report "
                  "the jobs it creates from these figures. File them here:\n\n%(link)s", company=company,
                  quarters=quarters, link=link) + "\n\n" +
                _("This reminder comes every week until the reports are filed."))
    return compose


# --- partners -------------------------------------------------------------------------------------

def _calls(today: date, settings: str) -> Iterator[Reminder]:
    speakers: dict[tuple[int, int], list[User]] = defaultdict(list)
    for fund_id, partner_id, user in db.session.execute(
            select(Grant.fund_id, Grant.partner_id, User).join(User, Grant.user_id == User.id)
            .where(Grant.role == "partner", Grant.partner_id.is_not(None), User.active)
            .order_by(Grant.fund_id, Grant.partner_id, User.id)):
        speakers[fund_id, partner_id].append(user)
    funds = {fund.id: fund for fund in db.session.scalars(select(Fund).where(
        Fund.id.in_({fund_id for fund_id, _partner in speakers})))}
    partners = {partner.id: partner for partner in db.session.scalars(select(Partner).where(
        Partner.id.in_({partner_id for _fund, partner_id in speakers})))}
    for (fund_id, partner_id), users in speakers.items():
        fund = funds[fund_id]
        account = statement(fund, partners[partner_id], today)
        link = url_for("capital.statement", fund_id=fund_id, partner_id=partner_id, _external=True)
        for call in account.calls:
            if call.overdue > 0:
                rule, period = "call_overdue", week_of(today)
            elif call.outstanding > 0 and due_within(call.due_date, today, CALL_DUE_SOON_DAYS):
                rule, period = "call_due_soon", call.due_date.isoformat()
            else:
                continue
            for user in users:
                yield _reminder(rule, user, f"call:{call.call_id}", period, link,
                                _call_text(rule, fund, account, call, link, settings))


def _call_text(rule: str, fund: Fund, account: Statement, call, link: str, settings: str):
    name, partner, currency, number = fund.name, account.partner.name, fund.currency, call.number
    share, due_date = call.outstanding, call.due_date
    outstanding, overdue_, since = account.outstanding, account.overdue, account.overdue_since

    def compose():
        words = {"fund": name, "partner": partner, "number": number, "amount": money(share, currency),
                 "date": day(due_date)}
        if rule == "call_overdue":
            subject = _("Capital call no. %(number)d of %(fund)s is overdue", **words)
            opening = _("%(partner)s still owes %(amount)s on call no. %(number)d of %(fund)s, due on "
                        "%(date)s.", **words)
            closing = _("This reminder comes every week until the call is paid.")
        else:
            subject = _("Capital call no. %(number)d of %(fund)s: %(amount)s due on %(date)s", **words)
            opening = _("%(partner)s owes %(amount)s on call no. %(number)d of %(fund)s, due on %(date)s.",
                        **words)
            closing = _("You can turn this reminder off in your account: %(link)s", link=settings)
        owed = {"outstanding": money(outstanding, currency), "overdue": money(overdue_, currency)}
        position = (_("Your statement today: outstanding %(outstanding)s; overdue %(overdue)s since "
                      "%(date)s.", date=day(since), **owed) if since else
                    _("Your statement today: outstanding %(outstanding)s; nothing overdue.", **owed))
        return subject, "\n\n".join([opening, position, _("Your statement, and how to pay: %(link)s",
                                                             link=link), closing])
    return compose


# --- managers -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Digest:
    """What a fund's managers read on Monday; nothing to say when every count is zero."""

    new_applications: int
    overdue_reviews: int
    overdue_calls: int
    overdue_amount: int
    late_companies: int
    report_due: date | None

    def __bool__(self) -> bool:
        return bool(self.new_applications or self.overdue_reviews or self.overdue_calls or
                    self.late_companies or self.report_due)


def digest(fund: Fund, waiting: list[Waiting], today: date) -> Digest:
    """The fund's week: what came in the seven days before today, and what is late or due."""
    until = datetime.combine(today, time.min, UTC)
    new = db.session.scalar(select(func.count(Application.id)).where(
        Application.fund_id == fund.id, Application.submitted_at >= until - timedelta(days=7),
        Application.submitted_at < until))
    late_calls = [line for line in calls_of(fund) if line.overdue(today)]
    late_companies = sum(1 for status in reporting_status(invested_company_ids(fund.id), fund.id, today)
                         if late_quarters(status.missing, today))
    late_reviews = sum(1 for item in waiting if item.fund_id == fund.id and overdue(item.due_date, today))
    return Digest(new, late_reviews, len(late_calls), sum(line.outstanding for line in late_calls),
                  late_companies, _report_due(fund, today))


def _report_due(fund: Fund, today: date) -> date | None:
    """The last ended quarter's end if the fund has something to report for it and has not published it."""
    end = last_ended(today)
    if end < fund.first_day or not has_report_data(fund, end):
        return None
    published = db.session.scalar(select(QuarterlyReport.id).where(
        QuarterlyReport.fund_id == fund.id, QuarterlyReport.year == end.year,
        QuarterlyReport.quarter == quarter_of(end), QuarterlyReport.state == "published").limit(1))
    return None if published else end


def _digests(waiting: list[Waiting], today: date, settings: str) -> Iterator[Reminder]:
    if not digest_day(today):
        return
    managers: dict[int, list[User]] = defaultdict(list)
    for fund_id, user in db.session.execute(
            select(Grant.fund_id, User).join(User, Grant.user_id == User.id)
            .where(Grant.role == "manager", User.active).order_by(Grant.fund_id, User.id)):
        managers[fund_id].append(user)
    for fund in db.session.scalars(select(Fund).where(Fund.id.in_(managers)).order_by(Fund.id)):
        week = digest(fund, waiting, today)
        if not week:
            continue
        link = url_for("dashboard.overview", fund_id=fund.id, _external=True)
        for user in managers[fund.id]:
            yield _reminder("weekly_digest", user, f"fund:{fund.id}", week_of(today), link,
                            _digest_text(fund, week, settings))


def _digest_text(fund: Fund, week: Digest, settings: str):
    links = {endpoint: url_for(endpoint, fund_id=fund.id, _external=True)
             for endpoint in ("review.applications", "capital.index", "jobs.reports", "reports.index")}
    overdue_link = url_for("review.applications", fund_id=fund.id, flag="overdue", _external=True)
    name, currency = fund.name, fund.currency

    def compose():
        lines = []
        if week.new_applications:
            lines.append(ngettext("%(num)d new application in the last seven days: %(link)s",
                                  "%(num)d new applications in the last seven days: %(link)s",
                                  week.new_applications, link=links["review.applications"]))
        if week.overdue_reviews:
            lines.append(ngettext("%(num)d review overdue: %(link)s", "%(num)d reviews overdue: %(link)s",
                                  week.overdue_reviews, link=overdue_link))
        if week.overdue_calls:
            lines.append(ngettext("%(num)d capital call not fully paid after its due date, %(amount)s in "
                                  "all: %(link)s",
                                  "%(num)d capital calls not fully paid after their due dates, %(amount)s in "
                                  "all: %(link)s", week.overdue_calls,
                                  amount=money(week.overdue_amount, currency), link=links["capital.index"]))
        if week.late_companies:
            lines.append(ngettext("%(num)d company has not filed a headcount report due: %(link)s",
                                  "%(num)d companies have not filed headcount reports due: %(link)s",
                                  week.late_companies, link=links["jobs.reports"]))
        if week.report_due:
            lines.append(_("The report for %(quarter)s is not published yet: %(link)s",
                           quarter=quarter(week.report_due), link=links["reports.index"]))
        return (_("%(fund)s: your weekly digest", fund=name),
                "\n\n".join([_("The week at %(fund)s:", fund=name), "\n".join(f"- {line}" for line in lines),
                             _("You receive this digest on Mondays; you can turn it off in your account: "
                               "%(link)s", link=settings)]))
    return compose


# --- a user's settings ----------------------------------------------------------------------------

def rules_of(user: User) -> list[str]:
    """The reminders the user may receive: a founder's by its account, staff's by the roles it holds."""
    roles = {"founder"} if user.is_founder else set(db.session.scalars(
        select(Grant.role).where(Grant.user_id == user.id)))
    return [name for name, rule in RULES.items() if rule.role in roles]


def muted_of(user: User) -> set[str]:
    """The optional reminders the user has turned off."""
    return set(db.session.scalars(select(MutedReminder.rule).where(MutedReminder.user_id == user.id)))


def choose(user: User, wanted: set[str]) -> None:
    """Turn each optional reminder the user may receive on (wanted) or off; the others are always sent."""
    offered = [name for name in rules_of(user) if name in OPTIONAL]
    before = muted_of(user)
    turn_off = {name for name in offered if name not in wanted} - before
    turn_on = {name for name in offered if name in wanted} & before
    if not turn_off and not turn_on:
        return
    db.session.add_all(MutedReminder(user_id=user.id, rule=name) for name in sorted(turn_off))
    if turn_on:
        db.session.execute(delete(MutedReminder).where(MutedReminder.user_id == user.id,
                                                       MutedReminder.rule.in_(turn_on)))
    record(user, "user.reminders_change", user, before={"muted": sorted(before)},
           after={"muted": sorted((before | turn_off) - turn_on)}, on_pages=False)
