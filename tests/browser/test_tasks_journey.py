"""A manager exports the whole queue: the work goes on in the background while its page shows how far it
has come and the site stays usable, then the page offers the file, which the manager downloads."""
import time
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect

from fundapp.applications import queue_export
from fundapp.applications.models import Application
from fundapp.notifications import background
from fundapp.portfolio.models import Company
from tests.browser.axe import assert_no_violations
from tests.factories import FounderFactory, FundFactory, staff_with_role

ROWS = 8


@pytest.fixture
def live_server(live_server):
    """The live server, its background work run by a thread of its own as in the embedded default."""
    live_server.app.config["JOB_QUEUE"] = "embedded"
    return live_server


@pytest.fixture
def slow_export(monkeypatch):
    """An export that takes a few seconds, as a large fund's does: a step of progress for each row."""
    told = background.Progress.__call__

    def slowly(self, done: int, total: int) -> None:
        told(self, done, total)
        time.sleep(0.8)
    monkeypatch.setattr(queue_export, "EVERY", 1)
    monkeypatch.setattr(background.Progress, "__call__", slowly)


def test_the_whole_queue_exported_in_the_background(db, visitor, slow_export):
    fund = FundFactory(name="Kenya National Start-up Fund", currency="KES")
    staff_with_role("manager", fund, email="manager@example.org")
    founder = FounderFactory()
    for index in range(ROWS):
        company = Company(name=f"Startup {index}", country="KE", sector="agriculture", region="Nairobi",
                          owner_id=founder.id)
        db.session.add(company)
        db.session.flush()
        db.session.add(Application(fund_id=fund.id, company_id=company.id, founder_id=founder.id,
                                   state="in_review", requested_amount=(index + 1) * 1_000_00))
    db.session.commit()

    manager = visitor()
    manager.sign_in("manager@example.org")
    page = manager.page
    page.goto(f"/funds/{fund.id}/applications")
    page.get_by_role("button", name="Export as CSV").click()
    expect(page.get_by_role("heading", name="Export of the applications")).to_be_visible()
    bar = page.locator("progress")
    expect(bar).to_be_visible()
    expect(page.get_by_text("applications written")).to_be_visible()       # counted as it goes
    expect(page.get_by_role("link", name="Refresh")).to_be_visible()
    assert_no_violations(manager, "task-export-running")

    # the site answers meanwhile
    other = manager.context.new_page()
    other.goto(f"/funds/{fund.id}/applications")
    expect(other.get_by_role("link", name="Startup 3")).to_be_visible()
    other.close()

    # the page shows the outcome by itself, without being reloaded by hand
    expect(page.get_by_text(f"{ROWS} applications exported.")).to_be_visible(timeout=20_000)
    expect(bar).to_have_count(0)
    assert_no_violations(manager, "task-export-done")
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Download applications-fund-{fund.id}.csv").click()
    assert download.value.suggested_filename == f"applications-fund-{fund.id}.csv"
    frame = pd.read_csv(Path(download.value.path()))
    assert sorted(frame["company"]) == [f"Startup {index}" for index in range(ROWS)]
    page.get_by_role("link", name="Back to the applications").click()
    expect(page.get_by_role("link", name="Startup 0")).to_be_visible()
