"""Review in the browser's terms: rubric, queue, assignment, declaration, scoring, steps."""
import io
import re

import pandas as pd
import pytest
from sqlalchemy import func, select

from fundapp.applications import review
from fundapp.applications.models import Application, Review
from fundapp.portfolio.models import Company
from tests.background import exported_queue
from tests.conftest import sign_in
from tests.factories import FounderFactory, FundFactory, committee_votes, staff_with_role


@pytest.fixture
def pipeline(db):
    fund = FundFactory(currency="KES")
    manager = staff_with_role("manager", fund)
    reviewers = [staff_with_role("reviewer", fund, name=f"Reviewer {n}") for n in (1, 2)]
    founder = FounderFactory(name="Wanjiru Kamau", email="wanjiru@example.ke")
    apps = []
    for index, (name, sector, amount) in enumerate([("Shamba", "agriculture", 1_000_000_00),
                                                    ("Afya", "health", 5_000_000_00),
                                                    ("=cmd|' /C calc'!A0", "fintech", 2_000_000_00)]):
        company = Company(name=name, country="KE", sector=sector, region="Nairobi", owner_id=founder.id)
        db.session.add(company)
        db.session.flush()
        application = Application(fund_id=fund.id, company_id=company.id, founder_id=founder.id,
                                  state="in_review", requested_amount=amount, pitch=f"Pitch {index}")
        db.session.add(application)
        apps.append(application)
    team = review.add_criterion(manager, fund, "Team", "", "1", 1, 5)
    db.session.commit()
    return fund, manager, reviewers, apps, team


def test_queue_filters_sorts_and_exports(client, db, pipeline):
    fund, manager, (first, _second), (shamba, afya, odd), team = pipeline
    for application, value in ((shamba, 5), (afya, 2)):
        review.assign(manager, fund, application, first.id, None)
        review.declare(first, fund, application, conflict=False)
        review.save_review(first, fund, application, {team.id: value}, "invest", "")
    db.session.commit()
    sign_in(client, manager)
    page = client.get(f"/funds/{fund.id}/applications?sort=normalized").data.decode()
    assert page.index("Shamba") < page.index("Afya")
    health = client.get(f"/funds/{fund.id}/applications?sector=health").data.decode()
    assert "Afya" in health and "Shamba" not in health
    rich = client.get(f"/funds/{fund.id}/applications?min_amount=3000000").data.decode()
    assert "Afya" in rich and "Shamba" not in rich
    unreviewed = client.get(f"/funds/{fund.id}/applications?flag=unreviewed").data.decode()
    assert "calc" in unreviewed and "Afya" not in unreviewed
    export = exported_queue(client, fund, "xlsx")
    assert export.headers["Content-Disposition"] == f"attachment; filename=applications-fund-{fund.id}.xlsx"
    frame = pd.read_excel(io.BytesIO(export.data), engine="openpyxl")
    assert len(frame) == 3
    health = pd.read_csv(io.BytesIO(exported_queue(client, fund, "csv", sector="health").data))
    assert list(health["company"]) == ["Afya"]
    import openpyxl
    odd_cell = next(cell for row in openpyxl.load_workbook(io.BytesIO(export.data)).active.iter_rows()
                    for cell in row if cell.value == "=cmd|' /C calc'!A0")
    assert odd_cell.data_type == "s"            # text as written, never a formula


