"""Choices of the portfolio feature, in one place."""
from flask_babel import lazy_gettext as _l

INSTRUMENTS = {
    "equity": _l("Equity"),
    "safe": _l("SAFE"),
    "convertible_note": _l("Convertible note"),
    "loan": _l("Loan"),
}

# Where the fund stands in a company at a date: "companies in the portfolio" are the held ones (SPEC 11).
HOLDING_STATES = {"held": _l("In portfolio"), "exited": _l("Exited"), "written_off": _l("Written off")}

EXIT_KINDS = {
    "acquisition": _l("Acquisition"),
    "ipo": _l("IPO"),
    "buyback": _l("Buyback"),
    "write_off": _l("Write-off"),
}
