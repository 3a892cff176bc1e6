"""Forms of review: the rubric, assignments, declarations, transitions."""
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from fundapp.applications.workflow import STATES
from fundapp.inputs import MAX_MESSAGE
from fundapp.web.forms import Form, chosen_id


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
    # nothing chosen for the manager: the suggestions rank the reviewers, the manager picks one
    reviewer_id = SelectField(_l("Reviewer"), coerce=chosen_id,
                              validators=[DataRequired(message=_l("Choose a reviewer."))])
    due_date = DateField(_l("Review due by"), validators=[Optional()])
    submit = SubmitField(_l("Assign"))


class TransitionForm(Form):
    to = SelectField(_l("Next step"), validators=[DataRequired(message=_l("Choose the next step."))])
    reason = TextAreaField(_l("Internal reason"), validators=[DataRequired(), Length(max=2000)],
                           render_kw={"rows": 2},
                           description=_l("Kept in the application's history for the fund's team; never "
                                          "shown to the founder."))
    message = TextAreaField(_l("Message to the founder"), validators=[Length(max=MAX_MESSAGE)],
                            render_kw={"rows": 4},
                            description=_l("Needed for a decision: the founder reads it in the portal and by "
                                           "email. You see it as the founder will before it is sent."))
    justification = TextAreaField(_l("Justification against the committee's majority"),
                                  validators=[Length(max=2000)], render_kw={"rows": 2},
                                  description=_l("Needed when the decision goes against the majority of the "
                                                 "committee's votes; kept in the minutes."))
    version = HiddenField()
    submit = SubmitField(_l("Record the step"))

    def with_moves(self, moves: list[str]) -> "TransitionForm":
        """The steps the manager may take, none chosen for it."""
        self.to.choices = [("", _l("Choose the next step…"))] + [(to, STATES[to]) for to in moves]
        return self


class DecisionForm(TransitionForm):
    """A step that tells the founder, shown as the founder will receive it before it is confirmed."""

    preview = SubmitField(_l("Show the preview again"))
    confirm = SubmitField(_l("Confirm and send"))


class VoteForm(Form):
    """A committee member's vote: nothing chosen for it, a comment always."""

    vote = RadioField(_l("Your vote"), choices=[],
                      validators=[InputRequired(message=_l("Choose your vote."))])
    comment = TextAreaField(_l("Comment for the minutes"), validators=[DataRequired(), Length(max=2000)],
                            render_kw={"rows": 3})
    submit = SubmitField(_l("Cast my vote"))

    def with_votes(self, votes: dict) -> "VoteForm":
        self.vote.choices = list(votes.items())
        return self
