"""A demo fund's pipeline: a rubric, founders' applications in every state, reviews, votes and
decisions, entered through the same use cases as the portal and the review pages, in the fund's
language, with the country's names and towns, each company in the sector its pitch is about."""
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from reportlab.pdfgen import canvas
from sqlalchemy import select

from fundapp.applications import committee, review, services, suggestions
from fundapp.applications.models import Assignment, Review, Revision, StateChange, Vote
from fundapp.auth import services as accounts
from fundapp.extensions import db
from fundapp.money import to_major
from fundapp.portfolio import services as portfolio
from fundapp.portfolio.services import register_company

RUBRIC = {
    "en": [("Team", "Can this team build it and sell it?", "2", 1, 5, "3", False),
           ("Market", "How large and reachable is the market?", "1", 1, 5, None, True),
           ("Jobs", "How many good jobs could it create here in three years?", "2", 1, 5, "2", False),
           ("Traction", "Customers, revenue or pilots so far.", "1", 1, 5, None, True)],
    "fr": [("Équipe", "Cette équipe peut-elle construire et vendre le produit ?", "2", 1, 5, "3", False),
           ("Marché", "Le marché est-il grand et accessible ?", "1", 1, 5, None, True),
           ("Emplois", "Combien d'emplois de qualité en trois ans, ici ?", "2", 1, 5, "2", False),
           ("Traction", "Clients, revenus ou pilotes à ce jour.", "1", 1, 5, None, True)],
}

EXPERTISE = {   # what the two demo reviewers of each fund declare: sectors, keywords
    "en": ((["climate", "agriculture"], ["water", "farmers", "irrigation"]),
           (["fintech", "health"], ["mobile money", "clinic"])),
    "fr": ((["agriculture", "climate"], ["agriculteurs", "eau", "irrigation"]),
           (["fintech", "health"], ["argent mobile", "santé"])),
}
GOOD, MIXED = [(5, 4, 5, 3), (4, 4, 4, None)], [(5, 5, 3, 5), (2, 3, 2, 2)]
WEAK = [(2, 3, 2, 1), (3, 2, 2, None)]

# (company, sector, town, founder, pitch, state, reviewers' scores), one list per country
PITCHES = {
    "KE": [
        ("Maji Sensors", "climate", "Kisumu", "Achieng Odhiambo",
         "Water-level sensors that warn riverside farmers of floods", "in_review", GOOD),
        ("Duka Ledger", "fintech", "Nairobi", "Kevin Mutua", "Bookkeeping on the phone for small shops",
         "in_review", MIXED),
        ("Afya Scan", "health", "Mombasa", "Halima Hassan", "Portable ultrasound read by nurses with AI help",
         "approved", [(5, 5, 4, 4), (4, 5, 5, 3)]),
        ("Boda Parcel", "logistics", "Nakuru", "Peter Kiprono", "Parcel delivery on motorbike taxis",
         "declined", WEAK),
        ("Shule Voice", "ai", "Eldoret", "Faith Chebet", "A Swahili voice tutor for primary pupils",
         "submitted", []),
        ("Jua Kiosk", "climate", "Machakos", "Mary Wambui",
         "Solar charging kiosks run by women in market towns", "committee", [(4, 4, 4, 3), (4, 3, 4, None)]),
        ("Mavuno Credit", "fintech", "Kericho", "Daniel Kirui", "Harvest-backed loans for tea growers",
         "screening", []),
        ("Samaki Cold Chain", "logistics", "Kisumu", "Grace Akinyi",
         "Solar cold rooms for fish traders on Lake Victoria", "changes_requested", []),
        ("Kilimo Drones", "agriculture", "Nyeri", "James Maina", "Crop-spraying drones rented by the acre",
         "due_diligence", GOOD),
        ("Tiba Records", "health", "Thika", "Esther Njeri",
         "Patient records for rural clinics that work offline", "withdrawn", []),
        ("Mkulima Market", "agriculture", "Naivasha", "Samuel Kamau",
         "A market app linking vegetable growers to hotels", "invested", GOOD),
    ],
    "SN": [
        ("Ndox Capteurs", "agriculture", "Kaolack", "Mariama Sow",
         "Des capteurs d'humidité des sols pour arroser au bon moment", "in_review", GOOD),
        ("Xaalis Boutique", "fintech", "Dakar", "Cheikh Mbaye",
         "La comptabilité sur téléphone pour les petites boutiques", "in_review", MIXED),
        ("Jàng AI", "ai", "Thiès", "Aïssatou Ndiaye", "Un tuteur vocal en wolof pour les élèves du primaire",
         "approved", [(5, 5, 4, 4), (4, 5, 5, 3)]),
        ("Teranga Séjours", "tourism", "Mbour", "Ibrahima Faye",
         "Des séjours chez l'habitant sur la Petite-Côte", "declined", WEAK),
        ("Ekool Campus", "education", "Saint-Louis", "Khady Diop",
         "Des cours du soir en ligne pour les lycéens", "submitted", []),
        ("Mbey Solaire", "agriculture", "Tambacounda", "Oumar Ba", "Des pompes solaires pour les maraîchers",
         "committee", [(4, 4, 4, 3), (4, 3, 4, None)]),
        ("Pikine Paiements", "fintech", "Pikine", "Ndèye Fall", "Le paiement des marchés par mobile money",
         "screening", []),
        ("Lompoul Écolodges", "tourism", "Louga", "Abdoulaye Sarr", "Des écolodges dans le désert de Lompoul",
         "changes_requested", []),
        ("Daara Numérique", "education", "Touba", "Serigne Mbacké",
         "Des tablettes solaires pour les écoles coraniques", "due_diligence", GOOD),
        ("Rizières Data", "ai", "Ziguinchor", "Fatou Diatta",
         "L'analyse d'images satellites pour les rizières de Casamance", "withdrawn", []),
        ("Fass Mangues", "agriculture", "Ziguinchor", "Lamine Badji",
         "Le séchage solaire des mangues pour l'export", "invested", GOOD),
    ],
}

