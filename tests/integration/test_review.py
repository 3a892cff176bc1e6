"""Rubric, assignments, conflicts, reviews and stored scores, on the real database."""
import pytest
from sqlalchemy import select

from fundapp.applications import review
from fundapp.applications.models import Application, FundMessage
from fundapp.errors import Refused
from fundapp.notifications.models import OutboxMessage
from fundapp.portfolio.models import Company
from tests.factories import FounderFactory, FundFactory, committee_votes, staff_with_role


@pytest.fixture
def setting(db):
    fund = FundFactory()
    manager = staff_with_role("manager", fund)
    reviewers = [staff_with_role("reviewer", fund) for _ in range(2)]
    founder = FounderFactory()
    applications = []
    for index in range(3):
        company = Company(name=f"Company {index}", country="KE", sector="fintech", owner_id=founder.id)
        db.session.add(company)
        db.session.flush()
        application = Application(fund_id=fund.id, company_id=company.id, founder_id=founder.id, state="in_review")
        db.session.add(application)
        applications.append(application)
    team = review.add_criterion(manager, fund, "Team", "Can they do it?", "2", 1, 5, minimum="3", allow_na=False)
    impact = review.add_criterion(manager, fund, "Impact", "Jobs created", "1", 0, 10)
    db.session.commit()
    return fund, manager, reviewers, applications, team, impact


def test_rubric_refuses_bad_criteria(db, setting):
    fund, manager, *_ = setting
    for args, field in ((("", "", "1", 1, 5), "name"), (("X", "", "0", 1, 5), "weight"),
                        (("X", "", "1", 5, 5), "scale_max"), (("X", "", "1", 1, 5, "7"), "minimum"),
                        (("X", "", "heavy", 1, 5), "weight")):
        with pytest.raises(Refused) as refusal:
            review.add_criterion(manager, fund, *args)
        assert field in refusal.value.fields


def test_reviews_need_an_assignment_and_a_declaration(db, setting):
    fund, manager, (first, second), (app, *_), team, impact = setting
    with pytest.raises(Refused) as unassigned:
        review.save_review(first, fund, app, {team.id: 4, impact.id: 5}, "invest", "")
    assert unassigned.value.status == 404
    review.assign(manager, fund, app, first.id, None)
    with pytest.raises(Refused, match="no conflict"):
        review.save_review(first, fund, app, {team.id: 4, impact.id: 5}, "invest", "")
    review.declare(first, fund, app, conflict=False)
    with pytest.raises(Refused) as out_of_scale:
        review.save_review(first, fund, app, {team.id: 6, impact.id: 5}, "invest", "")
    assert str(team.id) in out_of_scale.value.fields
    with pytest.raises(Refused) as not_na:
        review.save_review(first, fund, app, {team.id: None, impact.id: 5}, "invest", "")
    assert str(team.id) in not_na.value.fields
    saved = review.save_review(first, fund, app, {team.id: 5, impact.id: None}, "invest", "Strong team")
    assert saved.score == 100.0   # impact n/a is left out, team at the top of its scale


def test_a_conflict_recuses_and_tells_the_managers(db, setting):
    fund, manager, (first, _second), (app, *_), team, impact = setting
    review.assign(manager, fund, app, first.id, None)
    review.declare(first, fund, app, conflict=True, reason="I hold shares in it")
    db.session.commit()
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == manager.email))
    with pytest.raises(Refused):
        review.save_review(first, fund, app, {team.id: 4, impact.id: 5}, "invest", "")
    with pytest.raises(Refused, match="already declared"):
        review.declare(first, fund, app, conflict=False)


def test_stored_scores_follow_every_review(db, setting):
    fund, manager, (first, second), (app1, app2, app3), team, impact = setting
    for reviewer in (first, second):
        for app in (app1, app2):
            review.assign(manager, fund, app, reviewer.id, None)
            review.declare(reviewer, fund, app, conflict=False)
    review.save_review(first, fund, app1, {team.id: 5, impact.id: 10}, "invest", "")   # 100
    review.save_review(second, fund, app1, {team.id: 2, impact.id: 4}, "decline", "")  # (2*.25 + .4)/3 = 30
    review.save_review(first, fund, app2, {team.id: 3, impact.id: 5}, "maybe", "")     # (2*.5 + .5)/3 = 50
    db.session.commit()
    db.session.refresh(app1)
    db.session.refresh(app2)
    assert app1.score == pytest.approx(65) and app1.disagreement == pytest.approx(35) and app1.disagreement_flag
    assert app1.review_count == 2 and app1.failing_criteria == []        # team median 3.5
    assert app2.score == pytest.approx(50) and not app2.disagreement_flag
    fund_mean = (100 + 30 + 50) / 3
    assert app1.normalized_score is not None and app2.normalized_score < fund_mean
    review.save_review(second, fund, app2, {team.id: 1, impact.id: 0}, "decline", "")  # team median 2 < 3
    db.session.commit()
    db.session.refresh(app2)
    assert app2.failing_criteria == [team.id]


def test_decisions_follow_the_workflow_and_tell_the_founder(db, setting):
    fund, manager, _reviewers, (app, *_), *_ = setting
    with pytest.raises(Refused) as skipped:
        review.decide(manager, fund, app, "approved", "Great")
    assert skipped.value.status == 409
    with pytest.raises(Refused, match="reason"):
        review.decide(manager, fund, app, "due_diligence", "  ")
    for step in ("due_diligence", "committee"):
        review.decide(manager, fund, app, step, f"Step to {step}")
    with pytest.raises(Refused, match="quorum"):
        review.decide(manager, fund, app, "approved", "Weak CTO, strong market", "Welcome to the portfolio.")
    committee_votes(fund, app, "approve")
    with pytest.raises(Refused, match="message"):
        review.decide(manager, fund, app, "approved", "Weak CTO, strong market")
    review.decide(manager, fund, app, "approved", "Weak CTO, strong market", "Welcome to the portfolio.")
    db.session.commit()
    message = db.session.scalar(select(FundMessage).where(FundMessage.application_id == app.id))
    assert message.subject == "Your application is approved" and "Welcome to the portfolio." in message.body
    assert "Weak CTO" not in message.body


def test_a_score_out_of_its_scale_is_named_as_such(db, setting):
    fund, manager, (first, *_), (app, *_), *_ = setting
    team = review.rubric(fund)[0]
    review.assign(manager, fund, app, first.id, None)
    review.declare(first, fund, app, conflict=False)
    with pytest.raises(Refused) as refused:
        review.save_review(first, fund, app, {c.id: 9 for c in review.rubric(fund)}, "invest", "")
    assert f"Score {team.name} from" in refused.value.fields[str(team.id)]
    assert "scores" not in refused.value.fields           # not an unknown criterion
