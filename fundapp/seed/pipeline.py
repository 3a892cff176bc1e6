"""A demo fund's pipeline: a rubric, founders' applications in every state, reviews and decisions,
entered through the same use cases as the portal and the review pages."""
import io
from datetime import UTC, date, datetime, time, timedelta

from reportlab.pdfgen import canvas
from sqlalchemy import select

from fundapp.applications import committee, review, services
from fundapp.applications.models import Review, Revision, StateChange, Vote
from fundapp.auth import services as accounts
from fundapp.extensions import db
from fundapp.money import to_major
from fundapp.portfolio.services import register_company

RUBRIC = [("Team", "Can this team build it and sell it?", "2", 1, 5, "3", False),
          ("Market", "How large and reachable is the market?", "1", 1, 5, None, True),
          ("Jobs", "How many good jobs could it create here in three years?", "2", 1, 5, "2", False),
          ("Traction", "Customers, revenue or pilots so far.", "1", 1, 5, None, True)]

PITCHES = [
    ("Maji Sensors", "climate", "Kisumu", "Water-level sensors that warn farmers of floods", "in_review",
     [(5, 4, 5, 3), (4, 4, 4, None)]),
    ("Duka Ledger", "fintech", "Nairobi", "Bookkeeping on the phone for small shops", "in_review",
     [(5, 5, 3, 5), (2, 3, 2, 2)]),
    ("Afya Scan", "health", "Mombasa", "Portable ultrasound read by nurses with AI help", "approved",
     [(5, 5, 4, 4), (4, 5, 5, 3)]),
    ("Boda Parcel", "logistics", "Nakuru", "Parcel delivery on motorbike taxis", "declined",
     [(2, 3, 2, 1), (3, 2, 2, None)]),
    ("Shule Voice", "ai", "Eldoret", "Swahili voice tutor for primary pupils", "submitted", []),
    ("Jua Kiosk", "climate", "Machakos", "Solar charging kiosks run by women in market towns", "committee",
     [(4, 4, 4, 3), (4, 3, 4, None)]),
]


# What a demo fund without messages of its own tells founders of their decisions.
APPROVAL = ("Congratulations: the fund approves your application. The investment team will contact you "
            "within two weeks about the terms and the next steps.")
DECLINE = ("Thank you for applying. The fund will not invest in your company this time. You are welcome "
           "to apply again when your company has grown.")

def deck(title: str) -> bytes:
    buffer = io.BytesIO()
    document = canvas.Canvas(buffer)
    document.setTitle(title)
    document.drawString(72, 720, title)
    document.showPage()
    document.save()
    return buffer.getvalue()


def pipeline(manager, reviewer, fund, password: str) -> None:
    """Fill the fund's rubric and pipeline."""
    criteria = [review.add_criterion(manager, fund, *spec) for spec in RUBRIC]
    if not fund.open_for_applications:
        return
    code = fund.country.code.lower()
    second = accounts.create_staff(manager, f"reviewer2.{code}@fundapp.example",
                                   f"Second reviewer ({fund.country.name})", fund.language,
                                   password=password)[0]
    accounts.grant_role(manager, second, fund, "reviewer")
    reviewers = [reviewer, second]
    chair = accounts.create_staff(manager, f"chair.{code}@fundapp.example",
                                  f"Committee chair ({fund.country.name})", fund.language,
                                  password=password)[0]
    accounts.grant_role(manager, chair, fund, "committee")
    for index, (name, _sector, region, pitch, state, scores) in enumerate(PITCHES):
        founder = accounts.register_founder(f"founder{index + 2}.{code}@fundapp.example",
                                            f"Founder of {name}", password, fund.language)
        sector = fund.sectors[index % len(fund.sectors)]
        company = register_company(founder, None, {"name": name, "country": fund.country.code,
                                                   "sector": sector, "region": region}, owner_id=founder.id)
        application = services.start_application(founder, fund, company)
        services.save_draft(founder, application, fund, {
            "requested_amount": to_major(fund.min_ticket * (index + 2), fund.currency), "stage": "seed",
            "pitch": pitch, "problem": f"The problem {name} solves.", "solution": pitch,
            "market": "The home market first, then the region.", "business_model": "Subscriptions.",
            "traction": "Pilots with early customers.", "team": "Two founders and an engineer.",
            "use_of_funds": "Hiring and sales.", "full_time": 4 + index, "part_time": index,
            "jobs_expected": 30})
        services.store_deck(application, f"{name}.pdf", deck(name))
        services.submit(founder, application, fund, company)
        if state == "submitted":
            continue
        review.decide(manager, fund, application, "screening", "Eligible and complete.")
        review.decide(manager, fund, application, "in_review", "Worth a full review.")
        for reviewer_user, values in zip(reviewers, scores, strict=False):
            review.assign(manager, fund, application, reviewer_user.id, date.today() + timedelta(days=14))
            review.declare(reviewer_user, fund, application, conflict=False)
            review.save_review(reviewer_user, fund, application,
                               {c.id: v for c, v in zip(criteria, values, strict=True)},
                               "invest" if sum(v or 0 for v in values) >= 15 else "decline", "")
        if state in ("approved", "committee"):
            for step in ("due_diligence", "committee"):
                review.decide(manager, fund, application, step, "Strong team and clear job creation.")
            # the chair votes on each; the other members (the demo's own committee login) on approved ones
            voters = [chair] if state == "committee" else committee.members_of(fund)
            for member in voters:
                committee.declare(member, fund, application, conflict=False)
                committee.cast(member, fund, application, "approve", "Clear job creation; the reviews agree.")
        if state == "approved":
            review.decide(manager, fund, application, "approved", "Strong team and clear job creation.",
                          review.message_template(fund, "approved") or APPROVAL)
        elif state == "declined":
            review.decide(manager, fund, application, "declined", "The market is too crowded for now.",
                          review.message_template(fund, "declined") or DECLINE)
        _dated_back(application, date(2026, 3, 2) + timedelta(days=41 * index))


def _dated_back(application, submitted: date) -> None:
    """Spread the demo's history over past quarters: the application was submitted on that day and
    each later step came ten days after the one before (never after today)."""
    db.session.flush()
    start = datetime.combine(min(submitted, date.today() - timedelta(days=60)), time(9), tzinfo=UTC)
    application.created_at = application.submitted_at = start
    changes = db.session.scalars(select(StateChange).where(StateChange.application_id == application.id)
                                 .order_by(StateChange.id))
    moved = {}
    for step, change in enumerate(changes):
        change.at = moved[change.to_state] = start + timedelta(days=10 * step)
        if change.to_state == application.decision:     # the first decision, dated back with its move
            application.decided_at = change.at
    # what happened between the moves is dated between them: the submission, the reviews, the votes
    for revision in db.session.scalars(select(Revision).where(Revision.application_id == application.id)):
        revision.submitted_at = start
    if "in_review" in moved:
        for review_ in db.session.scalars(select(Review).where(Review.application_id == application.id)):
            review_.submitted_at = moved["in_review"] + timedelta(days=3)
    if "committee" in moved:
        for seat in db.session.scalars(select(Vote).where(Vote.application_id == application.id)):
            seat.declared_at = moved["committee"] + timedelta(days=1)
            seat.voted_at = seat.voted_at and moved["committee"] + timedelta(days=2)