WORDS = {
    "en": {"problem": "Today {town} has no affordable answer: {pitch_lower} would change that.",
           "market": "{town} first, then the rest of the country and the region.",
           "business_model": "Monthly subscriptions and a fee per transaction.",
           "traction": "Pilots with 40 early customers around {town}.",
           "team": "Two founders from {town} and an engineer.", "use_of_funds": "Hiring and sales.",
           "eligible": "Eligible and complete.", "review": "Worth a full review.",
           "strong": "Strong team and clear job creation.", "vote": "Clear job creation; the reviews agree.",
           "crowded": "The market is too crowded for now.",
           "ask": "Please add last quarter's sales figures and the cold rooms' running costs.",
           "ask_reason": "Unit economics missing.", "withdraw": "We are joining an accelerator abroad."},
    "fr": {"problem": "Aujourd'hui, {town} n'a pas de solution abordable : {pitch_lower} changerait cela.",
           "market": "{town} d'abord, puis le reste du pays et la sous-région.",
           "business_model": "Des abonnements mensuels et une commission par transaction.",
           "traction": "Des pilotes avec 40 premiers clients autour de {town}.",
           "team": "Deux fondateurs de {town} et un ingénieur.",
           "use_of_funds": "Recrutements et ventes.",
           "eligible": "Éligible et complète.", "review": "Mérite une évaluation complète.",
           "strong": "Équipe solide et création d'emplois claire.",
           "vote": "Création d'emplois claire ; les évaluations concordent.",
           "crowded": "Le marché est trop encombré pour l'instant.",
           "ask": "Merci d'ajouter vos ventes du dernier trimestre et les coûts d'exploitation prévus.",
           "ask_reason": "Économie unitaire manquante.",
           "withdraw": "Nous rejoignons un accélérateur à l'étranger."},
}

# What a demo fund without messages of its own tells founders of their decisions.
APPROVAL = ("Congratulations: the fund approves your application. The investment team will contact you "
            "within two weeks about the terms and the next steps.")
DECLINE = ("Thank you for applying. The fund will not invest in your company this time. You are welcome "
           "to apply again when your company has grown.")
