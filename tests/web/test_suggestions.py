"""Reviewer suggestions on the application's page and in the API, and the expertise reviewers declare on
their account and through the API (SPEC 14)."""
import re

import pytest
from sqlalchemy import func, select

from fundapp.applications import review
from fundapp.applications.models import Application, Assignment, Review
from fundapp.audit.models import AuditEntry
from fundapp.auth.models import User
from fundapp.portfolio.models import Company
from tests.conftest import sign_in
from tests.factories import FounderFactory, FundFactory, api_token_for, staff_with_role


@pytest.fixture
def shamba(db):
    """A fund, its manager, an application on irrigation by a founder at shamba.co.ke, and three reviewers:
    one who knows the sector, one who knows nothing declared, one at the founder's domain."""
    fund = FundFactory(sectors=["agriculture", "health"])
    manager = staff_with_role("manager", fund)
    founder = FounderFactory(email="amina@shamba.co.ke")
    company = Company(name="Shamba", country="KE", sector="agriculture", owner_id=founder.id)
    db.session.add(company)
    db.session.flush()
    application = Application(fund_id=fund.id, company_id=company.id, founder_id=founder.id, sector="agriculture",
                              state="in_review", pitch="Solar irrigation for smallholders")
    db.session.add(application)
    expert = staff_with_role("reviewer", fund, name="Wanjiku Expert", expertise_sectors=["agriculture"],
                             expertise_keywords="irrigation, blockchain")
    plain = staff_with_role("reviewer", fund, name="Otieno Plain")
    colleague = staff_with_role("reviewer", fund, name="Kofi Colleague", email="kofi@shamba.co.ke")
    db.session.commit()
    return fund, manager, application, expert, plain, colleague


def page_of(fund, application, **query) -> str:
    suffix = "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
    return f"/funds/{fund.id}/applications/{application.id}{suffix}"


def options(html: str) -> list[tuple[str, str, bool]]:
    """The assign form's reviewer options: (value, label, selected)."""
    select_ = html.split('name="reviewer_id"')[1].split("</select>")[0]
    return [(re.search(r'value="(\d*)"', attributes).group(1), label.strip(), "selected" in attributes)
            for attributes, label in re.findall(r"<option([^>]*)>([^<]*)</option>", select_)]


def test_the_page_ranks_the_suggestions_and_leaves_out_the_conflicts(client, db, shamba):
    fund, manager, application, expert, plain, colleague = shamba
    sign_in(client, manager)
    html = client.get(page_of(fund, application)).get_data(as_text=True)
    suggested = html.split("Suggested reviewers")[1].split("Left out")[0]
    assert suggested.index("Wanjiku Expert") < suggested.index("Otieno Plain")
    assert "Declared sector: Agriculture and food" in suggested and "Keywords: irrigation" in suggested
    assert "Declares: Agriculture and food · irrigation, blockchain" in suggested
    assert "No open review" in suggested and "Kofi" not in suggested
    left_out = html.split("Left out")[1].split("</ul>")[0]
    assert "Kofi Colleague" in left_out and "Same email domain as the founder: shamba.co.ke" in left_out
    # the form offers the suggested reviewers as ranked, none chosen, the one in conflict never
    assert options(html) == [("", "Choose…", True), (str(expert.id), "Wanjiku Expert", False),
                             (str(plain.id), "Otieno Plain", False)]


def test_a_pick_fills_the_form_and_the_assigned_reviewer_is_not_suggested_again(client, db, shamba):
    fund, manager, application, expert, plain, _colleague = shamba
    sign_in(client, manager)
    html = client.get(page_of(fund, application)).get_data(as_text=True)
    pick = f'href="/funds/{fund.id}/applications/{application.id}?reviewer={plain.id}#assign-form"'
    assert pick in html and 'id="assign-form"' in html
    picked = client.get(page_of(fund, application, reviewer=plain.id)).get_data(as_text=True)
    assert (str(plain.id), "Otieno Plain", True) in options(picked)
    assert [selected for _value, _label, selected in options(picked)].count(True) == 1
    response = client.post(f"/funds/{fund.id}/applications/{application.id}/assignments",
                           data={"reviewer_id": plain.id, "due_date": "2031-01-31"})
    assert response.status_code == 302
    assert db.session.scalar(select(Assignment.reviewer_id).where(Assignment.application_id == application.id)) \
        == plain.id
    html = client.get(page_of(fund, application)).get_data(as_text=True)
    assert "Otieno Plain" not in html.split("Suggested reviewers")[1].split("</table>")[0]
    assert (str(plain.id), "Otieno Plain (assigned)", False) in options(html)


