"""Forms of accounts: sign in, registration, activation, password, language, API tokens."""
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from fundapp.funds.constants import LANGUAGES
from fundapp.web.forms import Form


def language_choices():
    return list(LANGUAGES.items())


class LoginForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])
    submit = SubmitField(_l("Sign in"))


# Declared before the new-password fields so that forms list it first.
CURRENT_PASSWORD = PasswordField(_l("Current password"), validators=[DataRequired()])


class NewPasswordMixin:
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=256)],
        description=_l("At least 12 characters; common passwords are refused."),
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class RegisterForm(NewPasswordMixin, Form):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    language = SelectField(_l("Language"), choices=language_choices)
    submit = SubmitField(_l("Create my account"))


class ActivateForm(NewPasswordMixin, Form):
    submit = SubmitField(_l("Activate my account"))


class PasswordForm(NewPasswordMixin, Form):
    current_password = CURRENT_PASSWORD
    submit = SubmitField(_l("Change password"))


class LanguageForm(Form):
    language = SelectField(_l("Language"), choices=language_choices)
    submit = SubmitField(_l("Save language"))


class TokenForm(Form):
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=100)],
                       description=_l("Say where it is used, e.g. 'accounting export'."))
    submit = SubmitField(_l("Create token"))
