"""Use cases of funds: countries, funds and their partner entities."""
from datetime import date
from decimal import Decimal, InvalidOperation

from babel import Locale
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import select

from fundapp import inputs
from fundapp.audit.services import record, snapshot
from fundapp.auth.models import User
from fundapp.errors import Refused
from fundapp.extensions import db
from fundapp.funds.constants import LANGUAGES, PARTNER_KINDS, SECTORS
from fundapp.funds.models import Country, Fund, Partner
from fundapp.money import AmountError, is_currency
from fundapp.web.formatting import amount_from_text

FUND_AMOUNTS = ("target_size", "min_ticket", "max_ticket")


def country_name(code: str) -> str | None:
    """The English name of an ISO 3166 alpha-2 code, or None when there is no such country."""
    return Locale("en").territories.get(code.upper()) if len(code) == 2 else None


def create_country(actor: User, code: str, name: str = "") -> Country:
    code = code.strip().upper()
    official = country_name(code)
    if official is None:
        raise Refused({"code": _("Enter an ISO 3166 two-letter country code, such as KE.")})
    if db.session.scalar(select(Country).where(Country.code == code)):
        raise Refused({"code": _("This country already exists.")})
    country = Country(code=code, name=name.strip() or official)
    db.session.add(country)
    record(actor, "country.create", country)
    return country


def country_for_code(actor: User, code: str) -> Country:
    """The country with this code, created from Babel's name the first time it is used."""
    existing = db.session.scalar(select(Country).where(Country.code == code.strip().upper()))
    return existing or create_country(actor, code)


def _fund_values(values: dict, fund: Fund | None) -> dict:
    """Check and convert a fund's fields; every problem is reported with its field."""
    errors: dict[str, str] = {}
    clean = dict(values)
    name = str(values.get("name", "")).strip()
    if not name:
        errors["name"] = _("Enter the fund's name.")
    elif db.session.scalar(select(Fund.id).where(Fund.name == name, Fund.id != (fund.id if fund else 0))):
        errors["name"] = _("Another fund already has this name.")
    clean["name"] = name
    currency = str(values.get("currency", "")).strip().upper()
    if not is_currency(currency):
        errors["currency"] = _("Enter an ISO 4217 currency code, such as KES.")
    clean["currency"] = currency
    if values.get("language") not in LANGUAGES:
        errors["language"] = _("Choose English or French.")
    vintage = values.get("vintage_year")
    if not isinstance(vintage, int) or not 1990 <= vintage <= date.today().year + 1:
        errors["vintage_year"] = _("Enter a year between 1990 and next year.")
    unknown = [s for s in values.get("sectors") or [] if s not in SECTORS]
    if unknown:
        errors["sectors"] = _("Unknown sector: %(sector)s.", sector=unknown[0])
    clean["sectors"] = sorted(set(values.get("sectors") or []))
    cap = values.get("employee_cap")
    if not isinstance(cap, int) or cap < 1:
        errors["employee_cap"] = _("Enter a whole number of employees, at least 1.")
    try:
        target = Decimal(str(values.get("match_target")))
        if not target.is_finite() or target < 0 or target > 1000:
            raise InvalidOperation
        clean["match_target"] = target.quantize(Decimal("0.0001"))
    except InvalidOperation:
        errors["match_target"] = _("Enter a ratio such as 1.0.")
    if "currency" not in errors:
        for field in FUND_AMOUNTS:
            try:
                clean[field] = amount_from_text(str(values.get(field, "")), currency)
            except AmountError as error:
                errors[field] = str(error)
        if not errors.keys() & {"min_ticket", "max_ticket"} and clean["min_ticket"] > clean["max_ticket"]:
            errors["max_ticket"] = _("The maximum ticket must not be below the minimum ticket.")
    for field in FUND_MESSAGES:
        clean[field] = str(values.get(field) or "").strip()
        if len(clean[field]) > inputs.MAX_MESSAGE:
            errors[field] = _("Keep the message under %(count)d characters.", count=inputs.MAX_MESSAGE)
    clean["payment_instructions"] = str(values.get("payment_instructions") or "").strip()
    if len(clean["payment_instructions"]) > inputs.MAX_INSTRUCTIONS:
        errors["payment_instructions"] = _("Keep the payment instructions under %(count)d characters.",
                                           count=inputs.MAX_INSTRUCTIONS)
    elif len(clean["payment_instructions"].splitlines()) > inputs.MAX_INSTRUCTION_LINES:
        errors["payment_instructions"] = _("Keep the payment instructions to %(count)d lines.",
                                           count=inputs.MAX_INSTRUCTION_LINES)
    clean["contact_email"] = str(values.get("contact_email") or "").strip()
    if clean["contact_email"]:
        try:
            clean["contact_email"] = validate_email(clean["contact_email"],
                                                    check_deliverability=False).normalized
        except EmailNotValidError:
            errors["contact_email"] = _("Enter an email address such as fund@example.org.")
    quorum = values.get("committee_quorum")
    if quorum in (None, ""):
        clean["committee_quorum"] = None
    elif isinstance(quorum, bool) or not isinstance(quorum, int) or not 1 <= quorum <= 100:
        errors["committee_quorum"] = _("Enter a number of votes from 1 to 100, or leave it empty for a "
                                       "majority.")
    else:
        clean["committee_quorum"] = quorum
    if errors:
        raise Refused(errors)
    clean["open_for_applications"] = bool(values.get("open_for_applications"))
    clean["blind_review"] = bool(values.get("blind_review"))
    return clean


