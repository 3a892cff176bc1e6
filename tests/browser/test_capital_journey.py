"""A manager calls capital; each partner sees its own notice and statement; another fund's partner sees nothing."""
from playwright.sync_api import expect

from tests.browser.axe import assert_no_violations
from tests.factories import FundFactory, GrantFactory, PartnerFactory, UserFactory, staff_with_role


def test_capital_call_seen_by_each_partner_only(db, visitor, live_server):
    fund = FundFactory(name="Kenya National Start-up Fund", currency="KES", vintage_year=2024)
    ministry = PartnerFactory(fund=fund, name="Ministry of Investments", kind="government", commitment=650_000_000)
    openai = PartnerFactory(fund=fund, name="OpenAI", kind="co_investor", commitment=350_000_000)
    staff_with_role("manager", fund, email="manager@example.org")
    for email, partner in (("gov@example.org", ministry), ("openai@example.org", openai)):
        GrantFactory(user=UserFactory(email=email), fund=fund, role="partner", partner=partner)
    other = FundFactory(name="Jordan Innovation Fund", currency="JOD")
    staff_with_role("partner", other, email="jordan@example.org")

    manager = visitor()
    manager.sign_in("manager@example.org")
    page = manager.page
    page.get_by_role("link", name="Kenya National Start-up Fund").first.click()
    page.get_by_role("link", name="Capital").click()
    page.get_by_label("Call date").fill("2024-01-15")
    page.get_by_label("Due date").fill("2024-02-15")
    page.locator("#call-amount").fill("1000000")
    page.get_by_label("Purpose").select_option("investment")
    page.get_by_role("button", name="Issue the call").click()
    expect(page.get_by_role("cell", name="KES650,000.00")).to_be_visible()       # each share, before issuing
    assert_no_violations(manager, "manager-checks-call")
    page.get_by_role("button", name="Confirm and issue the call").click()
    expect(page.get_by_text("Recorded.")).to_be_visible()
    expect(page.get_by_role("cell", name="KES650,000.00").first).to_be_visible()
    page.get_by_label("Call and partner").select_option(index=1)      # the first call owed; none by default
    page.get_by_label("Payment date").fill("2024-02-01")
    page.get_by_label("Amount paid").fill("650000")
    page.get_by_role("button", name="Record payment").click()
    expect(page.get_by_text("Recorded.")).to_be_visible()
    manager.screenshot("manager-capital")
    page.get_by_role("link", name="Overview").click()
    expect(page.get_by_text("Below the target")).to_be_visible()  # OpenAI has not paid yet
    manager.screenshot("manager-dashboard")

    for email, own, stranger, share in (("gov@example.org", ministry, openai, "KES650,000.00"),
                                        ("openai@example.org", openai, ministry, "KES350,000.00")):
        partner = visitor()
        partner.sign_in(email)
        partner.page.get_by_role("link", name="Kenya National Start-up Fund").first.click()
        expect(partner.page.get_by_role("link", name=stranger.name)).to_have_count(0)
        partner.page.get_by_role("link", name="My statement").click()
        expect(partner.page.get_by_role("heading", level=2)).to_have_text(f"Statement of {own.name}")
        expect(partner.page.get_by_role("cell", name=share).first).to_be_visible()
        partner.screenshot(f"statement-{own.kind}")
        with partner.page.expect_download() as download:
            partner.page.get_by_role("link", name="Download PDF").click()
        assert download.value.suggested_filename.startswith(f"statement-{fund.id}-{own.id}-")
        with partner.page.expect_download() as download:
            partner.page.get_by_role("link", name="PDF call no. 1").click()
        assert download.value.suggested_filename.endswith(f"-{own.id}.pdf")
        response = partner.page.goto(f"/funds/{fund.id}/partners/{stranger.id}/statement")
        assert response.status == 404

    outsider = visitor()
    outsider.sign_in("jordan@example.org")
    for path in (f"/funds/{fund.id}", f"/funds/{fund.id}/partners/{ministry.id}/statement",
                 f"/funds/{fund.id}/charts/nav.svg"):
        assert outsider.page.goto(path).status == 404
    expect(outsider.page.get_by_text("Kenya")).to_have_count(0)
