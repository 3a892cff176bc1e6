"""The application workflow as data (SPEC section 4): states, and who may move an application where."""
from flask_babel import lazy_gettext as _l

STATES = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "screening": _l("Screening"),
    "in_review": _l("In review"),
    "changes_requested": _l("More information requested"),
    "due_diligence": _l("Due diligence"),
    "committee": _l("Committee"),
    "approved": _l("Approved"),
    "declined": _l("Declined"),
    "withdrawn": _l("Withdrawn"),
    "invested": _l("Invested"),
}

# from state -> {to state: who may make that move}. An approved application becomes invested only
# when its investment is recorded ("investment": the portfolio's use case), never by a move alone, and
# is approved again when that investment is reversed. An application waiting for changes returns to the
# state it came from when its founder resubmits it ("resubmission": the portal's use case).
TRANSITIONS = {
    "draft": {"submitted": "founder", "withdrawn": "founder"},
    "submitted": {"screening": "manager", "declined": "manager", "withdrawn": "founder"},
    "screening": {"in_review": "manager", "changes_requested": "manager", "declined": "manager",
                  "withdrawn": "founder"},
    "in_review": {"due_diligence": "manager", "changes_requested": "manager", "declined": "manager",
                  "withdrawn": "founder"},
    "due_diligence": {"committee": "manager", "changes_requested": "manager", "declined": "manager",
                      "withdrawn": "founder"},
    "changes_requested": {"screening": "resubmission", "in_review": "resubmission",
                          "due_diligence": "resubmission", "declined": "manager", "withdrawn": "founder"},
    "committee": {"approved": "manager", "declined": "manager", "withdrawn": "founder"},
    "approved": {"invested": "investment"},
    "declined": {},
    "withdrawn": {},
    "invested": {"approved": "investment"},
}

# The states grouped as the features ask for them, beside the table they come from.
DECISIONS = ("approved", "declined")        # the moves that decide on an application
# the manager's moves that carry a message to the founder
TOLD = frozenset(DECISIONS) | {"changes_requested"}
EDITABLE = frozenset({"draft", "changes_requested"})      # the founder edits its words and deck in these
REVIEWABLE = frozenset({"screening", "in_review"})          # reviewers score applications in these
ASSIGNABLE = REVIEWABLE | {"submitted"}                      # managers assign reviewers in these
APPROVED = frozenset({"approved", "invested"})               # the fund said yes
LISTED = tuple(state for state in STATES if state != "draft")    # what the fund sees of its pipeline


def moves(state: str, actor_role: str) -> list[str]:
    """The states an actor in that role may move an application to from its state."""
    return [to for to, role in TRANSITIONS.get(state, {}).items() if role == actor_role]


def may_move(state: str, to: str, actor_role: str) -> bool:
    """Whether the workflow has that move for that role."""
    return TRANSITIONS.get(state, {}).get(to) == actor_role
