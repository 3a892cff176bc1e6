"""Form helpers shared by every feature."""
from flask_wtf import FlaskForm

from fundapp.errors import Refused


def show_refusal(form: FlaskForm, refusal: Refused) -> None:
    """Put a service's field messages on the form's fields (or on the form when none matches)."""
    for name, message in refusal.fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
        else:
            form.form_errors.append(message)
