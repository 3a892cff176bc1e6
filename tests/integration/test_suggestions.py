"""The reviewer-suggestion rules (SPEC 14), on the real database: declared sectors and keywords, past
reviews and open load rank the fund's reviewers; a conflict the data shows leaves one out, with why, and
assigning it is refused."""
import pytest
from sqlalchemy import func, select

from fundapp.applications import review, suggestions
from fundapp.applications.models import Application, Assignment, Review
from fundapp.errors import Refused
from fundapp.notifications.models import OutboxMessage
from fundapp.portfolio.models import Company
from tests.factories import FounderFactory, FundFactory, GrantFactory, staff_with_role


def applying(db, fund, owner, name="Shamba", sector="agriculture", state="in_review", founder=None, **texts):
    """A company of the owner and its application to the fund, by its founder (the owner unless told)."""
    company = Company(name=name, country="KE", sector=sector, owner_id=owner.id)
    db.session.add(company)
    db.session.flush()
    application = Application(fund_id=fund.id, company_id=company.id, founder_id=(founder or owner).id,
                              sector=sector, state=state, **texts)
    db.session.add(application)
    db.session.commit()
    return application


def reviewed(db, reviewer, application) -> None:
    db.session.add(Review(application_id=application.id, reviewer_id=reviewer.id, fund_id=application.fund_id,
                          sector=application.sector, scores={}, recommendation="maybe"))
    db.session.commit()


@pytest.fixture
def setting(db):
    fund = FundFactory(sectors=["agriculture", "health"])
    manager = staff_with_role("manager", fund)
    founder = FounderFactory(name="Amina Njoroge", email="amina@shamba.co.ke")
    application = applying(
        db, fund, founder, pitch="Irrigations solaires pour les petits exploitants",
        problem="Sécheresses and drought ruin the harvests of smallholders.",
        solution="Pumps run on l'énergie du soleil.", market="Farmers of the Rift Valley", team="Two engineers",
        business_model="Irrigation as a service (never read for keywords)")
    return fund, manager, founder, application


def reviewer(fund, name, sectors=None, keywords="", **fields):
    """A reviewer of the fund who declared these sectors and keywords."""
    return staff_with_role("reviewer", fund, name=name, expertise_sectors=sectors, expertise_keywords=keywords,
                           **fields)


def by_name(candidates) -> dict:
    return {candidate.reviewer.name: candidate for candidate in candidates}


def test_declared_sectors_keywords_and_past_reviews_rank_the_reviewers(db, setting):
    fund, _manager, _founder, application = setting
    reviewer(fund, "Sector", sectors=["agriculture", "fintech"])
    reviewer(fund, "Keywords", keywords="IRRIGATION, drought, blockchain, secheresse, energie solaire")
    seasoned = reviewer(fund, "Seasoned", sectors=["health"])
    reviewer(fund, "Novice", keywords="service, business")
    other_fund = FundFactory()
    GrantFactory(user=seasoned, fund=other_fund, role="reviewer")
    farmer = FounderFactory()
    for index in range(3):      # reviews of its sector in this fund count; of another fund or sector, not
        reviewed(db, seasoned, applying(db, fund, farmer, name=f"Farm {index}", state="declined"))
    reviewed(db, seasoned, applying(db, other_fund, farmer, name="Farm elsewhere", state="declined"))
    reviewed(db, seasoned, applying(db, fund, farmer, name="Clinic", sector="health"))
    db.session.commit()

    found = suggestions.suggest(fund, application)

    assert [c.reviewer.name for c in found.suggested] == ["Keywords", "Sector", "Seasoned", "Novice"]
    candidates = by_name(found.suggested)
    # "irrigation" is found in "Irrigations", "secheresse" in "Sécheresses", and "energie solaire" in
    # "l'énergie" and "solaires" apart; "blockchain" nowhere
    assert candidates["Keywords"].keywords == ("IRRIGATION", "drought", "secheresse", "energie solaire")
    assert candidates["Keywords"].score == 15                   # 4 keywords found, 3 counted
    assert candidates["Keywords"].reasons == ["Keywords: IRRIGATION, drought, secheresse, energie solaire",
                                              "No open review"]
    assert candidates["Sector"].score == 10
    assert candidates["Sector"].reasons[0] == "Declared sector: Agriculture and food"
    assert candidates["Seasoned"].past_reviews == 3 and candidates["Seasoned"].score == 3
    assert "3 past reviews in this sector" in candidates["Seasoned"].reasons
    # "business" is only in the business model, which is not read; "service" neither
    assert candidates["Novice"].keywords == () and candidates["Novice"].score == 0
    assert found.assigned == [] and found.left_out == []


