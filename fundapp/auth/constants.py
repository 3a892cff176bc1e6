"""Roles and their names, in one place."""
from flask_babel import lazy_gettext as _l

ROLES = ("manager", "reviewer", "committee", "partner")

ROLE_LABELS = {
    "admin": _l("Administrator"),
    "manager": _l("Fund manager"),
    "reviewer": _l("Reviewer"),
    "committee": _l("Committee member"),
    "partner": _l("Partner"),
    "founder": _l("Founder"),
}


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))
