"""The reminders as data (SPEC 13): who receives each, which a user may turn off, and the calendar that says
when each is due and in which period it is sent once."""
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

REVIEW_DUE_SOON_DAYS = 2        # a reviewer hears of a review this many days before it is due
CALL_DUE_SOON_DAYS = 7          # a partner hears of a capital call this many days before it is due
HEADCOUNT_GRACE_DAYS = 15       # a quarter's headcount is missing this many days after the quarter ends
DIGEST_WEEKDAY = 0              # the managers' digest goes out on Mondays


@dataclass(frozen=True)
class Rule:
    """A kind of reminder: the role that receives it and how the account page names it."""

    role: str               # manager, reviewer, partner (a grant in a fund) or founder (the account's type)
    label: object           # lazy string
    description: object     # lazy string: when it comes


RULES = {
    "review_due_soon": Rule("reviewer", _l("A review is due soon"),
                            _l("Once per review, %(days)d days before its due date.",
                               days=REVIEW_DUE_SOON_DAYS)),
    "review_overdue": Rule("reviewer", _l("A review is overdue"),
                           _l("Every week while a review assigned to you is late.")),
    "headcount_missing": Rule("founder", _l("A headcount report is missing"),
                              _l("Every week from %(days)d days after a quarter ends until its report is "
                                 "filed.", days=HEADCOUNT_GRACE_DAYS)),
    "call_due_soon": Rule("partner", _l("A capital call is due soon"),
                          _l("Once per call, %(days)d days before its due date, with your statement.",
                             days=CALL_DUE_SOON_DAYS)),
    "call_overdue": Rule("partner", _l("A capital call is overdue"),
                         _l("Every week while your share of a call is unpaid after its due date.")),
    "weekly_digest": Rule("manager", _l("The weekly digest of your fund"),
                          _l("Mondays: new applications, overdue reviews and payments, missing headcount "
                             "and the quarterly report due; none when there is nothing to say.")),
}

# The reminders a user may turn off in its account. The others tell of an obligation that is late (a
# review, a payment, a headcount report) and are always sent.
OPTIONAL = ("review_due_soon", "call_due_soon", "weekly_digest")


def week_of(day: date) -> str:
    """The ISO week holding the day ("2026-W07"): the period of the weekly reminders."""
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def due_within(due: date, today: date, days: int) -> bool:
    """Whether something due on a date falls due within the next days (today and the due day included)."""
    return today <= due <= today + timedelta(days=days)


def overdue(due: date, today: date) -> bool:
    """Whether something due on a date is late today."""
    return due < today


def headcount_late(quarter_end: date, today: date) -> bool:
    """Whether a quarter's headcount report, not filed, is missing today (the grace after the quarter)."""
    return today >= quarter_end + timedelta(days=HEADCOUNT_GRACE_DAYS)


def late_quarters(missing: list[date], today: date) -> list[date]:
    """The quarter ends, among those without a headcount report, whose report is missing today."""
    return [end for end in missing if headcount_late(end, today)]


def digest_day(today: date) -> bool:
    """Whether the managers' weekly digest goes out today."""
    return today.weekday() == DIGEST_WEEKDAY