def test_reviewer_declares_scores_and_sees_others_only_after(app, client, db, pipeline):
    fund, manager, (first, second), (shamba, *_), team = pipeline
    for reviewer in (first, second):
        review.assign(manager, fund, shamba, reviewer.id, None)
    review.declare(second, fund, shamba, conflict=False)
    review.save_review(second, fund, shamba, {team.id: 1}, "decline", "Second's secret view")
    db.session.commit()
    sign_in(client, first)
    before = client.get(f"/funds/{fund.id}/applications/{shamba.id}").data.decode()
    assert "conflict of interest" in before and "Pitch 0" not in before
    assert client.get(f"/funds/{fund.id}/applications/{shamba.id}/deck").status_code == 404
    client.post(f"/funds/{fund.id}/applications/{shamba.id}/declaration", data={"conflict": "no"})
    sealed = client.get(f"/funds/{fund.id}/applications/{shamba.id}").data.decode()
    assert "Pitch 0" in sealed and "secret view" not in sealed
    bad = client.post(f"/funds/{fund.id}/applications/{shamba.id}/review",
                      data={f"score-{team.id}": "9", "recommendation": "invest"})
    assert bad.status_code == 422
    client.post(f"/funds/{fund.id}/applications/{shamba.id}/review",
                data={f"score-{team.id}": "5", "recommendation": "invest", "comment": "Great team"})
    opened = client.get(f"/funds/{fund.id}/applications/{shamba.id}").data.decode()
    assert "secret view" in opened
    assert len(db.session.scalars(select(Review)).all()) == 2


def test_blind_first_pass_hides_the_founder_and_company(client, db, pipeline):
    fund, manager, (first, _), (shamba, *_), _team = pipeline
    fund.blind_review = True
    review.assign(manager, fund, shamba, first.id, None)
    review.declare(first, fund, shamba, conflict=False)
    db.session.commit()
    sign_in(client, first)
    for path in (f"/funds/{fund.id}/reviews", f"/funds/{fund.id}/applications/{shamba.id}"):
        page = client.get(path).data.decode()
        assert "Shamba" not in page and "Wanjiru" not in page and "wanjiru@example.ke" not in page


def test_a_step_taken_meanwhile_answers_409(client, db, pipeline):
    fund, manager, _reviewers, (shamba, *_), _team = pipeline
    sign_in(client, manager)
    stale = shamba.version
    ok = client.post(f"/funds/{fund.id}/applications/{shamba.id}/transitions",
                     data={"to": "due_diligence", "reason": "Strong scores", "version": stale})
    assert ok.status_code == 302
    late = client.post(f"/funds/{fund.id}/applications/{shamba.id}/transitions",
                       data={"to": "declined", "reason": "Too late", "version": stale})
    assert late.status_code == 409
    db.session.refresh(shamba)
    assert shamba.state == "due_diligence"
    skipped = client.post(f"/funds/{fund.id}/applications/{shamba.id}/transitions",
                          data={"to": "approved", "reason": "Skip", "version": shamba.version})
    assert skipped.status_code == 422


def test_an_approved_application_becomes_invested_with_its_investment(client, db, pipeline):
    from datetime import date

    from fundapp.ledger import capital
    from tests.factories import PartnerFactory
    fund, manager, _reviewers, (shamba, *_), _team = pipeline
    partner = PartnerFactory(fund=fund, commitment=10_000_000_00)
    call = capital.record_call(manager, fund, date(2024, 1, 10), date(2024, 2, 10), "5000000", "investment")
    capital.record_payment(manager, fund, call, partner.id, date(2024, 2, 1), "5000000")
    for step in ("due_diligence", "committee"):
        review.decide(manager, fund, shamba, step, "Good")
    committee_votes(fund, shamba, "approve")
    review.decide(manager, fund, shamba, "approved", "Good", "Approved: we will be in touch.")
    db.session.commit()
    sign_in(client, manager)
    page = client.get(f"/funds/{fund.id}/applications/{shamba.id}").data.decode()
    assert f"from_application={shamba.id}" in page
    form = client.get(f"/funds/{fund.id}/portfolio/?from_application={shamba.id}").data.decode()
    assert 'value="1000000.00"' in form and f'value="{shamba.id}"' in form
    response = client.post(f"/funds/{fund.id}/portfolio/investments", data={
        "investment-company_id": shamba.company_id, "investment-date": "2024-03-01",
        "investment-amount": "1000000.00", "investment-instrument": "equity", "investment-ownership": "0.1",
        "investment-application_id": shamba.id})
    assert response.status_code == 302
    db.session.refresh(shamba)
    assert shamba.state == "invested"