BEFORE_REVIEW = ("submitted", "screening", "changes_requested", "withdrawn")
THROUGH_COMMITTEE = ("committee", "approved", "invested")


def deck(title: str) -> bytes:
    buffer = io.BytesIO()
    document = canvas.Canvas(buffer)
    document.setTitle(title)
    document.drawString(72, 720, title)
    document.showPage()
    document.save()
    return buffer.getvalue()


def pipeline(manager, reviewer, fund, password: str) -> None:
    """Fill the fund's rubric and, when it takes applications, its pipeline."""
    criteria = [review.add_criterion(manager, fund, *spec) for spec in RUBRIC[fund.language]]
    if not fund.open_for_applications:
        return
    code, words = fund.country.code, WORDS[fund.language]
    second = accounts.create_staff(manager, f"reviewer2.{code.lower()}@fundapp.example",
                                   SECOND_REVIEWER[code], fund.language, password=password)[0]
    accounts.grant_role(manager, second, fund, "reviewer")
    chair = accounts.create_staff(manager, f"chair.{code.lower()}@fundapp.example", CHAIR[code],
                                  fund.language, password=password)[0]
    accounts.grant_role(manager, chair, fund, "committee")
    for person, (sectors, keywords) in zip((reviewer, second), EXPERTISE[fund.language], strict=True):
        suggestions.declare_expertise(person, sectors, keywords)
    for index, (name, sector, town, person, pitch, state, scores) in enumerate(PITCHES[code]):
        founder = accounts.register_founder(f"founder{index + 2}.{code.lower()}@fundapp.example", person,
                                            password, fund.language, confirmed=True)
        company = register_company(founder, None, {"name": name, "country": code, "sector": sector,
                                                   "region": town}, owner_id=founder.id)
        application = services.start_application(founder, fund, company)
        services.save_draft(founder, application, fund, _texts(fund, town, pitch) | {
            "requested_amount": to_major(fund.min_ticket * (index % 5 + 2), fund.currency), "stage": "seed",
            "pitch": pitch, "solution": pitch, "full_time": 4 + index, "part_time": index % 4,
            "jobs_expected": 20 + 5 * index})
        services.store_deck(application, f"{name}.pdf", deck(name))
        services.submit(founder, application, fund, company)
        people = Cast(manager, [reviewer, second], chair, founder, criteria, words)
        _move_to(state, scores, people, fund, application, company)
        _dated_back(application, date(2026, 1, 12) + timedelta(days=23 * index))
    if code == "KE":
        _applied_again(fund, password)


def _applied_again(fund, password: str) -> None:
    """The first company's pitch sent again under another name by another account: a possible duplicate;
    and a reviewer of the fund at the same company's mail domain, whom the suggestions leave out."""
    name, sector, town, person, pitch, _state, _scores = PITCHES["KE"][0]
    founder = accounts.register_founder("achieng@majisensors.co.ke", person, password, fund.language,
                                        confirmed=True)
    colleague = accounts.create_staff(None, "brian@majisensors.co.ke", "Brian Otieno", fund.language,
                                      password=password)[0]
    accounts.grant_role(None, colleague, fund, "reviewer")
    company = register_company(founder, None, {"name": "Maji Sensor Systems", "country": "KE",
                                               "sector": sector, "region": town}, owner_id=founder.id)
    application = services.start_application(founder, fund, company)
    values = _texts(fund, town, pitch)
    services.save_draft(founder, application, fund, values | {
        "problem": values["problem"] + " Now.", "pitch": pitch, "solution": pitch, "stage": "seed",
        "requested_amount": to_major(fund.min_ticket * 2, fund.currency), "full_time": 4, "part_time": 0,
        "jobs_expected": 20})
    services.store_deck(application, "Maji Sensor Systems.pdf", deck(name))
    services.submit(founder, application, fund, company)


def _texts(fund, town: str, pitch: str) -> dict[str, str]:
    """An application's texts in the fund's language, around its pitch."""
    return {key: text.format(town=town, pitch_lower=pitch[0].lower() + pitch[1:])
            for key, text in WORDS[fund.language].items()
            if key in ("problem", "market", "business_model", "traction", "team", "use_of_funds")}


