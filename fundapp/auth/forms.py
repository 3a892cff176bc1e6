"""Forms of accounts: sign in and its second step, registration, activation, passwords and their reset,
second factors, language, API tokens, reminders, expertise."""
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length
from wtforms.widgets import CheckboxInput, ListWidget

from fundapp.applications.suggestions import MAX_KEYWORD, MAX_KEYWORDS, MAX_KEYWORDS_TEXT
from fundapp.auth.tokens import LIFETIMES
from fundapp.funds.constants import LANGUAGES, SECTORS
from fundapp.notifications.reminder_rules import RULES
from fundapp.web.forms import Form, chosen


def language_choices():
    return list(LANGUAGES.items())


class LoginForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])
    submit = SubmitField(_l("Sign in"))


# Declared before the new-password fields so that forms list it first.
CURRENT_PASSWORD = PasswordField(_l("Current password"), validators=[DataRequired()])


def new_password_field():
    return PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=256)],
        description=_l("At least 12 characters; common passwords are refused."),
    )


def repeat_field():
    return PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class NewPasswordMixin:
    password = new_password_field()
    confirm = repeat_field()


class RegisterForm(Form):
    # in the order a person fills them in: who it is, then its password
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    password = new_password_field()
    confirm = repeat_field()
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


def lifetime_choices():
    return chosen([(str(days), _l("%(days)d days", days=days)) for days in LIFETIMES]
                  + [("never", _l("No expiry"))])


class TokenForm(Form):
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=100)],
                       description=_l("Say where it is used, e.g. 'accounting export'."))
    lifetime = SelectField(_l("Valid for"), choices=lifetime_choices, validators=[DataRequired()])
    submit = SubmitField(_l("Create token"))

    @property
    def days(self) -> int | None:
        return None if self.lifetime.data == "never" else int(self.lifetime.data)


class ForgotPasswordForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("Send me a link"))


class ResetPasswordForm(NewPasswordMixin, Form):
    submit = SubmitField(_l("Set my new password"))


class SecondStepForm(Form):
    code = StringField(_l("Code from your authenticator app, or a recovery code"),
                       validators=[DataRequired(), Length(max=64)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True})
    submit = SubmitField(_l("Continue"))


class AuthenticatorForm(Form):
    code = StringField(_l("The 6-digit code the app shows"), validators=[DataRequired(), Length(max=64)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
    submit = SubmitField(_l("Turn on the authenticator app"))


class ConfirmPasswordForm(Form):
    """An action on one's credentials, confirmed with the password."""
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=256)])
    submit = SubmitField(_l("Confirm"))


class ConfirmForm(Form):
    submit = SubmitField(_l("Confirm my email address"))


class ReminderForm(Form):
    """The reminders a user may turn off: a box per reminder it may receive, ticked while it is on."""

    def wanted(self) -> set[str]:
        return {name for name in RULES if name in self and self[name].data}


def reminder_form(offered: list[str], muted: set[str]) -> ReminderForm:
    """The form for these optional reminders, each ticked unless the user turned it off."""
    fields = {name: BooleanField(RULES[name].label, description=RULES[name].description,
                                 default=name not in muted) for name in offered}
    fields["submit"] = SubmitField(_l("Save my reminders"))
    offered_form = type("OfferedReminders", (ReminderForm,), fields)
    return offered_form(prefix="reminders")


class ExpertiseForm(Form):
    """What a reviewer knows, which the suggestions of reviewers read: a box per sector, and keywords."""

    sectors = SelectMultipleField(_l("Sectors you know well"), choices=lambda: list(SECTORS.items()),
                                  widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    keywords = StringField(
        _l("Keywords"),
        validators=[Length(max=MAX_KEYWORDS_TEXT,
                           message=_l("Keep your keywords to %(max)d characters in all."))],
        # the browser lets more through than is kept, so that a list too long is refused with why, not cut
        render_kw={"maxlength": 4 * MAX_KEYWORDS_TEXT},
        description=_l("Separated by commas, e.g. irrigation, drought, mobile money: at most %(count)d, "
                       "each of up to %(length)d characters, %(total)d in all.", count=MAX_KEYWORDS,
                       length=MAX_KEYWORD, total=MAX_KEYWORDS_TEXT))
    submit = SubmitField(_l("Save my expertise"))
