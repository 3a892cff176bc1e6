"""Forms of the portfolio: companies, investments, marks and exits."""
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, StringField, SubmitField, URLField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from fundapp.funds.constants import SECTORS
from fundapp.portfolio.constants import EXIT_KINDS, INSTRUMENTS
from fundapp.web.forms import Form


class CompanyForm(Form):
    name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=200)])
    registration_number = StringField(_l("Registration number"), validators=[Length(max=100)])
    country = StringField(_l("Country code"), validators=[DataRequired(), Length(min=2, max=2)],
                          description=_l("ISO 3166, e.g. KE."))
    region = StringField(_l("Region"), validators=[Length(max=100)])
    sector = SelectField(_l("Sector"), choices=lambda: list(SECTORS.items()))
    founded_on = DateField(_l("Founded on"), validators=[Optional()])
    website = URLField(_l("Website"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Register company"))


class InvestmentForm(Form):
    company_id = SelectField(_l("Company"), coerce=int)
    date = DateField(_l("Investment date"), validators=[InputRequired()], default=date.today)
    amount = StringField(_l("Amount"), validators=[DataRequired()])
    instrument = SelectField(_l("Instrument"), choices=lambda: list(INSTRUMENTS.items()))
    ownership = StringField(_l("Ownership acquired"), validators=[DataRequired()],
                            description=_l("A fraction, e.g. 0.1500 for 15 %."))
    pre_money_valuation = StringField(_l("Pre-money valuation"), validators=[Optional()])
    application_id = HiddenField()
    submit = SubmitField(_l("Record investment"))


class ValuationForm(Form):
    investment_id = SelectField(_l("Investment"), coerce=int)
    date = DateField(_l("Valuation date"), validators=[InputRequired()], default=date.today)
    fair_value = StringField(_l("Fair value"), validators=[DataRequired()])
    submit = SubmitField(_l("Record mark"))


class ExitForm(Form):
    company_id = SelectField(_l("Company"), coerce=int)
    date = DateField(_l("Exit date"), validators=[InputRequired()], default=date.today)
    proceeds = StringField(_l("Proceeds"), validators=[InputRequired()],
                           description=_l("0 for a write-off."))
    kind = SelectField(_l("Kind of exit"), choices=lambda: list(EXIT_KINDS.items()))
    submit = SubmitField(_l("Record exit"))