def test_assigning_a_reviewer_in_conflict_from_the_page_is_refused(client, db, shamba):
    fund, manager, application, _expert, _plain, colleague = shamba
    sign_in(client, manager)
    response = client.post(f"/funds/{fund.id}/applications/{application.id}/assignments",
                           data={"reviewer_id": colleague.id})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Kofi Colleague has a conflict with this application: Same email domain as the founder" in html
    unchosen = client.post(f"/funds/{fund.id}/applications/{application.id}/assignments", data={"reviewer_id": ""})
    assert unchosen.status_code == 422 and "Choose a reviewer." in unchosen.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Assignment.id))) == 0


def test_the_api_gives_the_suggestions_to_the_funds_managers_only(client, db, shamba):
    fund, manager, application, expert, plain, colleague = shamba
    review.assign(manager, fund, application, plain.id, None)
    db.session.commit()
    path = f"/api/v1/applications/{application.id}/reviewer-suggestions"
    answer = client.get(path, headers={"Authorization": f"Bearer {api_token_for(manager)}"})
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["application_id"] == application.id and body["rule"].startswith("Points: 10")
    assert body["suggested"] == [{
        "reviewer_id": expert.id, "name": "Wanjiku Expert", "score": 15, "sector_declared": True,
        "matched_keywords": ["irrigation"], "past_reviews": 0, "open_reviews": 0,
        "declared_sectors": ["agriculture"], "declared_keywords": ["irrigation", "blockchain"],
        "reasons": ["Declared sector: Agriculture and food", "Keywords: irrigation", "No open review"],
        "conflicts": []}]
    assert [(c["reviewer_id"], c["open_reviews"]) for c in body["assigned"]] == [(plain.id, 1)]
    assert [(c["reviewer_id"], c["conflicts"]) for c in body["left_out"]] == [
        (colleague.id, ["Same email domain as the founder: shamba.co.ke"])]
    assert answer.headers["Cache-Control"] == "no-store"
    other_manager = staff_with_role("manager", FundFactory())
    assert client.get(path, headers={"Authorization": f"Bearer {api_token_for(other_manager)}"}).status_code == 404
    assert client.get(path, headers={"Authorization": f"Bearer {api_token_for(plain)}"}).status_code == 403
    assert client.get(path, headers={"Authorization": f"Bearer {api_token_for(expert)}"}).status_code == 404


def test_the_page_does_not_grow_with_the_reviewers_and_their_reviews(client, db, shamba, count_queries):
    fund, manager, application, expert, _plain, _colleague = shamba
    sign_in(client, manager)
    path = page_of(fund, application)

    def queries() -> int:
        client.get(path)
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        return counter.count

    few = queries()
    founder = FounderFactory()
    for index in range(8):
        person = staff_with_role("reviewer", fund, expertise_sectors=["agriculture", "health"],
                                 expertise_keywords="solar, irrigation")
        company = Company(name=f"Farm {index}", country="KE", sector="agriculture", owner_id=founder.id)
        db.session.add(company)
        db.session.flush()
        other = Application(fund_id=fund.id, company_id=company.id, founder_id=founder.id, sector="agriculture",
                            state="in_review")
        db.session.add(other)
        db.session.flush()
        db.session.add_all([Assignment(application_id=other.id, reviewer_id=person.id, conflict=False),
                            Assignment(application_id=other.id, reviewer_id=expert.id, conflict=False),
                            Review(application_id=other.id, reviewer_id=person.id, fund_id=fund.id, scores={},
                                   recommendation="maybe")])
    db.session.commit()
    assert queries() == few


