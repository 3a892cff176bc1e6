"""Synthetic data at national scale, for benchmarks and load tests: the demo funds, then many founders,
companies and applications in every state with their history, reviews and stored scores, about one
investment per hundred applications with marks and exits, the capital called to pay for them, and
quarterly headcount reports. Bulk inserts; the same seed gives the same data."""

import random
import secrets
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select, text

from fundapp.applications import indexing, scoring, search
from fundapp.applications.models import Application, Assignment, Review, StateChange
from fundapp.applications.review import pure_rubric, refresh_scores, rubric
from fundapp.applications.workflow import DECISIONS
from fundapp.auth.models import Grant, User
from fundapp.auth.passwords import hash_password
from fundapp.extensions import db
from fundapp.funds.models import Country, Fund, Partner
from fundapp.jobs.models import HeadcountReport
from fundapp.ledger import capital
from fundapp.ledger.entries import enter
from fundapp.ledger.loader import load_ledger
from fundapp.ledger.metrics import fund_metrics
from fundapp.money import to_major
from fundapp.portfolio.models import Company, Exit, Investment, Valuation
from fundapp.quarters import ends_between, last_ended, period_of
from fundapp.seed import demo, pitches
from fundapp.text import comparable_key

SYNTHETIC_PASSWORD = "synthetic-founder-2026"  # noqa: S105  (published, like the demo's)
CHUNK = 5000
PATHS = {  # the steps an application in each state went through after its draft
    "draft": [],
    "submitted": ["submitted"],
    "screening": ["submitted", "screening"],
    "in_review": ["submitted", "screening", "in_review"],
    "due_diligence": ["submitted", "screening", "in_review", "due_diligence"],
    "committee": ["submitted", "screening", "in_review", "due_diligence", "committee"],
    "approved": ["submitted", "screening", "in_review", "due_diligence", "committee", "approved"],
    "invested": ["submitted", "screening", "in_review", "due_diligence", "committee", "approved", "invested"],
    "declined": ["submitted", "screening", "in_review", "declined"],
    "withdrawn": ["submitted", "withdrawn"],
}
STATE_WEIGHTS = {
    "draft": 8,
    "submitted": 12,
    "screening": 10,
    "in_review": 24,
    "due_diligence": 7,
    "committee": 4,
    "approved": 3,
    "invested": 1,
    "declined": 28,
    "withdrawn": 3,
}
DUPLICATES = 500    # one application in this many is a possible duplicate of the one before (two kinds)
REVIEWED = {"in_review", "due_diligence", "committee", "approved", "invested", "declined"}
WORDS = (
    "solar",
    "mobile",
    "clinic",
    "farm",
    "ledger",
    "school",
    "water",
    "cargo",
    "voice",
    "market",
    "credit",
    "cloud",
    "textile",
    "battery",
    "data",
    "tourism",
    "fishery",
    "studio",
    "pharmacy",
    "bus",
)
REGIONS = {
    "KE": ("Nairobi", "Mombasa", "Kisumu", "Nakuru", "Eldoret"),
    "SN": ("Dakar", "Thiès", "Saint-Louis", "Ziguinchor", "Kaolack"),
    "JO": ("Amman", "Irbid", "Zarqa", "Aqaba", "Madaba"),
}


def _insert(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(model.__table__), rows[start : start + CHUNK])


def _next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def _moment(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(7, 19), rng.randint(0, 59)), tzinfo=UTC)


def generate(applications: int, seed: int, step=lambda label: None, today: date | None = None) -> dict:
    """Fill an empty database; step(label) is called as each phase starts. Returns the row counts."""
    today = today or date.today()
    rng = random.Random(seed)  # noqa: S311  (repeatable synthetic data; session tokens use secrets)
    step("demo")
    demo.seed(publish=False)        # its quarters stay open: the synthetic history is entered in them
    db.session.commit()
    funds = list(db.session.scalars(select(Fund).order_by(Fund.id)))
    password_hash = hash_password(SYNTHETIC_PASSWORD)
    counts: dict[str, int] = {}
    for index, fund in enumerate(funds):
        size = applications if index == 0 else applications // 10
        step(f"applications of {fund.name}")
        reviewers = _reviewers(fund, rng, password_hash)
        invested = _pipeline(fund, size, rng, password_hash, reviewers, today, counts)
        step(f"scores of {fund.name}")
        refresh_scores(fund)
        step(f"portfolio of {fund.name}")
        _portfolio(fund, invested, rng, today, counts)
        db.session.commit()
    search.optimize(db.session.connection())
    _advance_sequences()
    db.session.commit()
    return counts


