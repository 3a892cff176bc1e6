"""Three years of a demo fund's capital: calls, partial and late payments, fees, investments,
follow-ons, marks, a write-off, an exit and a distribution, all through the real use cases."""
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from fundapp.ledger import capital
from fundapp.money import to_major
from fundapp.portfolio import services as portfolio

D = date


def three_years(manager, fund, partners, companies, owners: dict | None = None) -> None:
    """Enter the fund's history from January 2024, skipping anything dated after today; owners maps
    a company's name to the founder who owns it."""
    total = sum(partner.commitment for partner in partners)
    government, openai = partners[0], partners[1]

    def exact(minor: int, factor) -> int:
        """A share of an amount in whole minor units, computed exactly (never through binary floats)."""
        return int((Decimal(minor) * Decimal(str(factor))).to_integral_value(ROUND_HALF_EVEN))

    def amount(percent) -> str:
        return to_major(exact(total, Decimal(str(percent)) / 100), fund.currency)

    def share(call, partner, fraction=1) -> str:
        return to_major(exact(capital.allocation_for(call, partner.id).amount, fraction), fund.currency)

    held = [portfolio.register_company(manager, fund, {"name": name, "sector": sector, "region": region,
                                                       "country": fund.country.code},
                                       owner_id=(owners or {})[name].id if name in (owners or {}) else None)
            for name, sector, region in companies]
    investments = {}

    def call(day, due, percent, purpose):
        return capital.record_call(manager, fund, day, due, amount(percent), purpose)

    def pay(day, entry, partner, fraction=1.0):
        capital.record_payment(manager, fund, entry, partner.id, day, share(entry, partner, fraction))

    def invest(day, index, percent, instrument, ownership, key=None):
        investments[key or index] = portfolio.record_investment(
            manager, fund, held[index].id, day, amount(percent), instrument, ownership)

    def mark(day, key, multiple):
        investment = investments[key]
        portfolio.record_valuation(manager, fund, investment, day,
                                   to_major(exact(investment.amount, multiple), fund.currency))

    events = [
        (D(2024, 1, 15), lambda: calls.append(call(D(2024, 1, 15), D(2024, 2, 15), 15, "investment"))),
        (D(2024, 2, 10), lambda: pay(D(2024, 2, 10), calls[0], government)),
        (D(2024, 2, 12), lambda: pay(D(2024, 2, 12), calls[0], openai, 0.6)),
        (D(2024, 2, 20), lambda: capital.record_expense(manager, fund, D(2024, 2, 20), amount(0.5),
                                                        "management_fee", "2024 management fee")),
        (D(2024, 3, 1), lambda: invest(D(2024, 3, 1), 0, 4, "equity", "0.1200")),
        (D(2024, 3, 20), lambda: pay(D(2024, 3, 20), calls[0], openai, 0.4)),   # late
        (D(2024, 4, 15), lambda: invest(D(2024, 4, 15), 1, 3, "safe", "0.0800")),
        (D(2024, 6, 30), lambda: mark(D(2024, 6, 30), 0, 1.2)),
        (D(2024, 7, 15), lambda: calls.append(call(D(2024, 7, 15), D(2024, 8, 15), 10, "investment"))),
        (D(2024, 8, 1), lambda: calls.append(call(D(2024, 8, 1), D(2024, 9, 1), 1, "fees"))),
        (D(2024, 8, 10), lambda: pay(D(2024, 8, 10), calls[1], government)),
        (D(2024, 8, 10), lambda: pay(D(2024, 8, 10), calls[1], openai, 0.5)),
        (D(2024, 8, 25), lambda: pay(D(2024, 8, 25), calls[2], government)),
        (D(2024, 8, 25), lambda: pay(D(2024, 8, 25), calls[2], openai)),
        (D(2024, 9, 1), lambda: invest(D(2024, 9, 1), 2, 5, "equity", "0.1500")),
        (D(2024, 9, 30), lambda: pay(D(2024, 9, 30), calls[1], openai, 0.5)),   # late
        (D(2024, 12, 31), lambda: [mark(D(2024, 12, 31), 0, 1.5), mark(D(2024, 12, 31), 1, 0.9),
                                   mark(D(2024, 12, 31), 2, 1.0)]),
        (D(2025, 1, 31), lambda: capital.record_expense(manager, fund, D(2025, 1, 31), amount(0.5),
                                                        "management_fee", "2025 management fee")),
        (D(2025, 3, 1), lambda: invest(D(2025, 3, 1), 0, 2, "equity", "0.0300", key="follow-on")),
        (D(2025, 4, 1), lambda: calls.append(call(D(2025, 4, 1), D(2025, 5, 1), 12, "investment"))),
        (D(2025, 4, 20), lambda: pay(D(2025, 4, 20), calls[3], government)),
        (D(2025, 4, 25), lambda: pay(D(2025, 4, 25), calls[3], openai, 0.7)),   # the rest is overdue
        (D(2025, 5, 15), lambda: invest(D(2025, 5, 15), 3, 4, "loan", "0")),
        (D(2025, 6, 30), lambda: [mark(D(2025, 6, 30), 0, 1.8), mark(D(2025, 6, 30), "follow-on", 1.2),
                                  mark(D(2025, 6, 30), 2, 1.3), mark(D(2025, 6, 30), 3, 1.0)]),
        (D(2025, 9, 30), lambda: portfolio.record_exit(manager, fund, held[1].id, D(2025, 9, 30), "0",
                                                       "write_off")),
        (D(2025, 11, 5), lambda: capital.record_expense(manager, fund, D(2025, 11, 5), amount(0.1),
                                                        "audit", "Annual audit")),
        (D(2025, 12, 31), lambda: [mark(D(2025, 12, 31), 0, 2.0), mark(D(2025, 12, 31), 2, 1.6)]),
        (D(2026, 1, 31), lambda: capital.record_expense(manager, fund, D(2026, 1, 31), amount(0.5),
                                                        "management_fee", "2026 management fee")),
        (D(2026, 3, 31), lambda: portfolio.record_exit(
            manager, fund, held[2].id, D(2026, 3, 31),
            to_major(exact(investments[2].amount, 2.5), fund.currency), "acquisition")),
        (D(2026, 4, 15), lambda: capital.record_distribution(
            manager, fund, D(2026, 4, 15), to_major(exact(investments[2].amount, 1.5), fund.currency))),
        (D(2026, 6, 30), lambda: [mark(D(2026, 6, 30), 0, 2.2), mark(D(2026, 6, 30), 3, 1.1)]),
        (D(2026, 9, 30), lambda: calls.append(call(D(2026, 9, 30), D(2026, 12, 15), 5, "expenses"))),
        (D(2026, 10, 1), lambda: invest(D(2026, 10, 1), 4, 3, "convertible_note", "0.0500")),
    ]
    calls: list = []
    for day, event in events:
        if day <= date.today():
            event()
