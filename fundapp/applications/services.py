"""Use cases of the founder portal: companies, drafts, pitch decks, eligibility, submission, withdrawal."""
import io
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from sqlalchemy import func, select

from fundapp.applications import eligibility, workflow
from fundapp.applications.forms import field_label
from fundapp.applications.models import (
    TEXT_FIELDS,
    Application,
    FundMessage,
    Revision,
    RevisionRead,
    StateChange,
)
from fundapp.audit.services import record
from fundapp.auth.models import User
from fundapp.auth.services import hold_account, tell_managers
from fundapp.columns import utcnow
from fundapp.errors import Refused
from fundapp.extensions import db
from fundapp.funds.models import Fund
from fundapp.money import AmountError, to_decimal
from fundapp.portfolio.models import Company
from fundapp.web import files
from fundapp.web.formatting import amount_from_text

DECK_LIMIT = 20 * 1024 * 1024
DECK_PAGES = 300
TEXT_LIMITS = {"pitch": 200, **dict.fromkeys(TEXT_FIELDS[1:], 5000)}
COUNT_FIELDS = ("full_time", "part_time", "jobs_expected")
REQUIRED = ("requested_amount", "stage", "pitch", "problem", "solution", "market", "business_model", "team",
            "use_of_funds", "full_time", "part_time", "jobs_expected")
STAGES = ("idea", "pre_seed", "seed", "series_a", "growth")


def founder_companies(founder) -> list[Company]:
    return list(db.session.scalars(
        select(Company).where(Company.owner_id == founder.id).order_by(Company.name)))


def founder_applications(founder) -> list[tuple[Application, Fund, Company]]:
    return list(db.session.execute(
        select(Application, Fund, Company).join(Fund, Application.fund_id == Fund.id)
        .join(Company, Application.company_id == Company.id)
        .where(Application.founder_id == founder.id).order_by(Application.created_at.desc())).all())


def start_application(founder, fund: Fund, company: Company) -> Application:
    """A draft of the company's application to an open fund; the existing one if there is one."""
    if company.owner_id != founder.id:
        raise Refused({"company_id": _("Choose one of your companies.")})
    existing = db.session.scalar(select(Application).where(Application.fund_id == fund.id,
                                                           Application.company_id == company.id))
    if existing is not None:
        return existing
    if not fund.open_for_applications:
        raise Refused({"fund_id": _("This fund is not open for applications.")})
    application = Application(fund_id=fund.id, company_id=company.id, founder_id=founder.id,
                              sector=company.sector)
    db.session.add(application)
    record(founder, "application.create", application, fund_id=fund.id)
    return application


def save_draft(founder, application: Application, fund: Fund, values: dict) -> Application:
    """Keep what the founder typed, complete or not; refuse only values that are wrong as given. The
    founder edits a draft, and an application the fund asked it to change."""
    if application.state not in workflow.EDITABLE:
        raise Refused({"state": _("Only a draft, or an application the fund asked you to change, can be "
                                  "changed.")}, status=409)
    errors, clean = {}, {}
    text = str(values.get("requested_amount") or "").strip()
    if text:
        try:
            clean["requested_amount"] = amount_from_text(text, fund.currency)
        except AmountError as error:
            errors["requested_amount"] = str(error)
    else:
        clean["requested_amount"] = None
    stage = values.get("stage") or ""
    if stage and stage not in STAGES:
        errors["stage"] = _("Choose a stage.")
    clean["stage"] = stage
    for field, limit in TEXT_LIMITS.items():
        value = str(values.get(field) or "")
        if len(value) > limit:
            errors[field] = _("Use at most %(count)d characters.", count=limit)
        clean[field] = value
    for field in COUNT_FIELDS:
        value = values.get(field)
        if value in (None, ""):
            clean[field] = None
        elif not isinstance(value, int) or value < 0 or value > 1_000_000:
            errors[field] = _("Enter a whole number, zero or more.")
        else:
            clean[field] = value
    if errors:
        raise Refused(errors)
    _keep(application, clean)
    return application


def _keep(application: Application, values: dict) -> None:
    """Write the founder's values: on a draft, the application itself; while the fund waits for changes,
    beside what the fund received, until the founder resubmits."""
    if application.state == "changes_requested":
        application.pending = {**(application.pending or {}), **values}
    else:
        for field, value in values.items():
            setattr(application, field, value)
    db.session.flush()