def _reviewers(fund: Fund, rng: random.Random, password_hash: str) -> list[int]:
    """Ten synthetic reviewers per fund besides the demo's, so that normalization has peers."""
    first = _next_id(User)
    users = [
        {
            "id": first + i,
            "email": f"reviewer{i}.fund{fund.id}@synthetic.example",
            "name": f"Reviewer {i} ({fund.name})",
            "password_hash": password_hash,
            "language": fund.language,
            "account_type": "staff",
            "is_admin": False,
            "active": True,
            "session_token": secrets.token_hex(32),
            "created_at": datetime.now(UTC),
            "email_confirmed_at": datetime.now(UTC),
        }
        for i in range(10)
    ]
    _insert(User, users)
    _insert(
        Grant,
        [
            {"user_id": u["id"], "fund_id": fund.id, "role": "reviewer", "created_at": datetime.now(UTC)}
            for u in users
        ],
    )
    return [u["id"] for u in users]


def _pipeline(
    fund: Fund,
    size: int,
    rng: random.Random,
    password_hash: str,
    reviewers: list[int],
    today: date,
    counts: dict,
) -> list[tuple[int, date]]:
    """Founders, companies, applications with their state history, assignments and reviews. Returns
    (company id, approval date) of the applications that became investments."""
    criteria = pure_rubric(rubric(fund))
    opened = fund.first_day
    span = max(1, (today - opened).days - 30)
    founders = max(1, size // 4)
    first_user, first_company, first_application = _next_id(User), _next_id(Company), _next_id(Application)
    now = datetime.now(UTC)
    _insert(
        User,
        [
            {
                "id": first_user + i,
                "email": f"founder{i}.fund{fund.id}@synthetic.example",
                "name": f"Founder {i}",
                "password_hash": password_hash,
                "language": fund.language,
                "account_type": "founder",
                "is_admin": False,
                "active": True,
                "session_token": secrets.token_hex(32),
                "created_at": now,
                "email_confirmed_at": now,
            }
            for i in range(founders)
        ],
    )
    states = list(STATE_WEIGHTS)
    weights = list(STATE_WEIGHTS.values())
    sectors = fund.sectors or ["ai"]
    code = _country_code(fund)
    regions = REGIONS.get(code, ("Capital",))
    companies, rows, changes, assignments, reviews, invested = [], [], [], [], [], []
    for i in range(size):
        company_id, application_id = first_company + i, first_application + i
        founder_id = first_user + i % founders
        name = f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()} {i}"
        region = rng.choice(regions)
        number = f"REG-{fund.id}-{i}"
        other = fund.language if rng.random() < 0.9 else ("en" if fund.language.startswith("fr") else "fr")
        texts = pitches.pitch(other, name, region, rng)
        if i % DUPLICATES == DUPLICATES - 1:       # the same company again, its number written another way
            name, number = f"{companies[-1]['name'].upper()} Ltd", f"reg {fund.id} {i - 1}"
        elif i % DUPLICATES == DUPLICATES // 2:     # another company with a near-identical pitch and problem
            texts = {**rows[-1], "problem": rows[-1]["problem"] + " Nothing else exists."}
        companies.append(
            {
                "id": company_id,
                "name": name,
                "registration_number": number,
                "registration_key": comparable_key(number),
                "country": code,
                "region": region,
                "sector": rng.choice(sectors),
                "website": "",
                "owner_id": founder_id,
                "created_at": now,
            }
        )
        state = rng.choices(states, weights)[0]
        created = opened + timedelta(days=rng.randrange(span))
        moment = _moment(created, rng)
        full_time, part_time = rng.randint(1, 30), rng.randint(0, 10)
        rows.append(
            {
                "id": application_id,
                "fund_id": fund.id,
                "company_id": company_id,
                "sector": companies[-1]["sector"],
                "founder_id": founder_id,
                "state": state,
                "version": 1 + len(PATHS[state]),
                "requested_amount": fund.min_ticket * rng.randint(1, 10),
                "stage": rng.choice(("seed", "pre_seed")),
                **{field: texts[field] for field in ("pitch", "problem", "solution", "market", "team")},
                "business_model": "Subscriptions.",
                "traction": "Paying customers.",
                "use_of_funds": "Hiring and sales.",
                "full_time": full_time,
                "part_time": part_time,
                "jobs_expected": full_time + rng.randint(5, 60),
                "created_at": moment,
                "submitted_at": moment if state != "draft" else None,
                "decided_at": None,
                "decision": None,
                "failing_criteria": [],
                "disagreement_flag": False,
                "review_count": 0,
            }
        )
        previous, at = "draft", moment
        for to_state in PATHS[state]:
            at = min(at + timedelta(days=rng.randint(1, 20)), _moment(today, rng) - timedelta(days=1))
            changes.append(
                {
                    "application_id": application_id,
                    "from_state": previous,
                    "to_state": to_state,
                    "user_id": founder_id if to_state in ("submitted", "withdrawn") else None,
                    "reason": "",
                    "at": at,
                }
            )
            previous = to_state
            if to_state in DECISIONS and rows[-1]["decided_at"] is None:
                rows[-1].update(decided_at=at, decision=to_state)
        if state in REVIEWED:
            for reviewer_id in rng.sample(reviewers, 2):
                scores = {c.id: rng.randint(int(c.scale_min), int(c.scale_max)) for c in criteria}
                assignments.append(
                    {
                        "application_id": application_id,
                        "reviewer_id": reviewer_id,
                        "due_date": at.date(),
                        "conflict": False,
                        "declared_at": at,
                        "created_at": at,
                    }
                )
                reviews.append(
                    {
                        "application_id": application_id,
                        "reviewer_id": reviewer_id,
                        "fund_id": fund.id,
                        "sector": companies[-1]["sector"],
                        "scores": {str(k): v for k, v in scores.items()},
                        "recommendation": rng.choice(("invest", "maybe", "decline")),
                        "comment": "",
                        "score": scoring.review_score(criteria, scores),
                        "submitted_at": at,
                    }
                )
        if state == "invested":
            invested.append((company_id, application_id, at.date()))
    _insert(Company, companies)
    _insert(Application, rows)
    _insert(StateChange, changes)
    _insert(Assignment, assignments)
    _insert(Review, reviews)
    indexing.refresh(db.session.connection(), [row["id"] for row in rows])
    for name, number in (
        ("applications", len(rows)),
        ("reviews", len(reviews)),
        ("state_changes", len(changes)),
    ):
        counts[name] = counts.get(name, 0) + number
    return invested