def test_open_reviews_weigh_against_and_break_ties(db, setting):
    fund, manager, founder, application = setting
    idle = reviewer(fund, "Idle", sectors=["agriculture"])
    busy = reviewer(fund, "Busy", sectors=["agriculture"])
    busier_expert = reviewer(fund, "Busier expert", sectors=["agriculture"], keywords="drought")
    others = [applying(db, fund, FounderFactory(), name=f"Other {n}", sector="health") for n in range(8)]
    for person, count in ((busy, 2), (busier_expert, 5)):
        for other in others[:count]:
            review.assign(manager, fund, other, person.id, None)
    # neither a review done, a recusal, nor an application out of review is open
    done, recused, declined = others[5:]
    for other in (done, recused, declined):
        review.assign(manager, fund, other, idle.id, None)
    review.declare(idle, fund, done, conflict=False)
    reviewed(db, idle, done)
    review.declare(idle, fund, recused, conflict=True, reason="My cousin's company")
    declined.state = "declined"
    db.session.commit()

    found = suggestions.suggest(fund, application)

    assert [(c.reviewer.name, c.score, c.open_reviews) for c in found.suggested] == [
        ("Idle", 10, 0), ("Busier expert", 10, 5), ("Busy", 8, 2)]
    assert "5 open reviews" in by_name(found.suggested)["Busier expert"].reasons


def test_the_order_never_varies(db, setting):
    fund, _manager, _founder, application = setting
    first, second = (reviewer(fund, "Same Name") for _ in range(2))
    reviewer(fund, "Émile")                 # by name without accents: between "Dan" and "Frank"
    reviewer(fund, "Frank")
    reviewer(fund, "dan")
    order = [[c.reviewer.id for c in suggestions.suggest(fund, application).suggested] for _ in range(3)]
    names = [c.reviewer.name for c in suggestions.suggest(fund, application).suggested]
    assert order[0] == order[1] == order[2]
    assert names == ["dan", "Émile", "Frank", "Same Name", "Same Name"]
    assert order[0][3:] == sorted([first.id, second.id])


def test_each_conflict_leaves_the_reviewer_out_with_its_reason(db, setting):
    fund, manager, founder, application = setting
    reviewer(fund, "Colleague", sectors=["agriculture"], email="Kofi@SHAMBA.co.ke")
    recused_before = reviewer(fund, "Recused before", sectors=["agriculture"])
    rival = reviewer(fund, "Rival", sectors=["agriculture"])
    clear = reviewer(fund, "Clear", sectors=["agriculture"])
    # a conflict declared on the same company's application to another fund
    other_fund = FundFactory()
    GrantFactory(user=recused_before, fund=other_fund, role="reviewer")
    earlier = Application(fund_id=other_fund.id, company_id=application.company_id, founder_id=founder.id,
                          sector="agriculture", state="in_review")
    db.session.add(earlier)
    db.session.commit()
    review.assign(manager, other_fund, earlier, recused_before.id, None)
    review.declare(recused_before, other_fund, earlier, conflict=True, reason="I advised them")
    # a company of its own applying to the same fund (a draft, or another fund, says nothing)
    applying(db, fund, rival, name="Rival Farms", state="screening")
    applying(db, fund, clear, name="Clear's draft", state="draft")
    applying(db, other_fund, clear, name="Clear's elsewhere", state="in_review")
    db.session.commit()

    found = suggestions.suggest(fund, application)

    assert [c.reviewer.name for c in found.suggested] == ["Clear"]
    assert [(c.reviewer.name, c.conflicts) for c in found.left_out] == [
        ("Colleague", ("Same email domain as the founder: shamba.co.ke",)),
        ("Recused before", ("Declared a conflict on another application of this company",)),
        ("Rival", ("Owns another company applying to this fund: Rival Farms",)),
    ]


