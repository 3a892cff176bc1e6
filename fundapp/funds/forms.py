"""Forms of funds: countries, fund settings, partner entities."""
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DecimalField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from fundapp.funds.constants import LANGUAGES, PARTNER_KINDS, SECTORS
from fundapp.inputs import MAX_INSTRUCTIONS, MAX_MESSAGE
from fundapp.web.forms import Form


class CountryForm(Form):
    code = StringField(_l("ISO code"), validators=[DataRequired(), Length(min=2, max=2)],
                       description=_l("Two letters, e.g. KE for Kenya."))
    name = StringField(_l("Name"), validators=[Length(max=100)],
                       description=_l("Leave empty to use the standard English name."))
    submit = SubmitField(_l("Add country"))


class FundForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    country_id = SelectField(_l("Country"), coerce=int)
    currency = StringField(_l("Currency"), validators=[DataRequired(), Length(min=3, max=3)],
                           description=_l("ISO 4217 code, e.g. KES, XOF, JOD."))
    language = SelectField(_l("Default language"), choices=lambda: list(LANGUAGES.items()))
    vintage_year = IntegerField(_l("Vintage year"), validators=[InputRequired()],
                                default=lambda: date.today().year)
    target_size = StringField(_l("Target size"), validators=[DataRequired()],
                              description=_l("In the fund's currency, e.g. 1500000000.00"))
    min_ticket = StringField(_l("Minimum ticket"), validators=[DataRequired()])
    max_ticket = StringField(_l("Maximum ticket"), validators=[DataRequired()])
    sectors = SelectMultipleField(_l("Sectors"), choices=lambda: list(SECTORS.items()),
                                  render_kw={"size": len(SECTORS)},
                                  description=_l("None selected: every sector is eligible. "
                                                 "Hold Ctrl (or Cmd) to choose several."))
    employee_cap = IntegerField(_l("Employee cap"), validators=[InputRequired(), NumberRange(min=1)],
                                description=_l("Companies must have fewer employees than this."))
    match_target = DecimalField(_l("Match target (private per public unit)"), places=2, default=1,
                                validators=[InputRequired(), NumberRange(min=0, max=1000)])
    open_for_applications = BooleanField(_l("Open for applications"))
    blind_review = BooleanField(_l("Blind first pass"),
                                description=_l("Reviewers see neither the founders nor the company's name."))
    committee_quorum = IntegerField(_l("Investment committee quorum"),
                                    validators=[Optional(), NumberRange(min=1, max=100)],
                                    description=_l("Votes needed before a decision. Leave empty for a "
                                                   "majority of the members not recused."))
    payment_instructions = TextAreaField(
        _l("Payment instructions"), render_kw={"rows": 4}, validators=[Length(max=MAX_INSTRUCTIONS)],
        description=_l("Printed on every capital call notice: bank, account name, account number or IBAN. "
                       "The notice adds the payment reference."))
    contact_email = EmailField(_l("Contact email"), validators=[Optional(), Email(), Length(max=254)],
                               description=_l("Whom partners write to about a call; printed on notices."))
    approval_message = TextAreaField(_l("Message to founders on approval"), render_kw={"rows": 3},
                                     validators=[Length(max=MAX_MESSAGE)],
                                     description=_l("What a manager starts from when it tells a founder "
                                                    "of an approval; it edits the text before sending."))
    decline_message = TextAreaField(_l("Message to founders on decline"), render_kw={"rows": 3},
                                    validators=[Length(max=MAX_MESSAGE)],
                                    description=_l("What a manager starts from when it tells a founder of a "
                                                   "decline; it edits the text before sending."))
    submit = SubmitField(_l("Save fund"))

    def values(self) -> dict:
        """The submitted settings as plain values for the funds service."""
        return {name: field.data for name, field in self._fields.items()
                if name not in ("csrf_token", "submit", "country_id")}


class PartnerForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=lambda: list(PARTNER_KINDS.items()))
    commitment = StringField(_l("Commitment"), validators=[DataRequired()],
                             description=_l("In the fund's currency."))
    submit = SubmitField(_l("Add partner"))
