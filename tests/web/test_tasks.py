"""Long work off the request (SPEC 13): a quarterly report's draft, the queue's export and a headcount
import start on their pages, run in the worker with their progress counted, and end on a page of their
own that only their user sees, with the draft, the file or the number imported, or what was refused."""
import io
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader
from sqlalchemy import delete, func, select

from fundapp.applications.models import Application
from fundapp.auth.models import Grant
from fundapp.jobs.models import HeadcountReport
from fundapp.notifications import background
from fundapp.notifications.models import BackgroundJob
from fundapp.notifications.task_views import KINDS
from fundapp.portfolio.models import Company
from fundapp.reporting.models import QuarterlyReport
from tests.background import downloaded, run_started, run_task, task_path
from tests.conftest import sign_in
from tests.factories import FounderFactory, FundFactory, GrantFactory, staff_with_role


@pytest.fixture
def steps(monkeypatch) -> list[tuple[int, int]]:
    """Every (done, total) a job's progress is told, as it is told."""
    told, original = [], background.Progress.__call__

    def record(self, done: int, total: int) -> None:
        told.append((done, total))
        original(self, done, total)
    monkeypatch.setattr(background.Progress, "__call__", record)
    return told


@pytest.fixture
def manager(db, portfolio_):
    fund, manager, _founder, companies = portfolio_
    GrantFactory(user=manager, fund=fund, role="manager")
    db.session.commit()
    return fund, manager, companies


def job_of(db, path: str) -> BackgroundJob:
    db.session.expire_all()
    return db.session.get(BackgroundJob, int(path.rsplit("/", 1)[1]))


def test_every_kind_of_work_has_its_page(app):
    assert set(KINDS) == set(background.TASKS)            # registered as the app starts


def test_a_draft_is_made_off_the_request_step_by_step(client, db, manager, steps):
    fund, person, _companies = manager
    sign_in(client, person)
    asked = client.post(f"/funds/{fund.id}/reports/", data={"period": "2025Q2"})
    path = task_path(asked)
    assert db.session.scalar(select(func.count(QuarterlyReport.id))) == 0        # nothing made in the request
    waiting = client.get(path).data.decode()
    assert "Draft of a quarterly report" in waiting and "Waiting for its turn" in waiting
    assert "<progress" in waiting and "task-progress.js" in waiting
    assert f'href="{path}">Refresh</a>' in waiting                                   # without script
    assert client.get(f"{path}.json").json == {
        "status": "queued", "finished": False, "done": 0, "total": 0, "percent": 0, "percent_text": "0%",
        "text": "Waiting for its turn…"}

    done = run_started(client, asked).data.decode()
    assert steps == [(0, 4), (1, 4), (2, 4), (3, 4)]
    job = job_of(db, path)
    assert (job.status, job.done, job.total) == ("done", 4, 4)
    draft = db.session.scalar(select(QuarterlyReport))
    assert (draft.period, draft.version, draft.published) == ("2025Q2", 1, False)
    assert "Draft ready: read it, then publish it." in done
    assert f'/funds/{fund.id}/reports/#report-{draft.id}"' in done and "<progress" not in done
    assert client.get(f"{path}.json").json["percent"] == 100
    pdf = downloaded(client, client.get(path))
    assert pdf.headers["Content-Disposition"] == f"attachment; filename=report-{fund.id}-2025Q2-v1-draft.pdf"
    pages = PdfReader(io.BytesIO(pdf.data)).pages
    assert len(pages) >= 8 and all("DRAFT" in page.extract_text() for page in pages)


def test_a_correction_without_its_note_is_refused_on_the_form(client, db, manager):
    fund, person, _companies = manager
    sign_in(client, person)
    first = run_started(client, client.post(f"/funds/{fund.id}/reports/", data={"period": "2025Q2"}))
    draft = db.session.scalar(select(QuarterlyReport))
    assert client.post(f"/funds/{fund.id}/reports/{draft.id}/publish").status_code == 302
    refused = client.post(f"/funds/{fund.id}/reports/", data={"period": "2025Q2"})
    assert refused.status_code == 422 and "Say what this new version corrects" in refused.data.decode()
    assert db.session.scalar(select(func.count(BackgroundJob.id))) == 1 and first.status_code == 200


@pytest.fixture
def queue_of_five(db):
    fund = FundFactory(currency="KES")
    person = staff_with_role("manager", fund)
    founder = FounderFactory()
    for index in range(5):
        company = Company(name=f"Startup {index}", country="KE", sector="health" if index % 2 else "agriculture",
                          region="Nairobi", owner_id=founder.id)
        db.session.add(company)
        db.session.flush()
        db.session.add(Application(fund_id=fund.id, company_id=company.id, founder_id=founder.id,
                                   state="in_review", requested_amount=(index + 1) * 100_000_00))
    db.session.commit()
    return fund, person


