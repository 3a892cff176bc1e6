"""Choices of the capital ledger, in one place."""
from flask_babel import lazy_gettext as _l

CALL_PURPOSES = {
    "investment": _l("Investment"),
    "expenses": _l("Expenses"),
    "fees": _l("Fees"),
}

EXPENSE_CATEGORIES = {
    "management_fee": _l("Management fee"),
    "operations": _l("Operations"),
    "legal": _l("Legal"),
    "audit": _l("Audit"),
    "other": _l("Other"),
}