def test_bulk_assignment_from_the_queue(client, db, pipeline):
    from fundapp.applications.models import Assignment
    fund, manager, (first, _second), (shamba, afya, _odd), _team = pipeline
    sign_in(client, manager)
    response = client.post(f"/funds/{fund.id}/applications/assignments", data={
        "reviewer_id": first.id, "due_date": "2030-01-31", "application_ids": [shamba.id, afya.id]})
    assert response.status_code == 302
    assigned = db.session.scalars(select(Assignment).where(Assignment.reviewer_id == first.id)).all()
    assert sorted(a.application_id for a in assigned) == sorted([shamba.id, afya.id])
    assert all(str(a.due_date) == "2030-01-31" for a in assigned)


def test_a_conflicted_reviewer_sees_nothing_of_the_application(client, db, pipeline):
    from tests.factories import api_token_for
    fund, manager, (first, _second), (shamba, *_), _team = pipeline
    review.assign(manager, fund, shamba, first.id, None)
    review.declare(first, fund, shamba, conflict=True, reason="I advise the company")
    db.session.commit()
    sign_in(client, first)
    page = client.get(f"/funds/{fund.id}/applications/{shamba.id}").data.decode()
    assert "recused" in page and "Pitch 0" not in page
    assert client.get(f"/funds/{fund.id}/applications/{shamba.id}/deck").status_code == 404
    token = {"Authorization": f"Bearer {api_token_for(first)}"}
    assert client.get(f"/api/v1/applications/{shamba.id}", headers=token).status_code == 404
    refused = client.post(f"/funds/{fund.id}/applications/{shamba.id}/review", data={"recommendation": "invest"})
    assert refused.status_code == 409


def test_editing_a_criterion_moves_every_stored_score(client, db, pipeline):
    fund, manager, (first, second), (shamba, afya, _odd), team = pipeline
    impact = review.add_criterion(manager, fund, "Impact", "", "1", 1, 5)
    for application, values in ((shamba, (5, 1)), (afya, (1, 5))):
        review.assign(manager, fund, application, first.id, None)
        review.declare(first, fund, application, conflict=False)
        review.save_review(first, fund, application, {team.id: values[0], impact.id: values[1]}, "maybe", "")
    db.session.commit()
    db.session.refresh(shamba)
    assert shamba.score == pytest.approx(50)
    sign_in(client, manager)
    response = client.post(f"/funds/{fund.id}/rubric/{team.id}", data={
        "name": "Team", "weight": "3", "scale_min": "1", "scale_max": "5", "allow_na": "y"})
    assert response.status_code == 302
    db.session.refresh(shamba)
    assert shamba.score == pytest.approx(75)   # team now weighs 3 against 1: (3*1 + 0) / 4
    refused = client.post(f"/funds/{fund.id}/rubric/{team.id}", data={
        "name": "Team", "weight": "3", "scale_min": "1", "scale_max": "10"})
    assert refused.status_code == 200 and b"cannot change once reviews" in refused.data


