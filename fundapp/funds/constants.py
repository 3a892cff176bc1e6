"""Choices of the funds feature, in one place."""
from flask_babel import lazy_gettext as _l

PARTNER_KINDS = {
    "government": _l("Government"),
    "co_investor": _l("Co-investor"),
    "other": _l("Other"),
}

SECTORS = {
    "agriculture": _l("Agriculture and food"),
    "ai": _l("Artificial intelligence"),
    "climate": _l("Climate and energy"),
    "creative": _l("Creative industries"),
    "education": _l("Education"),
    "fintech": _l("Financial services"),
    "health": _l("Health"),
    "logistics": _l("Logistics and mobility"),
    "manufacturing": _l("Manufacturing"),
    "software": _l("Software and services"),
    "tourism": _l("Tourism"),
}

# Every language of fundapp, with its name: pages, messages, funds and accounts choose among these.
LANGUAGES = {"en": _l("English"), "fr": _l("French")}
