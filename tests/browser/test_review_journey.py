"""A founder pitches; two reviewers are assigned and one recuses; the manager decides; the founder reads it."""
from playwright.sync_api import expect
from sqlalchemy import select

from fundapp.applications import review
from fundapp.applications.models import Application
from tests.factories import FounderFactory, FundFactory, committee_votes, pdf_bytes, staff_with_role

PITCH = {"Requested amount": "20000000", "One-line pitch": "Crop prices by SMS", "Problem": "Low prices",
         "Solution": "Forecasts", "Market": "Smallholders", "Business model": "Subscriptions",
         "Team": "Two founders", "Use of funds": "Sales", "Full-time employees today": "6",
         "Part-time employees today": "2", "Jobs expected in three years": "40"}


def test_pitch_review_and_decision(db, visitor):
    fund = FundFactory(name="Kenya National Start-up Fund", currency="KES", sectors=["agriculture", "ai"])
    manager = staff_with_role("manager", fund, email="manager@example.org")
    staff_with_role("reviewer", fund, email="first@example.org", name="First Reviewer")
    staff_with_role("reviewer", fund, email="second@example.org", name="Second Reviewer")
    review.add_criterion(manager, fund, "Team", "Can they do it?", "1", 1, 5)
    FounderFactory(email="zoe@example.org", name="Zoë Founder")
    db.session.commit()

    founder = visitor()
    founder.sign_in("zoe@example.org")
    page = founder.page
    page.get_by_role("link", name="Register a company").click()
    page.get_by_label("Company name").fill("Mazao Data")
    page.get_by_label("Country", exact=True).select_option("KE")
    page.get_by_label("Sector").select_option("agriculture")
    page.get_by_role("button", name="Register company").click()
    page.get_by_role("link", name="Register a company").click()
    page.get_by_label("Company name").fill("Second Thoughts")
    page.get_by_label("Country", exact=True).select_option("KE")
    page.get_by_label("Sector").select_option("ai")
    page.get_by_role("button", name="Register company").click()
    for company in ("Mazao Data", "Second Thoughts"):
        page.get_by_label("Fund", exact=True).select_option(label="Kenya National Start-up Fund (Kenya, KES)")
        page.get_by_label("Company", exact=True).select_option(label=company)
        page.get_by_role("button", name="Start an application").click()
        page.get_by_role("link", name="Founder portal").first.click()
    page.get_by_role("link", name="Mazao Data").click()
    page.get_by_label("One-line pitch").fill("Crop prices by SMS")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    # A refused deck keeps the words typed with it: they are saved first.
    for label, value in PITCH.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Stage").select_option("seed")
    page.set_input_files("#deck", files=[{"name": "notes.pdf", "mimeType": "application/pdf", "buffer": b"not a pdf"}])
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Your text is saved; the deck is not")).to_be_visible()
    page.reload()
    expect(page.get_by_label("Team", exact=True)).to_have_value(PITCH["Team"])
    # The deck goes with the form, and "Save and submit" saves what was just typed before submitting.
    page.get_by_label("Traction").fill("Pilots with 200 farmers")
    page.set_input_files("#deck", files=[{"name": "mazao.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}])
    page.get_by_role("button", name="Save and submit").click()
    expect(page.get_by_text("Your application is submitted.")).to_be_visible()
    expect(page.get_by_text("Pilots with 200 farmers")).to_be_visible()
    expect(page.get_by_role("link", name="mazao.pdf")).to_be_visible()
    founder.screenshot("founder-submitted")
    page.get_by_role("link", name="Founder portal").first.click()
    page.get_by_role("link", name="Second Thoughts").click()
    page.get_by_role("button", name="Save and submit").click()
    expect(page.get_by_text("Your draft is saved but not submitted")).to_be_visible()   # not complete yet
    for label, value in PITCH.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Stage").select_option("idea")
    page.set_input_files("#deck", files=[{"name": "second.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}])
    page.get_by_role("button", name="Save and submit").click()
    page.get_by_text("Withdraw the application…").click()        # opens what a withdrawal means
    page.get_by_label("Why do you withdraw?").fill("We will apply next year.")
    page.get_by_role("button", name="Withdraw the application", exact=True).click()
    expect(page.get_by_text("Your application is withdrawn.")).to_be_visible()
    expect(page.get_by_text("We will apply next year.")).to_be_visible()

    application = db.session.scalar(select(Application).where(Application.state == "submitted"))
    assert db.session.scalar(select(Application.state).where(Application.id != application.id)) == "withdrawn"
    boss = visitor()
    boss.sign_in("manager@example.org")
    boss.page.goto(f"/funds/{fund.id}/applications")
    boss.page.get_by_role("link", name="Mazao Data").click()
    for step in ("screening", "in_review"):
        boss.page.get_by_label("Next step").select_option(step)
        boss.page.get_by_label("Internal reason").fill("Complete and eligible")
        boss.page.get_by_role("button", name="Record the step").click()
    for name in ("First Reviewer", "Second Reviewer"):
        boss.page.get_by_label("Reviewer", exact=True).select_option(label=name)
        boss.page.get_by_role("button", name="Assign").click()
    expect(boss.page.get_by_text("not declared yet")).to_have_count(2)

    reviewer = visitor()
    reviewer.sign_in("first@example.org")
    reviewer.page.goto(f"/funds/{fund.id}/reviews")
    reviewer.page.get_by_role("link", name="Mazao Data").click()
    reviewer.page.get_by_role("button", name="I have no conflict").click()
    reviewer.page.get_by_label("Team").select_option("4")
    reviewer.page.get_by_label("Recommendation").select_option("invest")
    reviewer.page.get_by_role("button", name="Save review").click()
    expect(reviewer.page.get_by_text("Your review is saved.")).to_be_visible()
    reviewer.screenshot("reviewer-scored")

    recused = visitor()
    recused.sign_in("second@example.org")
    recused.page.goto(f"/funds/{fund.id}/applications/{application.id}")
    recused.page.get_by_text("I have a conflict").click()                 # opens what recusal means
    recused.page.get_by_role("button", name="Recuse me").click()
    expect(recused.page.get_by_text("Say why you have a conflict")).to_be_visible()     # asked why first
    recused.page.get_by_label("If you have a conflict, say why").fill("I advised Mazao Data last year.")
    recused.page.get_by_role("button", name="Recuse me").click()
    expect(recused.page.get_by_text("You declared a conflict")).to_be_visible()
    expect(recused.page.get_by_text("Crop prices by SMS")).to_have_count(0)

    boss.page.goto(f"/funds/{fund.id}/applications?sort=normalized")
    expect(boss.page.get_by_role("cell", name="75.0").first).to_be_visible()
    boss.page.get_by_role("link", name="Mazao Data").click()
    expect(boss.page.get_by_text("recused")).to_be_visible()
    expect(boss.page.get_by_text("I advised Mazao Data last year.")).to_be_visible()   # managers see why
    expect(boss.page.get_by_label("Next step")).to_have_value("")      # nothing chosen for the manager
    for step in ("due_diligence", "committee", "approved"):
        if step == "approved":          # the committee has voted (its journey is test_committee_journey)
            committee_votes(fund, db.session.get(Application, application.id), "approve")
            db.session.commit()
            boss.page.reload()
        boss.page.get_by_label("Next step").select_option(step)
        boss.page.get_by_label("Internal reason").fill("Weak CTO, but a strong team creating rural jobs.")
        boss.page.get_by_role("button", name="Record the step").click()
    # A decision is shown as the founder will receive it, and sent only once confirmed.
    expect(boss.page.get_by_role("heading", name="What the founder will receive")).to_be_visible()
    boss.page.get_by_label("Message to the founder").fill("Congratulations: we will call you this week.")
    boss.page.get_by_role("button", name="Show the preview again").click()
    expect(boss.page.get_by_text("Congratulations: we will call you this week.").last).to_be_visible()
    boss.screenshot("manager-previews-decision")
    boss.page.get_by_role("button", name="Confirm and send").click()
    expect(boss.page.get_by_text("Decision recorded and sent to the founder.")).to_be_visible()
    boss.screenshot("manager-decided")

    page.goto(f"/portal/applications/{application.id}")
    expect(page.get_by_role("heading", name="Your application is approved")).to_be_visible()
    expect(page.get_by_text("Congratulations: we will call you this week.").first).to_be_visible()
    expect(page.get_by_text("Weak CTO")).to_have_count(0)              # the internal reason stays internal
    founder.screenshot("founder-reads-decision")
