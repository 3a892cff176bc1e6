"""Forms of platform administration: staff accounts and fund-scoped grants."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from fundapp.auth.constants import ROLE_LABELS, ROLES
from fundapp.funds.constants import LANGUAGES
from fundapp.web.forms import Form, chosen, chosen_id


class StaffForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    language = SelectField(_l("Language"), choices=lambda: list(LANGUAGES.items()))
    is_admin = BooleanField(_l("Platform administrator"))
    submit = SubmitField(_l("Invite"))


class GrantForm(Form):
    # nothing chosen for the administrator: a role in a fund is granted on purpose
    fund_id = SelectField(_l("Fund"), coerce=chosen_id,
                          validators=[DataRequired(message=_l("Choose the fund."))])
    role = SelectField(_l("Role"), choices=lambda: chosen((role, ROLE_LABELS[role]) for role in ROLES),
                       validators=[DataRequired(message=_l("Choose the role."))])
    partner_id = SelectField(_l("Partner entity (for a partner role)"), coerce=int,
                             description=_l("The ministry or co-investor this person speaks for."))
    submit = SubmitField(_l("Grant role"))
