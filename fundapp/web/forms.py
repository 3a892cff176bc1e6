"""Form helpers shared by every feature: the base form that bounds every field where it enters, and
service refusals shown on the fields they name."""
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, IntegerField, StringField
from wtforms.validators import StopValidation

from fundapp import inputs
from fundapp.errors import Refused, input_message

DECIMAL_TEXT = 30       # characters of a decimal field (weights, targets): longer is refused unread
CHOOSE = _l("Choose…")


def chosen(choices) -> list:
    """A picker's choices after an empty first one: nothing is chosen for the user."""
    return [("", CHOOSE), *choices]


def chosen_id(value) -> int | None:
    """The id a picker sent, None while nothing is chosen (its DataRequired says so on the field)."""
    return int(value) if value not in (None, "") else None


def _bounded(_form, field) -> None:
    """Refuse, on the field, what no field of fundapp takes: control characters in text, integers
    beyond the database's, dates before 1900 or more than ten years ahead, decimals as long texts."""
    code = None
    if isinstance(field, StringField) and isinstance(field.data, str):
        code = "control_character" if inputs.control_character(field.data) else None
    elif isinstance(field, IntegerField) and isinstance(field.data, int):
        try:
            inputs.whole_number(field.data, -inputs.MAX_ID, inputs.MAX_ID)
        except inputs.InputError as error:
            code = str(error)
    elif isinstance(field, DateField) and isinstance(field.data, date):
        try:
            inputs.bounded_date(field.data)
        except inputs.InputError as error:
            code = str(error)
    elif isinstance(field, DecimalField) and any(len(str(raw)) > DECIMAL_TEXT
                                                 for raw in field.raw_data or ()):
        code = "too_long"
    if code:
        raise StopValidation(input_message(code))


class Form(FlaskForm):
    """Every form of fundapp: each field is bounded as it enters (see _bounded), with a message on the
    field, before its own validators run."""

    def validate(self, extra_validators=None):
        extra = {name: [_bounded, *(extra_validators or {}).get(name, [])] for name in self._fields}
        return super().validate(extra_validators=extra)


def show_refusal(form: FlaskForm, refusal: Refused) -> None:
    """Put a service's field messages on the form's fields (or on the form when none matches)."""
    for name, message in refusal.fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
        else:
            form.form_errors.append(message)
