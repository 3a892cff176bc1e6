"""Forms of review: the rubric, assignments, declarations, transitions."""
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from fundapp.web.forms import Form


class CriterionForm(Form):
    name = StringField(_l("Criterion"), validators=[DataRequired(), Length(max=120)])
    guidance = TextAreaField(_l("Guidance for reviewers"), validators=[Length(max=2000)],
                             render_kw={"rows": 2})
    weight = StringField(_l("Weight"), validators=[DataRequired()], default="1")
    scale_min = IntegerField(_l("Scale from"), validators=[InputRequired()], default=1)
    scale_max = IntegerField(_l("Scale to"), validators=[InputRequired()], default=5)
    minimum = StringField(_l("Minimum (optional)"), validators=[Optional()],
                          description=_l("An application whose median score is below it fails "
                                         "the criterion."))
    allow_na = BooleanField(_l("Reviewers may answer n/a"), default=True)
    submit = SubmitField(_l("Add criterion"))


class AssignForm(Form):
    reviewer_id = SelectField(_l("Reviewer"), coerce=int)
    due_date = DateField(_l("Review due by"), validators=[Optional()])
    submit = SubmitField(_l("Assign"))


class TransitionForm(Form):
    to = SelectField(_l("Move to"))
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)], render_kw={"rows": 2})
    version = HiddenField()
    submit = SubmitField(_l("Record the step"))