def test_reviewer_workload_counts_assigned_reviewed_and_overdue(client, db, pipeline):
    from datetime import date, timedelta

    from fundapp.applications.models import Assignment
    from fundapp.errors import Refused
    fund, manager, (first, second), (shamba, afya, odd), team = pipeline
    past = date.today() - timedelta(days=3)
    with pytest.raises(Refused, match="from today on"):
        review.assign(manager, fund, shamba, first.id, past)
    for application in (shamba, afya, odd):
        review.assign(manager, fund, application, first.id, date.today())
    review.assign(manager, fund, shamba, second.id, None)
    db.session.flush()
    for assignment in db.session.scalars(select(Assignment).where(Assignment.reviewer_id == first.id)):
        assignment.due_date = past                              # three days have passed since
    review.declare(first, fund, shamba, conflict=False)
    review.save_review(first, fund, shamba, {team.id: 4}, "invest", "")
    review.declare(first, fund, afya, conflict=True, reason="My cousin")  # a conflict is never overdue
    db.session.commit()
    sign_in(client, manager)
    page = client.get(f"/funds/{fund.id}/reviewers").data.decode()
    rows = {name: page.split(name, 1)[1].split("</tr>", 1)[0] for name in ("Reviewer 1", "Reviewer 2")}
    # assigned, recused, reviewed, open (neither recused nor reviewed), overdue
    assert [int(n) for n in re.findall(r'class="num">(\d+)<', rows["Reviewer 1"])] == [3, 1, 1, 1, 1]
    assert [int(n) for n in re.findall(r'class="num">(\d+)<', rows["Reviewer 2"])] == [1, 0, 0, 1, 0]


def test_no_figure_of_the_others_reaches_a_reviewer_before_its_own_review(app, client, db, pipeline):
    """Sealed scores, in the page and the API: with one review in, the application's score is the
    other reviewer's; it is shown only once the reviewer has reviewed. Its founder never sees scores."""
    from tests.factories import api_token_for
    fund, manager, (first, second), (shamba, *_), team = pipeline
    for reviewer in (first, second):
        review.assign(manager, fund, shamba, reviewer.id, None)
        review.declare(reviewer, fund, shamba, conflict=False)
    review.save_review(second, fund, shamba, {team.id: 2}, "decline", "")
    db.session.commit()
    db.session.refresh(shamba)
    assert shamba.score == 25.0                       # the second reviewer's, alone
    sign_in(client, first)
    page = client.get(f"/funds/{fund.id}/applications/{shamba.id}").data.decode()
    assert "shown once you have submitted yours" in page and "Normalized score" not in page
    token = {"Authorization": f"Bearer {api_token_for(first)}"}
    answer = app.test_client().get(f"/api/v1/applications/{shamba.id}", headers=token).json
    assert (answer["score"], answer["normalized_score"], answer["disagreement"]) == (None, None, None)
    assert answer["failing_criteria"] == []
    client.post(f"/funds/{fund.id}/applications/{shamba.id}/review",
                data={f"score-{team.id}": "4", "recommendation": "invest", "comment": ""})
    page = client.get(f"/funds/{fund.id}/applications/{shamba.id}").data.decode()
    assert "Normalized score" in page
    assert app.test_client().get(f"/api/v1/applications/{shamba.id}", headers=token).json["score"] == 50.0
    founder = {"Authorization": f"Bearer {api_token_for(db.session.get(type(first), shamba.founder_id))}"}
    answer = app.test_client().get(f"/api/v1/applications/{shamba.id}", headers=founder).json
    assert answer["score"] is None and answer["normalized_score"] is None


def test_the_review_form_decides_nothing_and_keeps_what_was_typed(client, db, pipeline):
    fund, manager, (first, _second), (shamba, *_), team = pipeline
    market = review.add_criterion(manager, fund, "Market", "", "1", 1, 5, minimum="3", allow_na=True)
    review.assign(manager, fund, shamba, first.id, None)
    review.declare(first, fund, shamba, conflict=False)
    db.session.commit()
    sign_in(client, first)
    page = client.get(f"/funds/{fund.id}/applications/{shamba.id}").data.decode()
    form = page[page.index('id="score-heading"'):page.index("Save review")]
    assert " selected" not in form.replace('<option value="" selected>', "")
    assert form.count('<option value="" selected>') == 3          # two criteria and the recommendation
    assert "fails below 3" in form and "minimum" not in form
    # Team scored, Market left unanswered (not n/a): refused, nothing saved, the typed choices kept
    refused = client.post(f"/funds/{fund.id}/applications/{shamba.id}/review", data={
        f"score-{team.id}": "4", f"score-{market.id}": "", "recommendation": "maybe", "comment": "Good team"})
    again = refused.data.decode()
    assert refused.status_code == 422 and "Score Market, or answer n/a." in again
    assert db.session.scalar(select(func.count()).select_from(Review)) == 0
    assert '<option value="4" selected>' in again and '<option value="maybe" selected>' in again
    assert "Good team</textarea>" in again
    saved = client.post(f"/funds/{fund.id}/applications/{shamba.id}/review", data={
        f"score-{team.id}": "4", f"score-{market.id}": "na", "recommendation": "maybe", "comment": ""})
    assert saved.status_code == 302
    assert db.session.scalar(select(Review)).scores == {str(team.id): 4, str(market.id): None}