class _Editing:
    """The application as its founder is editing it: what the fund received, with the founder's changes
    not sent yet over it (read like the application itself)."""

    def __init__(self, application: Application):
        self._application = application
        self._pending = (application.pending or {}) if application.state == "changes_requested" else {}

    def __getattr__(self, name: str):
        if name in self._pending:
            return self._pending[name]
        return getattr(self._application, name)


def editing(application: Application) -> _Editing:
    """The application as its founder is editing it (see _Editing)."""
    return _Editing(application)


def draft_values(application: Application, fund: Fund) -> dict:
    """The draft's fields as save_draft reads them, as the founder is editing them: an edit of some
    fields keeps the others."""
    edited = editing(application)
    amount = edited.requested_amount
    return {"requested_amount": "" if amount is None else str(to_decimal(amount, fund.currency)),
            "stage": edited.stage, **{field: getattr(edited, field) for field in TEXT_LIMITS},
            **{field: getattr(edited, field) for field in COUNT_FIELDS}}


def deck_problem(application: Application, data: bytes) -> tuple[str, int] | None:
    """Why a deck cannot be kept (the message and its status), or None: a real PDF of at most 20 MB and
    DECK_PAGES pages, within the founder's quota, while the founder may edit the application."""
    if application.state not in workflow.EDITABLE:
        return _("The deck can only change while you may edit the application."), 409
    if len(data) > DECK_LIMIT:
        return _("The deck is larger than 20 MB."), 413
    quota = current_app.config["DECK_QUOTA"]
    hold_account(application.founder_id)        # two uploads at once are counted one after the other
    stored = db.session.scalar(select(func.coalesce(func.sum(Application.deck_size), 0)).where(
        Application.founder_id == application.founder_id, Application.id != application.id))
    if stored + len(data) > quota:
        return _("Your pitch decks would take more than %(size)d MB together: replace or withdraw another "
                 "application's deck first.", size=quota // 2**20), 413
    if not data.startswith(b"%PDF-"):
        return _("The deck must be a PDF file."), 422
    pages = deck_pages(data)
    if pages == 0:
        return _("The deck could not be read as a PDF."), 422
    if pages > DECK_PAGES:
        return _("The deck has more than %(pages)d pages.", pages=DECK_PAGES), 422
    return None


def store_deck(application: Application, filename: str, data: bytes) -> None:
    """Keep a pitch deck (kept_deck), or refuse it saying why."""
    problem = kept_deck(application, filename, data)
    if problem is not None:
        message, status = problem
        raise Refused({"deck": message}, status=status)


def kept_deck(application: Application, filename: str, data: bytes) -> tuple[str, int] | None:
    """Keep a pitch deck: a real PDF of at most 20 MB, within the founder's quota, stored outside the web
    root under a new name; the deck it replaces is deleted once the change commits. None once kept,
    else why not (deck_problem), nothing changed."""
    problem = deck_problem(application, data)
    if problem is not None:
        return problem
    folder = Path(current_app.config["UPLOAD_DIR"]) / "decks"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.pdf"
    (folder / name).write_bytes(data)
    files.written(folder / name)
    edited = editing(application)
    received = application.deck_name if application.state != "draft" else None
    if edited.deck_name and edited.deck_name != received:     # the deck the fund received stays
        files.replaced(deck_path(edited))
    _keep(application, {"deck_name": name, "deck_size": len(data),
                        "deck_filename": files.safe_name(filename)})
    return None


def deck_pages(data: bytes) -> int:
    """The number of pages a PDF declares (0 when it cannot be read as one), read from its page tree's
    root: counting them one by one would cost seconds for a file of a hundred thousand empty pages."""
    try:
        count = PdfReader(io.BytesIO(data)).root_object["/Pages"]["/Count"]
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError):
        return 0
    return count if isinstance(count, int) and count > 0 else 0


def deck_path(application: Application) -> Path | None:
    if not application.deck_name:
        return None
    return Path(current_app.config["UPLOAD_DIR"]) / "decks" / application.deck_name


ELIGIBILITY_MESSAGES = {
    "country": lambda fund: _("The company must be registered in %(country)s.", country=fund.country.name),
    "ticket": lambda fund: _("The requested amount must lie within the fund's tickets."),
    "sector": lambda fund: _("The fund does not invest in this sector."),
    "employees": lambda fund: _("The company must have fewer than %(count)d employees.",
                                count=fund.employee_cap),
}


