"""Properties over random sequences of ledger events, on the pure money math."""
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from fundapp.ledger.allocation import allocate
from fundapp.ledger.metrics import Flow, Ledger, fund_metrics

START = date(2024, 1, 1)

event = st.one_of(
    st.tuples(st.just("call"), st.integers(1, 10**9)),
    st.tuples(st.just("pay"), st.floats(0, 1)),
    st.tuples(st.just("expense"), st.floats(0, 0.2)),
    st.tuples(st.just("invest"), st.floats(0, 0.5)),
    st.tuples(st.just("mark"), st.floats(0, 3)),
    st.tuples(st.just("exit"), st.floats(0, 4)),
    st.tuples(st.just("distribute"), st.floats(0, 1)),
)


def play(commitments: dict[int, int], events) -> tuple[Ledger, dict]:
    """Apply events the way the use cases allow them; returns the ledger and running totals."""
    ledger = Ledger(commitments=commitments, government={min(commitments)})
    totals = {"paid": 0, "invested": 0, "expenses": 0, "proceeds": 0, "distributed": 0, "called": 0}
    outstanding: dict[int, int] = dict.fromkeys(commitments, 0)
    called: dict[int, int] = dict.fromkeys(commitments, 0)
    cash = 0
    for index, (kind, size) in enumerate(events):
        day = START + timedelta(days=7 * index)
        unfunded = sum(commitments.values()) - totals["called"]
        shares = allocate(size, commitments) if kind == "call" and 0 < size <= unfunded else {}
        # as record_call: nor may any partner's share exceed its own unfunded commitment
        if shares and all(called[pid] + share <= commitments[pid] for pid, share in shares.items()):
            for pid, share in shares.items():
                ledger.call_allocations.append(Flow(day, share, partner_id=pid, ref=index))
                outstanding[pid] += share
                called[pid] += share
            totals["called"] += size
        elif kind == "pay":
            for pid in outstanding:
                amount = int(outstanding[pid] * size)
                if amount:
                    ledger.payments.append(Flow(day, amount, partner_id=pid))
                    outstanding[pid] -= amount
                    totals["paid"] += amount
                    cash += amount
        elif kind == "expense" and int(cash * size):
            ledger.expenses.append(Flow(day, int(cash * size)))
            totals["expenses"] += int(cash * size)
            cash -= int(cash * size)
        elif kind == "invest" and int(cash * size):
            ledger.investments.append(Flow(day, int(cash * size), company_id=index, ref=index))
            totals["invested"] += int(cash * size)
            cash -= int(cash * size)
        elif kind == "mark" and ledger.investments:
            target = ledger.investments[-1]
            ledger.valuations.append(Flow(day, int(target.amount * size), ref=target.ref))
        elif kind == "exit" and ledger.investments:
            target = ledger.investments[-1]
            if target.company_id not in {e.company_id for e in ledger.exits}:
                proceeds = int(target.amount * size)
                ledger.exits.append(Flow(day, proceeds, company_id=target.company_id))
                totals["proceeds"] += proceeds
                cash += proceeds
        elif kind == "distribute" and int(cash * size):
            paid = fund_metrics(ledger, day)
            weights = {p.partner_id: p.paid_in for p in paid.partners}
            if sum(weights.values()):
                amount = int(cash * size)
                for pid, share in allocate(amount, weights).items():
                    ledger.distribution_allocations.append(Flow(day, share, partner_id=pid, ref=index))
                totals["distributed"] += amount
                cash -= amount
    totals["cash"] = cash
    return ledger, totals


commitments_strategy = st.dictionaries(st.integers(1, 5), st.integers(1, 10**10), min_size=1, max_size=4)


@settings(max_examples=150, deadline=None)
@given(commitments_strategy, st.lists(event, max_size=25))
def test_allocations_sum_and_the_cash_equation_holds(commitments, events):
    ledger, totals = play(commitments, events)
    m = fund_metrics(ledger, date(2030, 1, 1))
    assert m.called == totals["called"] == sum(p.called for p in m.partners)
    assert m.paid_in == totals["paid"] == sum(p.paid_in for p in m.partners)
    assert m.distributed == totals["distributed"] == sum(p.distributed for p in m.partners)
    assert m.cash == totals["cash"] == (m.paid_in - m.invested - m.expenses + m.exit_proceeds - m.distributed)
    assert m.cash >= 0
    assert sum(p.nav_share for p in m.partners) == m.nav
    assert m.unfunded == sum(commitments.values()) - m.called >= 0
    for partner in m.partners:
        assert 0 <= partner.paid_in <= partner.called <= partner.commitment


@settings(max_examples=100, deadline=None)
@given(commitments_strategy, st.lists(event, max_size=20), st.data())
def test_leaving_out_an_entry_and_its_reversal_restores_every_figure(commitments, events, data):
    """A reversal voids its entry: the ledger without both equals the ledger before the entry."""
    ledger, _totals = play(commitments, events)
    before = fund_metrics(ledger, date(2030, 1, 1))
    wrong = Flow(date(2029, 6, 1), data.draw(st.integers(1, 10**6)))
    ledger.expenses.append(wrong)
    assert fund_metrics(ledger, date(2030, 1, 1)).cash == before.cash - wrong.amount
    ledger.expenses.remove(wrong)
    assert fund_metrics(ledger, date(2030, 1, 1)) == before