def test_the_queue_export_counts_its_rows(client, db, queue_of_five, steps, monkeypatch):
    from fundapp.applications import queue_export
    monkeypatch.setattr(queue_export, "EVERY", 2)
    fund, person = queue_of_five
    sign_in(client, person)
    asked = client.post(f"/funds/{fund.id}/applications/export", data={"format": "csv"})
    path = task_path(asked)
    done = run_started(client, asked).data.decode()
    assert steps == [(0, 5), (2, 5), (4, 5)]
    job = job_of(db, path)
    assert (job.status, job.done, job.total, job.result_file) == ("done", 5, 5, f"applications-fund-{fund.id}.csv")
    assert "5 applications exported." in done and "Back to the applications" in done
    bell = client.get("/notifications/").get_data(as_text=True)      # a user who left the page finds it
    assert "Export of the applications: done." in bell
    assert "badge rounded-pill" not in bell        # read on the task's page: the bell does not ring for it
    frame = pd.read_csv(io.BytesIO(downloaded(client, client.get(path)).data))
    assert sorted(frame["company"]) == [f"Startup {index}" for index in range(5)]
    assert list(frame["requested_amount"]) == [500000.0, 400000.0, 300000.0, 200000.0, 100000.0]

    filtered = client.post(f"/funds/{fund.id}/applications/export?sector=health", data={"format": "xlsx"})
    sheet = pd.read_excel(io.BytesIO(downloaded(client, run_started(client, filtered)).data), engine="openpyxl")
    assert sorted(sheet["company"]) == ["Startup 1", "Startup 3"]
    assert client.post(f"/funds/{fund.id}/applications/export", data={"format": "pdf"}).status_code == 400


def test_the_page_shows_how_far_the_work_has_come(client, db, queue_of_five):
    fund, person = queue_of_five
    sign_in(client, person)
    path = task_path(client.post(f"/funds/{fund.id}/applications/export", data={"format": "csv"}))
    job = job_of(db, path)
    job.status, job.done, job.total = "running", 1500, 4000
    db.session.commit()
    progress = client.get(f"{path}.json").json
    assert (progress["percent"], progress["text"]) == (38, "1,500 of 4,000 applications written")
    page = client.get(path).data.decode()
    assert 'value="38"' in page and "1,500 of 4,000 applications written" in page


def import_rows(companies, bad_line: int | None = None) -> bytes:
    rows = [{"company_id": companies["A"].id, "period": f"202{i // 4}Q{i % 4 + 1}", "full_time": 5,
             "part_time": 0, "women": 2, "under_35": 2, "nationals": 5} for i in range(12)]
    if bad_line:
        rows[bad_line - 2]["part_time"] = -1
    return pd.DataFrame(rows).to_csv(index=False).encode()


def reports_count(db) -> int:
    return db.session.scalar(select(func.count(HeadcountReport.id)))


def test_an_import_counts_its_lines_and_leaves_no_file(app, client, db, manager, steps, monkeypatch):
    from fundapp.jobs import imports
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 5)
    fund, person, companies = manager
    sign_in(client, person)
    before = reports_count(db)
    incoming = Path(app.config["UPLOAD_DIR"]) / "incoming"
    asked = client.post(f"/funds/{fund.id}/headcount/import", content_type="multipart/form-data",
                        data={"sheet": (io.BytesIO(import_rows(companies)), "reports.csv")})
    assert len(list(incoming.iterdir())) == 1 and reports_count(db) == before    # kept until the worker runs
    done = run_started(client, asked).data.decode()
    assert steps == [(0, 12), (5, 12), (10, 12), (12, 12)]
    job = job_of(db, task_path(asked))
    assert (job.status, job.done, job.total) == ("done", 12, 12)
    assert "12 headcount reports imported." in done and reports_count(db) == before + 12
    assert list(incoming.iterdir()) == []


def test_a_refused_import_shows_its_lines_and_imports_nothing(app, client, db, manager):
    fund, person, companies = manager
    sign_in(client, person)
    before = reports_count(db)
    asked = client.post(f"/funds/{fund.id}/headcount/import", content_type="multipart/form-data",
                        data={"sheet": (io.BytesIO(import_rows(companies, bad_line=9)), "reports.csv")})
    page = run_started(client, asked).data.decode()
    assert job_of(db, task_path(asked)).status == "failed"
    assert "Nothing was imported: 1 of 12 rows need correcting." in page
    assert "Line 9: part_time: Enter zero or more people." in page
    assert f'href="/funds/{fund.id}/headcount#import-heading">Try again</a>' in page
    assert reports_count(db) == before
    assert list((Path(app.config["UPLOAD_DIR"]) / "incoming").iterdir()) == []