def _country_code(fund: Fund) -> str:

    return db.session.get(Country, fund.country_id).code


def _portfolio(fund: Fund, invested: list, rng: random.Random, today: date, counts: dict) -> None:
    """Capital called and paid as the investments need it, the investments, marks, exits and the
    companies' quarterly headcount."""
    if not invested:
        return
    partners = list(
        db.session.scalars(select(Partner).where(Partner.fund_id == fund.id).order_by(Partner.id))
    )
    committed = sum(p.commitment for p in partners)
    called = fund_metrics(load_ledger(fund), today).called
    each = max(1, min(committed - called, committed // 2) // (len(invested) + 1))
    first_day = min(day for _c, _a, day in invested)
    call = capital.record_call(
        None,
        fund,
        first_day,
        first_day + timedelta(days=30),
        to_major(each * len(invested), fund.currency),
        "investment",
    )
    for partner in partners:
        allocation = capital.allocation_for(call, partner.id)
        capital.record_payment(
            None, fund, call, partner.id, first_day, to_major(allocation.amount, fund.currency)
        )
    reports, marks, exits = [], 0, 0
    last = last_ended(today)
    for company_id, _application_id, day in invested:
        day = max(day, first_day)
        investment = enter(
            Investment(
                fund_id=fund.id,
                company_id=company_id,
                date=day,
                amount=each,
                instrument=rng.choice(("equity", "safe", "convertible_note")),
                ownership=Decimal(rng.choice((5, 8, 10, 12, 15))).scaleb(-2).quantize(Decimal("0.0001")),
            ),
            None,
        )
        exited = None
        if rng.random() < 0.5 and day + timedelta(days=200) < today:
            enter(
                Valuation(
                    investment_id=investment.id,
                    date=day + timedelta(days=180),
                    fair_value=int(each * rng.uniform(0.5, 3)),
                ),
                None,
            )
            marks += 1
        if rng.random() < 0.1 and day + timedelta(days=400) < today:
            exited = day + timedelta(days=365)
            kind = rng.choice(("write_off", "acquisition"))
            enter(
                Exit(
                    fund_id=fund.id,
                    company_id=company_id,
                    date=exited,
                    kind=kind,
                    proceeds=0 if kind == "write_off" else int(each * rng.uniform(1, 4)),
                ),
                None,
            )
            exits += 1
        full_time, part_time = rng.randint(2, 20), rng.randint(0, 6)
        for end in ends_between(last_ended(day), last):
            if exited and end > exited:
                break
            full_time, part_time = (
                max(1, full_time + rng.randint(-1, 4)),
                max(0, part_time + rng.randint(-1, 1)),
            )
            headcount = full_time + part_time
            reports.append(
                {
                    "company_id": company_id,
                    "period": period_of(end),
                    "period_end": end,
                    "full_time": full_time,
                    "part_time": part_time,
                    "women": headcount * 2 // 5,
                    "under_35": headcount // 2,
                    "nationals": headcount - 1 if headcount > 1 else 1,
                    "verified_at": _moment(end, rng) if end < last else None,
                    "created_at": _moment(end, rng),
                    "updated_at": _moment(end, rng),
                    "version": 1,
                }
            )
    _insert(HeadcountReport, reports)
    counts["investments"] = counts.get("investments", 0) + len(invested)
    counts["marks"] = counts.get("marks", 0) + marks
    counts["exits"] = counts.get("exits", 0) + exits
    counts["headcount_reports"] = counts.get("headcount_reports", 0) + len(reports)


def _advance_sequences() -> None:
    """On PostgreSQL, move each table's id sequence past the ids given explicitly, and gather the
    statistics its planner chooses by (a bulk load leaves none until autovacuum comes by)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    db.session.execute(text("ANALYZE"))
    for model in (User, Company, Application):
        sequence = func.pg_get_serial_sequence(model.__tablename__, "id")
        db.session.execute(select(func.setval(sequence, select(func.max(model.id)).scalar_subquery())))
