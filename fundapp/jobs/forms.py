"""Forms of job reporting: a headcount report, and many of them imported from a sheet."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length

from fundapp.web.forms import Form

COUNT = {"min": 0, "inputmode": "numeric"}


class CompanyChoice(Form):
    """The company a manager reports for (declared first: fields render in the order they are made)."""

    company_id = SelectField(_l("Company"), coerce=int)


class HeadcountFields(Form):
    period = StringField(_l("Quarter"), validators=[DataRequired(), Length(max=6)],
                         description=_l("Year and quarter, e.g. 2026Q3: the headcount on the quarter's "
                                        "last day."))
    full_time = IntegerField(_l("Full-time employees"), validators=[InputRequired()], render_kw=COUNT)
    part_time = IntegerField(_l("Part-time employees"), validators=[InputRequired()], render_kw=COUNT)
    women = IntegerField(_l("Women"), validators=[InputRequired()], render_kw=COUNT,
                         description=_l("Among all employees, full-time and part-time."))
    under_35 = IntegerField(_l("Under 35 years old"), validators=[InputRequired()], render_kw=COUNT)
    nationals = IntegerField(_l("Nationals of the fund's country"), validators=[InputRequired()],
                             render_kw=COUNT)


class HeadcountForm(HeadcountFields):
    submit = SubmitField(_l("Save report"))


class ManagerHeadcountForm(CompanyChoice, HeadcountFields):
    verified = BooleanField(_l("Verified against the company's payroll records"))
    submit = SubmitField(_l("Save report"))


class ImportForm(Form):
    sheet = FileField(_l("CSV or Excel file"), validators=[FileRequired()],
                      description=_l("Columns: company_id, period, full_time, part_time, women, under_35, "
                                     "nationals and, optionally, verified (yes or no)."))
    upload = SubmitField(_l("Import reports"))
