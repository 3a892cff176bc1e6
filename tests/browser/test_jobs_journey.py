"""A founder files a quarter's headcount, the manager verifies it, and the fund's job figures change."""
from playwright.sync_api import expect

from tests.factories import GrantFactory, staff_with_role


def figure(page, label: str):
    """The value of a key-figure card."""
    return page.locator(".card", has=page.get_by_text(label, exact=True)).locator(".key-figure")


def test_founder_files_manager_verifies_and_the_figures_change(db, visitor, live_server, portfolio_):
    fund, manager_user, founder_user, companies = portfolio_
    GrantFactory(user=manager_user, fund=fund, role="manager")
    partner_user = staff_with_role("partner", fund)
    jobs_page = f"/funds/{fund.id}/jobs?as_of=2025-09-30"

    manager = visitor()
    manager.sign_in(manager_user.email)
    manager.page.goto(jobs_page)
    # at 2025 Q3: A 23 - 12, B 8 - 5, C written off -6, D sold at 8 - 4: net 12; verified 31 of 39 FTE
    expect(figure(manager.page, "Net jobs created (FTE)")).to_have_text("12.0")
    expect(figure(manager.page, "Verified")).to_have_text("79.5 %")

    founder = visitor()
    founder.sign_in(founder_user.email)
    founder.page.goto("/portal/")
    founder.page.get_by_role("link", name="Headcount reports").click()
    founder.page.get_by_role("link", name="File 2025 Q3").click()
    form = founder.page.locator("form", has=founder.page.get_by_role("button", name="Save report"))
    form.get_by_label("Quarter").fill("2025Q3")
    form.get_by_label("Full-time employees").fill("15")
    form.get_by_label("Part-time employees").fill("2")
    form.get_by_label("Women").fill("30")
    form.get_by_label("Under 35 years old").fill("9")
    form.get_by_label("Nationals of the fund's country").fill("16")
    form.get_by_role("button", name="Save report").click()
    problem = "Cannot exceed the headcount (17 full-time and part-time)."
    expect(founder.page.locator(".invalid-feedback", has_text=problem)).to_be_visible()    # on the field
    expect(founder.page.get_by_role("alert").get_by_role("link", name="Women")).to_be_visible()  # and atop
    form.get_by_label("Women").fill("7")
    form.get_by_role("button", name="Save report").click()
    expect(founder.page.get_by_text("Headcount report saved. The fund will verify it.")).to_be_visible()
    expect(founder.page.get_by_role("link", name="File 2025 Q3")).to_have_count(0)
    founder.screenshot("founder-headcount-filed")

    # B is now 15 + 2/2 = 16 FTE against its 5 at investment: net 12 - 3 + 11 = 20, not yet verified
    manager.page.goto(jobs_page)
    expect(figure(manager.page, "Net jobs created (FTE)")).to_have_text("20.0")
    expect(figure(manager.page, "Verified")).to_have_text("66.0 %")        # 31 of 47
    manager.page.get_by_role("link", name="Headcount reports").click()
    manager.page.get_by_label("Verification").select_option("unverified")
    manager.page.get_by_role("button", name="Filter").click()
    row = manager.page.get_by_role("row").filter(has_text="2025 Q3").filter(has_text=companies["B"].name)
    row.get_by_role("button", name="Verify").click()
    expect(manager.page.get_by_text("1 report verified.")).to_be_visible()
    manager.screenshot("manager-headcount-verified")
    manager.page.goto(jobs_page)
    expect(figure(manager.page, "Verified")).to_have_text("100.0 %")       # 47 of 47
    manager.screenshot("manager-jobs")

    # the founder can no longer change a verified report; the partner reads the same figures
    founder.page.goto(f"/portal/companies/{companies['B'].id}/headcount")
    expect(founder.page.get_by_role("row").filter(has_text="2025 Q3")).to_contain_text("verified by the fund")
    partner = visitor()
    partner.sign_in(partner_user.email)
    partner.page.goto(jobs_page)
    expect(figure(partner.page, "Net jobs created (FTE)")).to_have_text("20.0")
    expect(partner.page.get_by_role("link", name="Headcount reports")).to_have_count(0)
    partner.screenshot("partner-jobs")