def test_work_that_breaks_says_so_and_offers_to_try_again(app, client, db, manager):
    fund, person, companies = manager
    sign_in(client, person)
    asked = client.post(f"/funds/{fund.id}/headcount/import", content_type="multipart/form-data",
                        data={"sheet": (io.BytesIO(import_rows(companies)), "reports.csv")})
    for kept in (Path(app.config["UPLOAD_DIR"]) / "incoming").iterdir():
        kept.unlink()                                    # the upload lost before the worker read it
    page = run_started(client, asked).data.decode()
    assert "An unexpected error occurred." in page and ">Try again</a>" in page


def test_nobody_else_sees_the_work_and_its_file_asks_again(client, db, queue_of_five):
    fund, person = queue_of_five
    sign_in(client, person)
    path = task_path(client.post(f"/funds/{fund.id}/applications/export", data={"format": "csv"}))
    run_task(client, path)
    assert job_of(db, path).status == "done"
    pages = (path, f"{path}.json", f"{path}/download")
    for other in (staff_with_role("manager", fund), staff_with_role("manager", FundFactory())):
        sign_in(client, other)                             # another manager of the same fund, or of another
        assert [client.get(page).status_code for page in pages] == [404, 404, 404]
    anonymous = client.application.test_client()
    assert all("/login" in anonymous.get(page).headers["Location"] for page in pages)
    sign_in(client, person)
    assert downloaded(client, client.get(path)).status_code == 200
    db.session.execute(delete(Grant).where(Grant.user_id == person.id))
    db.session.commit()                                    # no longer a manager of the fund
    assert client.get(path).status_code == 200
    assert client.get(f"{path}/download").status_code == 404


def test_a_draft_asked_twice_is_one_draft(client, db, manager):
    fund, person, _companies = manager
    sign_in(client, person)
    first = client.post(f"/funds/{fund.id}/reports/", data={"period": "2025Q2"})
    second = client.post(f"/funds/{fund.id}/reports/", data={"period": "2025Q2"})
    for asked in (first, second):
        assert "Draft ready" in run_started(client, asked).data.decode()
    assert db.session.scalar(select(func.count(QuarterlyReport.id))) == 1


def test_a_sheet_of_commas_is_refused_at_once(client, db, manager):
    """A small file of commas alone would make pandas build millions of columns: it is refused first."""
    import time
    fund, person, _companies = manager
    sign_in(client, person)
    asked = client.post(f"/funds/{fund.id}/headcount/import", content_type="multipart/form-data",
                        data={"sheet": (io.BytesIO(b"," * 300_000), "reports.csv")})
    started = time.perf_counter()
    page = run_started(client, asked).data.decode()
    assert time.perf_counter() - started < 3
    assert job_of(db, task_path(asked)).status == "failed"
    assert "A line holds more than 30 columns" in page


def test_a_user_has_at_most_three_tasks_under_way(client, db, queue_of_five):
    fund, person = queue_of_five
    sign_in(client, person)
    for _ in range(3):
        task_path(client.post(f"/funds/{fund.id}/applications/export", data={"format": "csv"}))
    fourth = client.post(f"/funds/{fund.id}/applications/export", data={"format": "csv"})
    assert fourth.status_code == 429 and "3 tasks under way" in fourth.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(BackgroundJob)) == 3


def test_a_task_whose_user_lost_its_role_meanwhile_is_not_done(client, db, queue_of_five):
    fund, person = queue_of_five
    sign_in(client, person)
    asked = client.post(f"/funds/{fund.id}/applications/export", data={"format": "csv"})
    db.session.execute(delete(Grant).where(Grant.user_id == person.id))
    db.session.commit()
    run_task(client, task_path(asked))
    job = job_of(db, task_path(asked))
    assert job.status == "failed" and job.result_file is None
    assert "no longer hold the role" in job.outcome


def test_a_task_whose_workers_all_died_ends_as_failed_and_old_files_are_forgotten(app, client, db,
                                                                                   queue_of_five):
    from datetime import timedelta

    from fundapp.columns import utcnow
    from fundapp.notifications import worker
    fund, person = queue_of_five
    sign_in(client, person)
    done = run_started(client, client.post(f"/funds/{fund.id}/applications/export", data={"format": "csv"}))
    finished = db.session.scalars(select(BackgroundJob)).one()
    kept = background.result_path(finished)
    assert kept.exists() and done.status_code == 200
    stuck = BackgroundJob(kind="queue_export", user_id=person.id, fund_id=fund.id, params="{}",
                          status="running", tries=3, claimed_until=utcnow() - timedelta(minutes=1))
    db.session.add(stuck)
    db.session.commit()
    with app.app_context():
        worker.tick(utcnow() + timedelta(days=8))
    db.session.expire_all()
    assert db.session.get(BackgroundJob, stuck.id).status == "failed"
    assert db.session.get(BackgroundJob, finished.id).result_file is None and not kept.exists()
