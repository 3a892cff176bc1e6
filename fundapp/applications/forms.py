"""Forms of the founder portal."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from fundapp.portfolio.forms import CompanyForm
from fundapp.web.formatting import money
from fundapp.web.forms import Form, chosen_id

STAGE_LABELS = {"": _l("Choose…"), "idea": _l("Idea"), "pre_seed": _l("Pre-seed"), "seed": _l("Seed"),
                "series_a": _l("Series A"), "growth": _l("Growth")}


class FounderCompanyForm(CompanyForm):
    """The company form as a founder fills it in."""


class StartForm(Form):
    fund_id = SelectField(_l("Fund"), coerce=chosen_id,
                          validators=[DataRequired(message=_l("Choose the fund you apply to."))])
    company_id = SelectField(_l("Company"), coerce=chosen_id,
                             validators=[DataRequired(message=_l("Choose one of your companies."))])
    submit = SubmitField(_l("Start an application"))


def _text(label, rows=4, description=None):
    return TextAreaField(label, validators=[Optional(), Length(max=5000)], render_kw={"rows": rows},
                         description=description)


def _count(label, description=None):
    return IntegerField(label, validators=[Optional(), NumberRange(min=0, max=1_000_000)],
                        description=description)


class ApplicationForm(Form):
    requested_amount = StringField(_l("Requested amount"), validators=[Optional()],
                                   description=_l("In the fund's currency."))
    stage = SelectField(_l("Stage"), choices=lambda: list(STAGE_LABELS.items()), validators=[Optional()])
    pitch = StringField(_l("One-line pitch"), validators=[Optional(), Length(max=200)])
    problem = _text(_l("Problem"))
    solution = _text(_l("Solution"))
    market = _text(_l("Market"))
    business_model = _text(_l("Business model"))
    traction = _text(_l("Traction"), description=_l("Optional: customers, revenue, partners so far."))
    team = _text(_l("Team"))
    use_of_funds = _text(_l("Use of funds"))
    full_time = _count(_l("Full-time employees today"))
    part_time = _count(_l("Part-time employees today"))
    jobs_expected = _count(_l("Jobs expected in three years"))
    deck = FileField(_l("Pitch deck (PDF, at most 20 MB)"), validators=[Optional()],
                     description=_l("Optional until you submit; a new file replaces the one kept."))
    save = SubmitField(_l("Save draft"))
    save_and_submit = SubmitField(_l("Save and submit"))


class DeckForm(Form):
    deck = FileField(_l("Pitch deck (PDF, at most 20 MB)"), validators=[FileRequired()])
    upload = SubmitField(_l("Upload deck"))


class WithdrawForm(Form):
    reason = TextAreaField(_l("Why do you withdraw?"), validators=[DataRequired(), Length(max=2000)],
                           render_kw={"rows": 2})
    withdraw = SubmitField(_l("Withdraw the application"))


# The fields' short names, for lists of what is missing and of what changed between revisions.
FIELD_NAMES = {"requested_amount": _l("Requested amount"), "stage": _l("Stage"),
               "pitch": _l("One-line pitch"),
               "problem": _l("Problem"), "solution": _l("Solution"), "market": _l("Market"),
               "business_model": _l("Business model"), "traction": _l("Traction"), "team": _l("Team"),
               "use_of_funds": _l("Use of funds"), "full_time": _l("Full-time employees today"),
               "part_time": _l("Part-time employees today"),
               "jobs_expected": _l("Jobs expected in three years"), "deck": _l("Pitch deck")}


def field_label(name: str) -> str:
    """The short name of an application field."""
    return str(FIELD_NAMES.get(name, name))


def field_value(value, field: str, currency: str) -> str:
    """A revised field's value as a reader reads it: money with its currency, a stage by its name."""
    if value in (None, ""):
        return "—"
    if field == "requested_amount":
        return money(value, currency)
    if field == "stage":
        return str(STAGE_LABELS.get(value, value))
    return str(value)
