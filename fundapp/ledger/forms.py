"""Forms of the capital ledger: calls, payments, distributions, expenses."""
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length

from fundapp.ledger.constants import CALL_PURPOSES, EXPENSE_CATEGORIES
from fundapp.web.forms import Form, chosen


class CallForm(Form):
    call_date = DateField(_l("Call date"), validators=[InputRequired()], default=date.today)
    due_date = DateField(_l("Due date"), validators=[InputRequired()])
    amount = StringField(_l("Amount"), validators=[DataRequired()], description=_l("In the fund's currency."))
    purpose = SelectField(_l("Purpose"), choices=lambda: chosen(CALL_PURPOSES.items()),
                          validators=[DataRequired(message=_l("Choose what the call is for."))])
    submit = SubmitField(_l("Issue the call"))


class ConfirmedCallForm(CallForm):
    """A call shown with each partner's share before it is issued."""

    confirm = SubmitField(_l("Confirm and issue the call"))


class PaymentForm(Form):
    allocation = SelectField(_l("Call and partner"), coerce=str, validators=[
        DataRequired(message=_l("Choose the call and the partner that pays."))])
    date = DateField(_l("Payment date"), validators=[InputRequired()], default=date.today)
    amount = StringField(_l("Amount paid"), validators=[DataRequired()])
    submit = SubmitField(_l("Record payment"))


class DistributionForm(Form):
    date = DateField(_l("Distribution date"), validators=[InputRequired()], default=date.today)
    amount = StringField(_l("Amount"), validators=[DataRequired()])
    submit = SubmitField(_l("Record distribution"))


class ExpenseForm(Form):
    date = DateField(_l("Expense date"), validators=[InputRequired()], default=date.today)
    amount = StringField(_l("Amount"), validators=[DataRequired()])
    category = SelectField(_l("Category"), choices=lambda: chosen(EXPENSE_CATEGORIES.items()),
                           validators=[DataRequired(message=_l("Choose the expense's category."))])
    description = StringField(_l("Description"), validators=[Length(max=200)])
    submit = SubmitField(_l("Record expense"))