@dataclass
class Cast:
    """Who takes an application's steps in the demo, and the words they use."""
    manager: object
    reviewers: list
    chair: object
    founder: object
    criteria: list
    words: dict


SECOND_REVIEWER = {"KE": "Njoki Wairimu", "SN": "Babacar Gueye"}
CHAIR = {"KE": "Prof. Joseph Mwangi", "SN": "Pr Rokhaya Seck"}


def _move_to(state: str, scores, people: Cast, fund, application, company) -> None:
    """Take a submitted application to its demo state through the managers', reviewers' and committee's
    own steps."""
    manager, words = people.manager, people.words
    if state == "submitted":
        return
    if state == "withdrawn":
        services.withdraw(people.founder, application, words["withdraw"])
        return
    review.decide(manager, fund, application, "screening", words["eligible"])
    if state == "changes_requested":
        review.decide(manager, fund, application, "changes_requested", words["ask_reason"], words["ask"])
    if state in BEFORE_REVIEW:
        return
    review.decide(manager, fund, application, "in_review", words["review"])
    for reviewer_user, values in zip(people.reviewers, scores, strict=False):
        review.assign(manager, fund, application, reviewer_user.id, date.today() + timedelta(days=14))
        review.declare(reviewer_user, fund, application, conflict=False)
        review.save_review(reviewer_user, fund, application,
                           {c.id: v for c, v in zip(people.criteria, values, strict=True)},
                           "invest" if sum(v or 0 for v in values) >= 15 else "decline", "")
    if state in ("due_diligence", *THROUGH_COMMITTEE):
        review.decide(manager, fund, application, "due_diligence", words["strong"])
    if state in THROUGH_COMMITTEE:
        review.decide(manager, fund, application, "committee", words["strong"])
        # the chair votes on each; the other members (the demo's own committee login) on decided ones
        for member in [people.chair] if state == "committee" else committee.members_of(fund):
            committee.declare(member, fund, application, conflict=False)
            committee.cast(member, fund, application, "approve", words["vote"])
    if state in ("approved", "invested"):
        review.decide(manager, fund, application, "approved", words["strong"],
                      review.message_template(fund, "approved") or APPROVAL)
    if state == "invested":
        portfolio.record_investment(manager, fund, company.id, date.today(),
                                    to_major(application.requested_amount, fund.currency), "equity", "0.0800",
                                    application_id=application.id)
    elif state == "declined":
        review.decide(manager, fund, application, "declined", words["crowded"],
                      review.message_template(fund, "declined") or DECLINE)


def _dated_back(application, submitted: date) -> None:
    """Spread the demo's history over past quarters: the application was submitted on that day and
    each later step came ten days after the one before (never after today); reviews were due two weeks
    after the review began and came in three days into it."""
    db.session.flush()
    now = datetime.now(UTC)
    start = datetime.combine(min(submitted, date.today() - timedelta(days=90)), time(9), tzinfo=UTC)
    application.created_at = application.submitted_at = start
    changes = db.session.scalars(select(StateChange).where(StateChange.application_id == application.id)
                                 .order_by(StateChange.id))
    moved = {}
    for step, change in enumerate(changes):
        change.at = moved[change.to_state] = min(start + timedelta(days=10 * step), now)
        if change.to_state == application.decision:     # the first decision, dated back with its move
            application.decided_at = change.at
    # what happened between the moves is dated between them: the submission, the reviews, the votes
    for revision in db.session.scalars(select(Revision).where(Revision.application_id == application.id)):
        revision.submitted_at = start
    if "in_review" in moved:
        for review_ in db.session.scalars(select(Review).where(Review.application_id == application.id)):
            review_.submitted_at = moved["in_review"] + timedelta(days=3)
        for assignment in db.session.scalars(select(Assignment).where(
                Assignment.application_id == application.id)):
            assignment.due_date = (moved["in_review"] + timedelta(days=14)).date()
    if "committee" in moved:
        for seat in db.session.scalars(select(Vote).where(Vote.application_id == application.id)):
            seat.declared_at = moved["committee"] + timedelta(days=1)
            seat.voted_at = seat.voted_at and moved["committee"] + timedelta(days=2)
