"""A manager types a word a founder wrote, finds the application, sees that the same company applied again
under another name, and assigns a reviewer from the ranked suggestions, a conflicted one left out."""
from datetime import date, timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from fundapp.applications.models import Application, Assignment
from fundapp.portfolio.models import Company
from tests.browser.axe import assert_no_violations
from tests.factories import FounderFactory, FundFactory, staff_with_role

PROBLEM = ("Les petits agriculteurs de Thiès perdent un tiers de leur récolte faute de chambre froide, "
           "et vendent au prix que fixe l'intermédiaire.")


def test_a_manager_finds_an_application_sees_its_twin_and_assigns_a_suggested_reviewer(db, visitor):
    fund = FundFactory(name="Fonds national du Sénégal", currency="XOF", sectors=["agriculture", "health"])
    staff_with_role("manager", fund, email="manager@example.org")
    awa = staff_with_role("reviewer", fund, name="Awa Expert", email="awa@reviewers.sn",
                    expertise_sectors=["agriculture"], expertise_keywords="chambre froide")
    staff_with_role("reviewer", fund, name="Binta Generalist", email="binta@reviewers.sn")
    staff_with_role("reviewer", fund, name="Cheikh Colleague", email="cheikh@froid.sn")
    founders = [FounderFactory(email="fatou@froid.sn"), FounderFactory(email="moussa@autre.sn")]
    for index, (name, number, state) in enumerate((("Froid Solaire", "SN-DKR-2024-B-118", "in_review"),
                                                   ("FROID SOLAIRE SARL", "sn dkr 2024 b 118", "submitted"))):
        company = Company(name=name, country="SN", sector="agriculture", region="Thiès",
                          owner_id=founders[index].id, registration_number=number)
        db.session.add(company)
        db.session.flush()
        db.session.add(Application(fund_id=fund.id, company_id=company.id, founder_id=founders[index].id,
                                   sector="agriculture", state=state, pitch="Chambres froides solaires",
                                   problem=PROBLEM if index == 0 else "Autre texte."))
    other = Company(name="Clinique Mobile", country="SN", sector="health", region="Dakar", owner_id=founders[1].id)
    db.session.add(other)
    db.session.flush()
    db.session.add(Application(fund_id=fund.id, company_id=other.id, founder_id=founders[1].id,
                               sector="health", state="in_review", pitch="Une clinique mobile"))
    db.session.commit()

    manager = visitor()
    manager.sign_in("manager@example.org")
    page = manager.page
    page.goto(f"/funds/{fund.id}/applications")
    page.get_by_label("Search").fill("AGRICULTEUR thies")           # the founder wrote "agriculteurs de Thiès"
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("1 application", exact=True)).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Froid Solaire")
    expect(row.locator("mark").first).to_have_text("agriculteurs")
    expect(row.get_by_role("link", name="Possible duplicate")).to_be_visible()
    assert_no_violations(manager, "queue searched")

    row.get_by_role("link", name="Possible duplicate").click()
    twins = page.locator("#duplicates")
    expect(twins).to_contain_text("FROID SOLAIRE SARL")
    expect(twins).to_contain_text("The same registration number")
    suggested = page.get_by_role("table", name="Suggested reviewers")
    first = suggested.get_by_role("row").nth(1)
    expect(first).to_contain_text("Awa Expert")
    expect(first).to_contain_text("Declared sector")
    expect(page.get_by_text("Same email domain as the founder: froid.sn")).to_be_visible()
    expect(page.locator("#reviewer_id option", has_text="Cheikh Colleague")).to_have_count(0)
    assert_no_violations(manager, "application with duplicates and suggestions")

    first.get_by_role("link", name="Pick Awa Expert").click()
    expect(page.get_by_label("Reviewer", exact=True)).to_have_value(str(awa.id))
    page.get_by_label("Review due by").fill((date.today() + timedelta(days=10)).isoformat())
    page.locator("#assign-form").get_by_role("button", name="Assign").click()
    expect(page.get_by_text("Awa Expert").first).to_be_visible()
    db.session.expire_all()
    assert db.session.execute(select(Assignment.reviewer_id, Application.pitch).join(
        Application, Application.id == Assignment.application_id)).all() == [(awa.id, "Chambres froides solaires")]
