"""SPEC 10 as its users live it: a manager asks the founder for more information, the founder edits and
resubmits (a refused deck loses nothing), two reviewers score independently, the committee votes with one
member recused, the manager records the decision with a message, and the founder reads the message and
never the internal reason. axe checks each new page on the way."""
import io
from datetime import date

from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from fundapp.applications import review, services
from fundapp.applications.models import Application, Revision
from fundapp.funds.models import Fund
from fundapp.portfolio.models import Company
from tests.browser.axe import assert_no_violations
from tests.factories import FounderFactory, FundFactory, pdf_bytes, staff_with_role

REASON = "Weak CTO; numbers to be checked before the panel."


def test_changes_reviews_committee_and_decision(db, visitor):
    fund = FundFactory(name="Kenya National Start-up Fund", currency="KES", sectors=["agriculture"],
                       min_ticket=1, max_ticket=10**12)
    manager = staff_with_role("manager", fund, email="manager@example.org", name="Wanjiru Manager")
    for email, name in (("first@example.org", "First Reviewer"), ("second@example.org", "Second Reviewer")):
        staff_with_role("reviewer", fund, email=email, name=name)
    for email, name in (("amani@example.org", "Amani"), ("baraka@example.org", "Baraka"),
                        ("chiku@example.org", "Chiku")):
        staff_with_role("committee", fund, email=email, name=name)
    review.add_criterion(manager, fund, "Team", "Can they do it?", "1", 1, 5)
    founder = FounderFactory(email="zoe@example.org", name="Zoë Founder")
    fund = db.session.get(Fund, fund.id, options=[joinedload(Fund.country)], populate_existing=True)
    company = Company(name="Mazao Data", country="KE", sector="agriculture", region="Eldoret", owner_id=founder.id)
    db.session.add(company)
    db.session.flush()
    application = services.start_application(founder, fund, company)
    services.save_draft(founder, application, fund, {
        "requested_amount": "20000000", "stage": "seed", "pitch": "Crop prices by SMS", "problem": "Low prices",
        "solution": "Forecasts", "market": "Smallholders", "business_model": "Subscriptions",
        "traction": "Pilots with 200 farmers", "team": "Two founders", "use_of_funds": "Sales",
        "full_time": 6, "part_time": 2, "jobs_expected": 40})
    services.store_deck(application, "mazao.pdf", pdf_bytes())
    services.submit(founder, application, fund, company)
    review.decide(manager, fund, application, "screening", "Complete and eligible")
    db.session.commit()
    path = f"/funds/{fund.id}/applications/{application.id}"

    # The manager asks for more information: the message is previewed, the reason stays internal.
    boss = visitor()
    boss.sign_in("manager@example.org")
    boss.page.goto(path)
    boss.page.get_by_label("Next step").select_option("changes_requested")
    boss.page.get_by_label("Internal reason").fill(REASON)
    boss.page.get_by_role("button", name="Record the step").click()
    boss.page.get_by_label("Message to the founder").fill("How many farmers pay today, and how much?")
    boss.page.get_by_role("button", name="Show the preview again").click()
    expect(boss.page.get_by_text("The fund asks for more information").first).to_be_visible()
    assert_no_violations(boss, "committee-journey-manager-asks-preview")
    boss.page.get_by_role("button", name="Confirm and send").click()
    expect(boss.page.get_by_text("Request recorded and sent to the founder.")).to_be_visible()

    # The founder edits; a refused deck keeps the words; the new deck and the words go back together.
    zoe = visitor()
    zoe.sign_in("zoe@example.org")
    zoe.page.goto(f"/portal/applications/{application.id}")
    expect(zoe.page.get_by_text("How many farmers pay today, and how much?").first).to_be_visible()
    expect(zoe.page.get_by_text("Weak CTO")).to_have_count(0)
    assert_no_violations(zoe, "committee-journey-founder-asked")
    zoe.page.get_by_label("Traction").fill("Pilots with 200 farmers; 41 pay KES 300 a month")
    zoe.page.set_input_files("#deck", files=[{"name": "v2.pdf", "mimeType": "application/pdf", "buffer": b"nope"}])
    zoe.page.get_by_role("button", name="Save and resubmit").click()
    expect(zoe.page.get_by_text("Your text is saved; the deck is not")).to_be_visible()
    expect(zoe.page.get_by_label("Traction")).to_have_value("Pilots with 200 farmers; 41 pay KES 300 a month")
    zoe.page.set_input_files("#deck", files=[{"name": "mazao-v2.pdf", "mimeType": "application/pdf",
                                              "buffer": pdf_bytes(3)}])
    zoe.page.get_by_role("button", name="Save and resubmit").click()
    expect(zoe.page.get_by_text("Your changes are sent to the fund.")).to_be_visible()
    zoe.screenshot("committee-journey-founder-resubmitted")
    assert [r.changed for r in db.session.scalars(select(Revision).order_by(Revision.number))] == [
        [], ["traction", "deck"]]

    # The manager sees what changed, word by word, then sends it to review with two reviewers.
    boss.page.goto(path)
    changed = boss.page.get_by_role("region", name="Changed since revision 1, the one you saw last")
    expect(changed.locator("ins").first).to_contain_text("41 pay KES 300 a month")
    expect(changed.get_by_text("mazao-v2.pdf")).to_be_visible()
    assert_no_violations(boss, "committee-journey-manager-sees-changes")
    boss.page.get_by_role("link", name="Every revision and what changed").click()
    expect(boss.page.get_by_role("heading", name="From revision 1 to revision 2")).to_be_visible()
    assert_no_violations(boss, "committee-journey-revisions")
    boss.page.goto(path)
    boss.page.get_by_label("Next step").select_option("in_review")
    boss.page.get_by_label("Internal reason").fill("Answered well")
    boss.page.get_by_role("button", name="Record the step").click()
    for name in ("First Reviewer", "Second Reviewer"):
        boss.page.get_by_label("Reviewer", exact=True).select_option(label=name)
        boss.page.get_by_role("button", name="Assign").click()

    # Two reviewers, independently: the second sees nothing of the first review before its own.
    for email, score, comment in (("first@example.org", "4", "Clear paying demand."),
                                  ("second@example.org", "2", "Churn is unknown.")):
        reviewer = visitor()
        reviewer.sign_in(email)
        reviewer.page.goto(path)
        reviewer.page.get_by_role("button", name="I have no conflict").click()
        expect(reviewer.page.get_by_text("shown once you have submitted yours").first).to_be_visible()
        expect(reviewer.page.get_by_text("Clear paying demand.")).to_have_count(0)
        reviewer.page.get_by_label("Team").select_option(score)
        reviewer.page.get_by_label("Recommendation").select_option("invest" if score == "4" else "maybe")
        reviewer.page.get_by_label("Comment").fill(comment)
        reviewer.page.get_by_role("button", name="Save review").click()
        expect(reviewer.page.get_by_text("Your review is saved.")).to_be_visible()
    expect(reviewer.page.get_by_text("Clear paying demand.")).to_be_visible()      # after its own, it may
    reviewer.screenshot("committee-journey-second-reviewer-after")

    for step in ("due_diligence", "committee"):
        boss.page.get_by_label("Next step").select_option(step)
        boss.page.get_by_label("Internal reason").fill("On to the committee")
        boss.page.get_by_role("button", name="Record the step").click()

    # The committee: Amani votes, Baraka is recused and says why, Chiku votes after and then sees Amani's.
    amani = visitor()
    amani.sign_in("amani@example.org")
    amani.page.goto("/")
    amani.page.get_by_role("link", name="1 application waiting for your vote").click()
    assert_no_violations(amani, "committee-journey-member-list")
    amani.page.get_by_role("link", name="Mazao Data").click()
    amani.page.get_by_role("button", name="I have no conflict").click()
    amani.page.get_by_label("Approve").check()
    amani.page.get_by_label("Comment for the minutes").fill("Paying farmers prove the demand.")
    assert_no_violations(amani, "committee-journey-member-votes")
    amani.page.get_by_role("button", name="Cast my vote").click()
    expect(amani.page.get_by_text("Your vote is recorded.")).to_be_visible()

    baraka = visitor()
    baraka.sign_in("baraka@example.org")
    baraka.page.goto(path)
    baraka.page.get_by_text("I have a conflict").click()
    baraka.page.get_by_label("If you have a conflict, say why").fill("I am an adviser to Mazao Data.")
    baraka.page.get_by_role("button", name="Recuse me").click()
    expect(baraka.page.get_by_text("You declared a conflict")).to_be_visible()

    chiku = visitor()
    chiku.sign_in("chiku@example.org")
    chiku.page.goto(path)
    chiku.page.get_by_role("button", name="I have no conflict").click()
    expect(chiku.page.get_by_text("The committee's votes are shown once you have voted.")).to_be_visible()
    expect(chiku.page.get_by_text("Paying farmers prove the demand.")).to_have_count(0)
    chiku.page.get_by_label("Decline").check()
    chiku.page.get_by_label("Comment for the minutes").fill("Churn unknown; wait one quarter.")
    chiku.page.get_by_role("button", name="Cast my vote").click()
    expect(chiku.page.get_by_text("Paying farmers prove the demand.")).to_be_visible()
    chiku.screenshot("committee-journey-member-after-voting")

    # The manager decides (a tie: no justification needed), previewing the founder's message.
    boss.page.goto(path)
    expect(boss.page.get_by_text("Quorum met: 2 of the 2 votes needed.")).to_be_visible()
    expect(boss.page.get_by_text("I am an adviser to Mazao Data.")).to_be_visible()
    boss.page.get_by_label("Next step").select_option("approved")
    boss.page.get_by_label("Internal reason").fill(REASON)
    boss.page.get_by_role("button", name="Record the step").click()
    boss.page.get_by_label("Message to the founder").fill("Congratulations: we will call you this week.")
    boss.page.get_by_role("button", name="Show the preview again").click()
    assert_no_violations(boss, "committee-journey-decision-preview")
    boss.page.get_by_role("button", name="Confirm and send").click()
    expect(boss.page.get_by_text("Decision recorded and sent to the founder.")).to_be_visible()
    with boss.page.expect_download() as download:
        boss.page.get_by_role("link", name="Minutes (PDF)").click()
    minutes = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(
        io.BytesIO(download.value.path().read_bytes())).pages)
    for expected in ("Amani", "Approve", "Chiku", "Decline", "I am an adviser to Mazao Data.",
                     "Congratulations: we will call you this week.", "First Reviewer", "Second Reviewer"):
        assert expected in minutes, expected
    assert "Weak CTO" not in minutes                   # the internal reason is in no minutes either

    zoe.page.goto(f"/portal/applications/{application.id}")
    expect(zoe.page.get_by_role("heading", name="Your application is approved")).to_be_visible()
    expect(zoe.page.get_by_text("Congratulations: we will call you this week.").first).to_be_visible()
    expect(zoe.page.get_by_text("Weak CTO")).to_have_count(0)
    expect(zoe.page.get_by_text("Paying farmers")).to_have_count(0)
    zoe.screenshot("committee-journey-founder-reads")
    db.session.expire_all()
    assert db.session.get(Application, application.id).decided_at.date() == date.today()
