"""Forms of quarterly reports: generating one, publishing it, and checking a file against the record."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from fundapp.web.forms import Form


class GenerateForm(Form):
    period = SelectField(_l("Quarter"))
    note = TextAreaField(_l("What a new version corrects"), validators=[Optional(), Length(max=2000)],
                         render_kw={"rows": 2},
                         description=_l("Needed only when the quarter's report is already published."))
    generate = SubmitField(_l("Generate a draft"))


class PublishForm(Form):
    publish = SubmitField(_l("Publish"))


class VerifyForm(Form):
    sha256 = StringField(_l("SHA-256 of the file"), validators=[Optional(), Length(max=100)],
                         description=_l("64 hexadecimal characters, as printed by sha256sum."))
    report = FileField(_l("Or the PDF file itself"))
    check = SubmitField(_l("Check"))
