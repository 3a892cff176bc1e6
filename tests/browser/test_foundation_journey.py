"""The admin sets up a fund and its manager; the manager sees only it; another fund's partner sees nothing."""
import re

from playwright.sync_api import expect

from tests.factories import AdminFactory, CountryFactory, FundFactory, staff_with_role

STRONG = "a sturdy passphrase 2026"


def test_admin_creates_fund_and_manager_who_sees_only_it(db, visitor):
    AdminFactory(email="admin@example.org")
    CountryFactory(code="SN", name="Senegal")
    other_fund = FundFactory(name="Jordan Innovation Fund", currency="JOD")
    outsider = staff_with_role("partner", other_fund, email="partner.jordan@example.org")
    assert outsider

    admin = visitor()
    admin.sign_in("admin@example.org")
    page = admin.page
    page.get_by_role("link", name="New fund").first.click()
    page.get_by_label("Name").fill("Fonds national d'amorçage du Sénégal")
    page.get_by_label("Country").select_option(label="Senegal (SN)")
    page.get_by_label("Currency").fill("XOF")
    page.get_by_label("Default language").select_option("fr")
    page.get_by_label("Vintage year").fill("2024")
    page.get_by_label("Target size").fill("30000000000")
    page.get_by_label("Minimum ticket").fill("15000000")
    page.get_by_label("Maximum ticket").fill("600000000")
    page.get_by_label("Sectors").select_option(["fintech", "agriculture"])
    page.get_by_label("Employee cap").fill("200")
    page.get_by_label("Match target (private per public unit)").fill("1.00")
    page.get_by_label("Open for applications").check()
    page.get_by_role("button", name="Save fund").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fonds national d'amorçage du Sénégal")
    fund_url = page.url
    admin.screenshot("admin-fund-created")

    page.get_by_role("link", name="Users").click()
    page.get_by_label("Name", exact=True).fill("Awa Diop")
    page.get_by_label("Email", exact=True).fill("awa@example.sn")
    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Invite").click()
    link = page.get_by_test_id("activation-link").inner_text()
    page.get_by_role("link", name="Awa Diop").click()
    page.get_by_label("Fund", exact=True).select_option(label="Fonds national d'amorçage du Sénégal")
    page.get_by_label("Role", exact=True).select_option("manager")
    page.get_by_role("button", name="Grant role").click()
    expect(page.get_by_role("cell", name="Fund manager")).to_be_visible()
    admin.screenshot("admin-user-granted")

    manager = visitor()
    manager.page.goto(link)
    manager.page.get_by_label("Mot de passe", exact=True).fill(STRONG)
    manager.page.get_by_label("Répétez le mot de passe").fill(STRONG)
    manager.page.get_by_role("button", name="Activer mon compte").click()
    # a fund manager sets up its second factor before anything else
    expect(manager.page.get_by_text("configurez un second facteur")).to_be_visible()
    manager.set_up_authenticator("awa@example.sn")
    expect(manager.page.get_by_role("heading", level=1)).to_contain_text("Bienvenue, Awa Diop")
    expect(manager.page.locator("#content").get_by_role("link", name="Fonds national d'amorçage du Sénégal")).to_be_visible()
    expect(manager.page.get_by_text("Jordan Innovation Fund")).to_have_count(0)
    manager.screenshot("manager-home-fr")
    manager.page.goto(f"/funds/{other_fund.id}")
    expect(manager.page.get_by_role("heading", level=1)).to_have_text("Introuvable")

    partner = visitor()
    partner.sign_in("partner.jordan@example.org")
    response = partner.page.goto(fund_url)
    assert response.status == 404
    expect(partner.page.get_by_role("heading", level=1)).to_have_text("Not found")
    expect(partner.page.get_by_text("Sénégal")).to_have_count(0)
    partner.screenshot("foreign-partner-404")
    assert re.search(r"/funds/\d+$", fund_url)
