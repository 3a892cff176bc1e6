"""Forms of the portfolio: companies, investments, marks and exits."""
import unicodedata
from datetime import date

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, StringField, SubmitField, URLField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from fundapp.funds.constants import SECTORS
from fundapp.portfolio.constants import EXIT_KINDS, INSTRUMENTS
from fundapp.web.forms import Form, chosen, chosen_id


def countries_by_name() -> list[tuple[str, str]]:
    """Every country (ISO 3166 alpha-2) by its name in the reader's language, none chosen."""
    names = get_locale().territories
    return [("", _("Choose a country…"))] + sorted(
        ((code, name) for code, name in names.items() if len(code) == 2 and code.isalpha() and code != "ZZ"),
        key=lambda item: _collation_key(item[1]))


def _collation_key(name: str) -> str:
    """A name as a reader sorts it: accents aside (Åland with the A, Émirats with the E)."""
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).casefold()


class CompanyForm(Form):
    name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=200)])
    registration_number = StringField(_l("Registration number"), validators=[Length(max=100)])
    country = SelectField(_l("Country"), choices=lambda: countries_by_name(),
                          validators=[DataRequired(message=_l("Choose the company's country."))])
    region = StringField(_l("Region"), validators=[Length(max=100)])
    sector = SelectField(_l("Sector"), choices=lambda: chosen(SECTORS.items()),
                         validators=[DataRequired(message=_l("Choose the company's sector."))])
    founded_on = DateField(_l("Founded on"), validators=[Optional()])
    website = URLField(_l("Website"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Register company"))


class InvestmentForm(Form):
    company_id = SelectField(_l("Company"), coerce=chosen_id,
                             validators=[DataRequired(message=_l("Choose the company."))])
    date = DateField(_l("Investment date"), validators=[InputRequired()], default=date.today)
    amount = StringField(_l("Amount"), validators=[DataRequired()])
    instrument = SelectField(_l("Instrument"), choices=lambda: chosen(INSTRUMENTS.items()),
                             validators=[DataRequired(message=_l("Choose the instrument."))])
    ownership = StringField(_l("Ownership acquired"), validators=[DataRequired()],
                            description=_l("A fraction, e.g. 0.1500 for 15 %."))
    pre_money_valuation = StringField(_l("Pre-money valuation"), validators=[Optional()])
    application_id = HiddenField()
    submit = SubmitField(_l("Record investment"))


class ValuationForm(Form):
    investment_id = SelectField(_l("Investment"), coerce=chosen_id,
                                validators=[DataRequired(message=_l("Choose the investment."))])
    date = DateField(_l("Valuation date"), validators=[InputRequired()], default=date.today)
    fair_value = StringField(_l("Fair value"), validators=[DataRequired()])
    submit = SubmitField(_l("Record mark"))


class ExitForm(Form):
    company_id = SelectField(_l("Company"), coerce=chosen_id,
                             validators=[DataRequired(message=_l("Choose the company."))])
    date = DateField(_l("Exit date"), validators=[InputRequired()], default=date.today)
    proceeds = StringField(_l("Proceeds"), validators=[InputRequired()],
                           description=_l("0 for a write-off."))
    kind = SelectField(_l("Kind of exit"), choices=lambda: chosen(EXIT_KINDS.items()),
                       validators=[DataRequired(message=_l("Choose the kind of exit."))])
    submit = SubmitField(_l("Record exit"))