def test_a_conflict_says_why_and_managers_read_it(client, db, pipeline):
    from fundapp.applications.models import Assignment
    from fundapp.notifications.models import OutboxMessage
    from tests.factories import api_token_for
    fund, manager, (first, second), (shamba, afya, _odd), _team = pipeline
    review.assign(manager, fund, shamba, first.id, None)
    review.assign(manager, fund, afya, second.id, None)
    db.session.commit()
    sign_in(client, first)
    silent = client.post(f"/funds/{fund.id}/applications/{shamba.id}/declaration", data={"conflict": "yes"})
    assert silent.status_code == 422 and "Say why you have a conflict" in silent.data.decode()
    api = client.post(f"/api/v1/applications/{afya.id}/conflict", json={"conflict": True},
                      headers={"Authorization": f"Bearer {api_token_for(second)}"})
    assert api.status_code == 422 and "reason" in api.json["error"]["fields"]
    assert db.session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.conflict.is_not(None))) == 0
    said = client.post(f"/funds/{fund.id}/applications/{shamba.id}/declaration",
                       data={"conflict": "yes", "reason": "I sit on Shamba's board"})
    assert said.status_code == 302
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == manager.email))
    assert "I sit on Shamba's board" in mail.body
    sign_in(client, manager)
    page = client.get(f"/funds/{fund.id}/applications/{shamba.id}").data.decode()
    assert "recused" in page and "I sit on Shamba&#39;s board" in page


def test_a_reviewers_home_says_how_many_reviews_wait_and_when_they_are_due(client, db, pipeline):
    from datetime import date, timedelta
    fund, manager, (first, _second), (shamba, afya, odd), team = pipeline
    soon, later = date.today() + timedelta(days=3), date.today() + timedelta(days=9)
    for application, due in ((shamba, later), (afya, soon), (odd, later)):
        review.assign(manager, fund, application, first.id, due)
    review.declare(first, fund, shamba, conflict=False)
    review.save_review(first, fund, shamba, {team.id: 4}, "invest", "")            # done: not waiting
    review.declare(first, fund, odd, conflict=True, reason="A relative")            # recused: not waiting
    db.session.commit()
    sign_in(client, first)
    home = client.get("/").data.decode()
    assert "1 review waiting for you" in home and f"/funds/{fund.id}/reviews" in home
    assert "next due" in home


def test_a_reviewer_learns_who_founded_the_company_only_once_it_has_declared(client, db, pipeline):
    fund, manager, (first, _second), (shamba, *_), _team = pipeline
    review.assign(manager, fund, shamba, first.id, None)
    db.session.commit()
    sign_in(client, first)
    before = client.get(f"/funds/{fund.id}/applications/{shamba.id}").data.decode()
    assert "I have no conflict" in before
    assert "Wanjiru" not in before and "wanjiru@example.ke" not in before
    review.declare(first, fund, shamba, conflict=False)
    db.session.commit()
    after = client.get(f"/funds/{fund.id}/applications/{shamba.id}").data.decode()
    assert "Wanjiru Kamau" in after and "wanjiru@example.ke" in after
