"""Every ledger entry that can be corrected by a reversing entry, in one place."""
from fundapp.ledger import capital
from fundapp.ledger.models import CapitalCall, Distribution, Expense, Payment
from fundapp.portfolio import services as portfolio
from fundapp.portfolio.models import Exit, Investment, Valuation

# kind -> (model, the use case that reverses it, the function giving its fund's id)
REVERSIBLE = {
    "capital_call": (CapitalCall, capital.reverse_call, capital.fund_id_of),
    "payment": (Payment, capital.reverse_payment, capital.fund_id_of),
    "distribution": (Distribution, capital.reverse_distribution, capital.fund_id_of),
    "expense": (Expense, capital.reverse_expense, capital.fund_id_of),
    "investment": (Investment, portfolio.reverse_investment, portfolio.fund_id_of),
    "valuation": (Valuation, portfolio.reverse_valuation, portfolio.fund_id_of),
    "exit": (Exit, portfolio.reverse_exit, portfolio.fund_id_of),
}


def entry_of(fund, kind: str, entry_id: int):
    """The fund's ledger entry of that kind, or None (unknown kind, id or another fund's)."""
    from fundapp.extensions import db
    if kind not in REVERSIBLE or not isinstance(entry_id, int):
        return None
    model, _reverse, fund_id_of = REVERSIBLE[kind]
    entry = db.session.get(model, entry_id)
    return entry if entry is not None and fund_id_of(entry) == fund.id else None


def reverse(actor, fund, kind: str, entry):
    """Reverse one entry with the use case of its kind; the reversing entry."""
    return REVERSIBLE[kind][1](actor, fund, entry)