# --- expertise -------------------------------------------------------------------------------------

def saved(db, user) -> tuple:
    db.session.expire_all()
    person = db.session.get(User, user.id)
    return person.expertise_sectors, person.expertise_keywords


def test_a_reviewer_declares_its_expertise_on_its_account(client, db, shamba):
    fund, _manager, _application, _expert, plain, _colleague = shamba
    sign_in(client, plain)
    page = client.get("/account/expertise")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'href="/account/expertise"' in html
    assert 'type="checkbox"' in html and 'value="agriculture"' in html and "checked" not in html
    response = client.post("/account/expertise", data={
        "sectors": ["health", "agriculture"], "keywords": " irrigation,Drought ,, IRRIGATION , mobile   money"})
    assert response.status_code == 302
    assert saved(db, plain) == (["agriculture", "health"], "irrigation, Drought, mobile money")
    html = client.get("/account/expertise").get_data(as_text=True)
    assert html.count("checked") == 2 and 'value="irrigation, Drought, mobile money"' in html
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.object_id == plain.id,
                                                             AuditEntry.object_type == "User")) \
        == "user.expertise_change"
    client.post("/account/expertise", data={"keywords": ""})              # nothing ticked, nothing typed
    assert saved(db, plain) == (None, "")


@pytest.mark.parametrize(("data", "message"), [
    ({"keywords": ", ".join(f"word{n}" for n in range(21))}, "Give at most 20 keywords."),
    ({"keywords": "irrigation, " + "x" * 41}, "Keep each keyword to 40 characters"),
    ({"keywords": "ab, " * 76}, "Keep your keywords to 300 characters in all."),
    ({"keywords": "irrigation\x0b"}, "Remove the invisible control character"),
    ({"keywords": "irrigation\u202e"}, "Remove the invisible control character"),
    ({"sectors": ["agriculture", "mining"], "keywords": "irrigation"}, "is not a valid choice"),
])
def test_the_expertise_page_refuses_what_is_out_of_bounds_and_saves_nothing(client, db, shamba, data, message):
    _fund, _manager, _application, expert, _plain, _colleague = shamba
    sign_in(client, expert)
    response = client.post("/account/expertise", data=data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert saved(db, expert) == (["agriculture"], "irrigation, blockchain")


def test_a_founder_declares_no_expertise(client, db, shamba, login_as):
    login_as("founder")
    assert client.get("/account/expertise").status_code == 404
    assert 'href="/account/expertise"' not in client.get("/account/reminders").get_data(as_text=True)


def test_the_api_reads_and_replaces_ones_expertise(client, db, shamba):
    _fund, _manager, _application, expert, _plain, _colleague = shamba
    headers = {"Authorization": f"Bearer {api_token_for(expert)}"}
    path = "/api/v1/users/me/expertise"
    assert client.get(path, headers=headers).get_json() == {"sectors": ["agriculture"],
                                                            "keywords": ["irrigation", "blockchain"]}
    answer = client.put(path, headers=headers, json={"sectors": ["health"], "keywords": ["Drought", "drought"]})
    assert answer.status_code == 200 and answer.get_json() == {"sectors": ["health"], "keywords": ["Drought"]}
    assert saved(db, expert) == (["health"], "Drought")
    for body, field in (({"sectors": ["mining"], "keywords": []}, "sectors"),
                        ({"sectors": [], "keywords": [f"w{n}" for n in range(21)]}, "keywords"),
                        ({"sectors": [], "keywords": ["y" * 41]}, "keywords"),
                        ({"sectors": [], "keywords": ["drip\x00"]}, "keywords"),
                        ({"sectors": []}, "keywords")):
        refused = client.put(path, headers=headers, json=body)
        assert refused.status_code == 422 and field in refused.get_json()["error"]["fields"], body
    assert saved(db, expert) == (["health"], "Drought")
    founder = FounderFactory()
    assert client.get(path, headers={"Authorization": f"Bearer {api_token_for(founder)}"}).status_code == 404