def test_the_founder_and_the_owner_of_the_company_are_left_out(db, setting):
    fund, _manager, founder, _application = setting
    owner = reviewer(fund, "Owner")
    staff_founder = reviewer(fund, "Staff founder")
    owned = applying(db, fund, owner, name="Owned", founder=founder)
    founded = applying(db, fund, staff_founder, name="Founded")
    left_out = {c.reviewer.name: c.conflicts for c in suggestions.suggest(fund, owned).left_out}
    assert left_out == {"Owner": ("Owns the applying company",),
                        "Staff founder": ("Owns another company applying to this fund: Founded",)}
    left_out = {c.reviewer.name: c.conflicts for c in suggestions.suggest(fund, founded).left_out}
    assert left_out == {"Staff founder": ("Founder of this application",),
                        "Owner": ("Owns another company applying to this fund: Owned",)}


@pytest.mark.parametrize("domain", ["gmail.com", "Outlook.com", "orange.fr", "proton.me", "example.org",
                                    "fundapp.example"])
def test_a_public_mail_domain_is_no_conflict(db, setting, domain):
    fund, _manager, founder, application = setting
    founder.email = f"amina@{domain.lower()}"
    reviewer(fund, "Kofi", email=f"kofi@{domain}")
    db.session.commit()
    found = suggestions.suggest(fund, application)
    assert [c.reviewer.name for c in found.suggested] == ["Kofi"] and found.left_out == []


def test_assigning_a_reviewer_in_conflict_is_refused_and_saves_nothing(db, setting):
    fund, manager, _founder, application = setting
    colleague = reviewer(fund, "Colleague", email="kofi@shamba.co.ke")
    db.session.commit()
    with pytest.raises(Refused) as refusal:
        review.assign(manager, fund, application, colleague.id, None)
    assert refusal.value.fields == {"reviewer_id": "Colleague has a conflict with this application: Same email "
                                                   "domain as the founder: shamba.co.ke."}
    db.session.rollback()
    assert db.session.scalar(select(func.count(Assignment.id))) == 0
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_assigned_reviewers_are_not_suggested_again(db, setting):
    fund, manager, _founder, application = setting
    assigned = reviewer(fund, "Assigned", sectors=["agriculture"])
    turned = reviewer(fund, "Turned", sectors=["agriculture"])
    waiting = reviewer(fund, "Waiting")
    for person in (assigned, turned):
        review.assign(manager, fund, application, person.id, None)
    turned.email = "turned@shamba.co.ke"         # a conflict shown since it was assigned
    db.session.commit()

    found = suggestions.suggest(fund, application)

    assert [c.reviewer for c in found.suggested] == [waiting]
    assert [(c.reviewer, c.assigned) for c in found.assigned] == [(assigned, True)]
    assert [(c.reviewer, c.assigned) for c in found.left_out] == [(turned, True)]


def test_a_fund_without_reviewers_suggests_nobody(db, setting):
    fund, _manager, _founder, application = setting
    assert suggestions.suggest(fund, application) == ([], [], [])
    reviewer(fund, "Gone", sectors=["agriculture"], active=False)       # cannot sign in to review
    assert suggestions.suggest(fund, application) == ([], [], [])