def eligibility_of(application: Application, fund: Fund, company: Company) -> list[str]:
    """Why the application is not eligible, in words; empty when it is."""
    rules = eligibility.Rules(country=fund.country.code, min_ticket=fund.min_ticket,
                              max_ticket=fund.max_ticket, sectors=tuple(fund.sectors or ()),
                              employee_cap=fund.employee_cap)
    codes = eligibility.reasons(rules, company.country, company.sector, application.requested_amount,
                                application.full_time, application.part_time)
    return [ELIGIBILITY_MESSAGES[code](fund) for code in codes]


def missing_fields(application: Application) -> list[str]:
    """The fields a submission needs that the draft does not have yet."""
    missing = [field for field in REQUIRED if getattr(application, field) in (None, "")]
    if not application.deck_name:
        missing.append("deck")
    return missing


def refuse_unless_movable(application: Application, to: str, role: str) -> None:
    """Refuse (409) a move that the workflow does not have from the application's state for that role."""
    if not workflow.may_move(application.state, to, role):
        raise Refused({"to": _("This move is not possible from the state %(state)s.",
                               state=workflow.STATES[application.state])}, status=409)


def move(actor, application: Application, to: str, role: str, reason: str = "",
         message: str = "", justification: str = "") -> StateChange:
    """Move an application through the workflow, recording who, when, why (internal), what the founder
    was told and, for a decision against the committee's majority, its justification."""
    refuse_unless_movable(application, to, role)
    if application.state == "changes_requested" and role != "resubmission":
        _discard_pending(application)
    change = StateChange(application_id=application.id, from_state=application.state, to_state=to,
                         user_id=actor.id, reason=reason.strip()[:2000], message=message.strip(),
                         justification=justification.strip()[:2000], at=utcnow())
    application.state = to
    if to in workflow.DECISIONS and application.decided_at is None:
        application.decided_at, application.decision = change.at, to
    db.session.add(change)
    db.session.flush()
    record(actor, f"application.{to}", application, fund_id=application.fund_id,
           after={"from": change.from_state, "to": to, "reason": change.reason, "message": change.message,
                  **({"justification": change.justification} if change.justification else {})})
    return change


def submit(founder, application: Application, fund: Fund, company: Company) -> bool:
    """Submit a complete, eligible draft once (its first revision), or resubmit an application the fund
    asked to change; False when it was already submitted (nothing new). The founder's address must be
    confirmed first."""
    if founder.email_confirmed_at is None:
        raise Refused({"email": _(
            "Confirm your email address before submitting: open the link we mailed to %(email)s, or send a "
            "new one from your account page.", email=founder.email)}, status=403)
    if application.state == "changes_requested":
        resubmit(founder, application, fund, company)
        return True
    if application.state != "draft":
        if application.submitted_at is not None:
            return False
        raise Refused({"state": _("This application can no longer be submitted.")}, status=409)
    _refuse_unless_complete(application, fund, company)
    move(founder, application, "submitted", "founder")
    application.submitted_at = utcnow()
    _add_revision(application)
    return True


def _apply_pending(application: Application) -> None:
    """The founder's changes become what the fund reads; the deck they replace is deleted on commit."""
    pending = application.pending or {}
    if pending.get("deck_name") and application.deck_name:
        files.replaced(deck_path(application))
    for field, value in pending.items():
        setattr(application, field, value)
    application.pending = None
    db.session.flush()


def _discard_pending(application: Application) -> None:
    """The founder's unsent changes are dropped (the application leaves the state where it could send
    them); a deck it attached meanwhile is deleted on commit."""
    pending = application.pending or {}
    if pending.get("deck_name"):
        files.replaced(deck_path(editing(application)))
    application.pending = None


def _refuse_unless_complete(application, fund: Fund, company: Company) -> None:
    missing = missing_fields(application)
    if missing:
        raise Refused({field: _("This is needed before you submit.") for field in missing})
    problems = eligibility_of(application, fund, company)
    if problems:
        raise Refused({"eligibility": " ".join(problems)})


