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

# every kind of ledger entry a reversing entry can void (ledger.reversal), as the API names them
REVERSIBLE_KINDS = ("capital_call", "payment", "distribution", "expense", "investment", "valuation", "exit")