FUND_MESSAGES = ("approval_message", "decline_message")   # what managers start from to tell founders
FUND_FIELDS = ("name", "currency", "language", "vintage_year", "target_size", "min_ticket",
               "max_ticket", "sectors", "employee_cap", "match_target", "open_for_applications",
               "blind_review", "committee_quorum", "payment_instructions", "contact_email", *FUND_MESSAGES)


def create_fund(actor: User, country: Country, values: dict) -> Fund:
    """Create a fund in a country from checked values."""
    clean = _fund_values(values, None)
    fund = Fund(country=country, **{field: clean[field] for field in FUND_FIELDS})
    db.session.add(fund)
    db.session.flush()
    record(actor, "fund.create", fund, fund_id=fund.id)
    return fund


def update_fund(actor: User, fund: Fund, country: Country, values: dict) -> Fund:
    """Change a fund's settings; its currency is fixed once partners exist."""
    clean = _fund_values(values, fund)
    if clean["currency"] != fund.currency and has_partners(fund):
        raise Refused({"currency": _("The currency cannot change once partners are recorded.")})
    before = snapshot(fund)
    fund.country_id = country.id
    for field in FUND_FIELDS:
        setattr(fund, field, clean[field])
    record(actor, "fund.update", fund, before=before, fund_id=fund.id)
    return fund


def has_partners(fund: Fund) -> bool:
    return db.session.scalar(select(Partner.id).where(Partner.fund_id == fund.id).limit(1)) is not None


def create_partner(actor: User, fund: Fund, name: str, kind: str, commitment: str) -> Partner:
    """Add a partner entity and its commitment to a fund."""
    errors = {}
    if not name.strip():
        errors["name"] = _("Enter the partner's name.")
    if kind not in PARTNER_KINDS:
        errors["kind"] = _("Choose government, co-investor or other.")
    try:
        amount = amount_from_text(commitment, fund.currency)
    except AmountError as error:
        errors["commitment"] = str(error)
    if errors:
        raise Refused(errors)
    partner = Partner(fund_id=fund.id, name=name.strip(), kind=kind, commitment=amount)
    db.session.add(partner)
    record(actor, "partner.create", partner, fund_id=fund.id)
    return partner


def partners_of(fund: Fund) -> list[Partner]:
    return list(db.session.scalars(select(Partner).where(Partner.fund_id == fund.id).order_by(Partner.id)))