def resubmit(founder, application: Application, fund: Fund, company: Company) -> Revision:
    """The founder sends its changed application back: it returns to the state the fund asked from, as a
    new revision, and the fund's managers are told."""
    if application.state != "changes_requested" or application.founder_id != founder.id:
        raise Refused({"state": _("This application is not waiting for changes.")}, status=409)
    _refuse_unless_complete(editing(application), fund, company)
    _apply_pending(application)
    asked_from = db.session.scalar(
        select(StateChange.from_state).where(StateChange.application_id == application.id,
                                             StateChange.to_state == "changes_requested")
        .order_by(StateChange.at.desc(), StateChange.id.desc()).limit(1))
    move(founder, application, asked_from, "resubmission")
    revision = _add_revision(application)
    tell_managers(fund.id, lambda: (
        _("An application was resubmitted"),
        _("The founder of application no. %(id)d sent it back with its changes (revision %(number)d): "
          "%(fields)s.", id=application.id, number=revision.number,
          fields=", ".join(map(field_label, revision.changed)) or _("nothing changed"))))
    return revision


# --- revisions: each submission as the fund received it --------------------------------------------

REVISED = ("requested_amount", "stage", *TEXT_FIELDS, *COUNT_FIELDS, "deck")


def _values(application: Application) -> dict:
    """The application's revised fields as they stand; the deck by its file name and stored copy."""
    return {**{field: getattr(application, field) for field in REVISED if field != "deck"},
            "deck": application.deck_filename, "deck_file": application.deck_name}


def _changed(before: dict, after: dict) -> list[str]:
    """The revised fields that differ (the deck when another file was attached, even under its name)."""
    return [field for field in REVISED
            if (before.get("deck_file") != after.get("deck_file") if field == "deck"
                else before.get(field) != after.get(field))]


def _add_revision(application: Application) -> Revision:
    latest = db.session.scalar(select(Revision).where(Revision.application_id == application.id)
                               .order_by(Revision.number.desc()).limit(1))
    values = _values(application)
    revision = Revision(application_id=application.id, number=(latest.number + 1) if latest else 1,
                        values=values, changed=_changed(latest.values, values) if latest else [],
                        submitted_at=utcnow())
    db.session.add(revision)
    db.session.flush()
    return revision


def revisions(application: Application) -> list[Revision]:
    """The application's submissions, oldest first."""
    return list(db.session.scalars(select(Revision).where(Revision.application_id == application.id)
                                   .order_by(Revision.number)))


@dataclass(frozen=True)
class Difference:
    """One field of an application as it was in one revision and in a later one."""

    field: str
    before: object
    after: object


def differences(before: Revision, after: Revision) -> list[Difference]:
    """What changed from one revision to another, field by field."""
    return [Difference(field, before.values.get(field), after.values.get(field))
            for field in _changed(before.values, after.values)]


def last_seen(user, application: Application, latest: int | None) -> int | None:
    """The revision the user saw last before this visit (None if it never saw one); the visit is noted,
    so that next time the user is shown what changed after this one."""
    read = db.session.scalar(select(RevisionRead).where(RevisionRead.application_id == application.id,
                                                        RevisionRead.user_id == user.id))
    seen = read.number if read is not None else None
    if latest is not None and seen != latest:
        if read is None:
            db.session.add(RevisionRead(application_id=application.id, user_id=user.id, number=latest))
        else:
            read.number = latest
    return seen


def withdraw(founder, application: Application, reason: str) -> None:
    """The founder withdraws its application before a decision; its deck is deleted with it."""
    move(founder, application, "withdrawn", "founder", reason)
    if application.deck_name:
        files.replaced(deck_path(application))
        application.deck_name = application.deck_size = None
        db.session.flush()


def history(application: Application) -> list[tuple[StateChange, str | None]]:
    """Every step of the application, oldest first, with the name of whom took it."""
    return list(db.session.execute(
        select(StateChange, User.name).outerjoin(User, StateChange.user_id == User.id)
        .where(StateChange.application_id == application.id).order_by(StateChange.at, StateChange.id)))


def messages_of(application: Application) -> list[FundMessage]:
    """What the fund told the application's founder, newest first."""
    return list(db.session.scalars(select(FundMessage).where(FundMessage.application_id == application.id)
                                   .order_by(FundMessage.created_at.desc(), FundMessage.id.desc())))


def founder_timeline(application: Application) -> list[tuple[StateChange, str]]:
    """The steps as the founder reads them: what the fund told it, or the founder's own reason for
    its own steps; never the fund's internal reasons."""
    return [(change, change.message or (change.reason if change.user_id == application.founder_id else ""))
            for change, _name in history(application)]
