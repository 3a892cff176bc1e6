"""Quarterly reports: figures parsed back from the PDF equal the dashboard's and the jobs page's, in
English and in French; the same data gives the same bytes; the lifecycle, its refusals and the CLI."""
import hashlib
import io
import re
from datetime import date
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext
from pypdf import PdfReader
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from fundapp.errors import Refused
from fundapp.jobs import services as jobs
from fundapp.jobs.services import load_jobs
from fundapp.ledger.loader import metrics_as_of
from fundapp.reporting import services as reports
from fundapp.reporting.document import render
from fundapp.reporting.models import QuarterlyReport
from fundapp.reporting.quarterly import contents
from fundapp.web.formatting import amount, fte, percent, ratio

D = date


def spaced(words: str) -> str:
    """Text with the narrow and no-break spaces of French numbers as plain spaces (as pypdf reads them)."""
    return words.replace("\u202f", " ").replace("\xa0", " ")


def pdf_pages(data: bytes) -> list[str]:
    return [" ".join(spaced(page.extract_text()).split()) for page in PdfReader(io.BytesIO(data)).pages]


def pdf_text(data: bytes) -> str:
    return " ".join(pdf_pages(data))


def figures_in(fund, as_of):
    """The dashboard's and the jobs page's figures, formatted as the fund's readers write them."""
    m = metrics_as_of(fund, as_of)
    j = load_jobs(fund).figures(as_of)
    with force_locale(fund.language):
        return {"committed": amount(m.committed, fund.currency), "paid_in": amount(m.paid_in, fund.currency),
                "nav": amount(m.nav, fund.currency), "invested": amount(m.invested, fund.currency),
                "tvpi": ratio(m.tvpi), "net_irr": percent(m.net_irr), "net_jobs": fte(j.net_created),
                "attributed": fte(j.attributed), "cost_per_job": amount(int(round(j.cost_per_job)), fund.currency),
                "women": percent(j.women_share), "verified": percent(j.verified_share)}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_pdf_holds_the_same_figures_as_the_screen(app, db, portfolio_, language):
    fund, *_ = portfolio_
    fund.language = language
    db.session.commit()
    with app.test_request_context():
        report = contents(fund, 2025, 2)
        data = render(report)
        words = pdf_text(data)
        expected = figures_in(fund, D(2025, 6, 30))
    for name, value in expected.items():
        assert spaced(value) in words, (name, value)
    # hand-checked: 12 net jobs, 4.7 attributed, cost per job KES 6,500.00 / 12 = 541.67
    assert expected["net_jobs"] == ("12.0" if language == "en" else "12,0")
    assert expected["cost_per_job"] == ("541.67" if language == "en" else "541,67")
    heading = "Quarterly report to partners" if language == "en" else "Rapport trimestriel aux partenaires"
    label = "Committed capital" if language == "en" else "Capital engagé"     # the tables' words too
    assert heading in words and label in words and ("7. Methodology" if language == "en" else "7. Méthodologie") in words
    assert len(PdfReader(io.BytesIO(data)).pages) >= 8
    # the schedule's ten columns fit on a landscape page without breaking a heading inside a word
    with force_locale(language):
        section = gettext("4. Schedule of investments")
    schedule = next(page for page in pdf_pages(data) if section in page and ". . ." not in page)  # not contents
    for word in " ".join(report.tables["schedule"].columns).split():
        assert re.search(rf"(?<!\S){re.escape(word)}(?!\S)", schedule), word


def test_the_same_data_gives_the_same_bytes(app, db, portfolio_):
    fund, *_ = portfolio_
    with app.test_request_context():
        first = render(contents(fund, 2025, 2))
        assert render(contents(fund, 2025, 2)) == first
        assert b"CreationDate" not in first or b"D:20000101" in first   # reportlab's invariant date


def test_names_and_currencies_print_right(app, db, portfolio_):
    fund, _manager, _founder, companies = portfolio_
    fund.name, fund.language = "Fonds national d'amorçage du Sénégal", "fr"
    companies["A"].name = "Zoë & <Kids> Café"
    db.session.commit()
    with app.test_request_context():
        words = pdf_text(render(contents(fund, 2025, 2)))
    assert "Sénégal" in words and "Zoë & <Kids> Café" in words     # escaped, not read as markup


def test_draft_publish_and_a_corrected_version(app, db, portfolio_):
    fund, manager, _founder, companies = portfolio_
    with app.test_request_context():
        draft = reports.generate(manager, fund, 2025, 2, today=D(2026, 11, 24))
        assert reports.generate(manager, fund, 2025, 2) is draft               # one open draft
        db.session.commit()
        published = reports.publish(manager, fund, draft)
        db.session.commit()
        stored = Path(app.config["REPORTS_DIR"]) / published.filename
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == published.sha256
        assert stored.read_bytes() == render(contents(fund, 2025, 2), reports.edition_of(published))  # again
        with pytest.raises(Refused) as again:
            reports.publish(manager, fund, published)
        assert again.value.status == 409
        with pytest.raises(Refused) as unexplained:
            reports.generate(manager, fund, 2025, 2)
        assert "note" in unexplained.value.fields
        correction = reports.generate(manager, fund, 2025, 2, "Beta's 2025 Q2 headcount verified.")
        db.session.commit()
        assert correction.version == 2
        with pytest.raises(Refused) as identical:                 # it would print what version 1 printed
            reports.publish(manager, fund, correction)
        assert identical.value.status == 422 and "version 1" in identical.value.fields["report"]
        db.session.rollback()
        jobs.verify(manager, jobs.report_of(companies["B"], D(2025, 6, 30)))   # the data quality moves
        db.session.commit()
        reports.publish(manager, fund, db.session.get(QuarterlyReport, correction.id))
        db.session.commit()
        found, found_fund, later = reports.verification(published.sha256)
        assert (found.id, found_fund.id, later.id) == (published.id, fund.id, correction.id)
        assert reports.pdf_of(fund, published) == stored.read_bytes()          # the old one stays available
        listed = reports.reports_of(fund, drafts=False)
        assert [(item.report.version, item.superseded_by and item.superseded_by.version) for item in listed] == [
            (2, None), (1, 2)]


def test_the_database_refuses_to_change_a_published_report(app, db, portfolio_):
    fund, manager, *_ = portfolio_
    with app.test_request_context():
        report = reports.publish(manager, fund, reports.generate(manager, fund, 2025, 2))
        db.session.commit()
        report_id, sha256 = report.id, report.sha256
    for statement in ("UPDATE quarterly_reports SET sha256 = 'x' WHERE id = :id",
                      "DELETE FROM quarterly_reports WHERE id = :id"):
        with pytest.raises(DatabaseError):
            db.session.execute(text(statement), {"id": report_id})
        db.session.rollback()
    assert db.session.get(QuarterlyReport, report_id).sha256 == sha256


@pytest.mark.parametrize(("year", "quarter", "field"), [
    (2026, 4, "quarter"),        # has not ended on 2026-11-24
    (2022, 4, "quarter"),        # before the fund's vintage: nothing to report
    (2025, 5, "quarter"), (1200, 1, "year"), ("2025", 1, "year"),
])
def test_quarters_that_cannot_be_reported(app, db, portfolio_, year, quarter, field):
    fund, manager, *_ = portfolio_
    with app.test_request_context(), pytest.raises(Refused) as refusal:
        reports.generate(manager, fund, year, quarter, today=D(2026, 11, 24))
    assert field in refusal.value.fields
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(QuarterlyReport)) == 0


def test_a_fund_without_data_has_nothing_to_report(app, db):
    from tests.factories import FundFactory, UserFactory
    fund = FundFactory(vintage_year=2024)
    with app.test_request_context(), pytest.raises(Refused, match="nothing to report"):
        reports.generate(UserFactory(), fund, 2024, 2)


def test_the_command_line_generates_and_publishes(runner, app, db, portfolio_):
    fund, *_ = portfolio_
    result = runner.invoke(args=["report", "generate", "--fund", str(fund.id), "--quarter", "2025Q2", "--publish"])
    assert result.exit_code == 0, result.output
    report = db.session.scalar(select(QuarterlyReport))
    assert report.published and report.sha256 in result.output
    assert (Path(app.config["REPORTS_DIR"]) / report.filename).exists()
    refused = runner.invoke(args=["report", "generate", "--fund", str(fund.id), "--quarter", "2099Q1"])
    assert refused.exit_code == 1 and "has not ended" in refused.output
    bad = runner.invoke(args=["report", "generate", "--all", "--quarter", "2025-06"])
    assert bad.exit_code == 2
    every = runner.invoke(args=["report", "generate", "--all", "--quarter", "2025Q3"])
    assert every.exit_code == 0 and "2025Q3 version 1 draft" in every.output


def test_page_one_tells_the_quarter_against_the_previous_one(app, db, portfolio_):
    """2025 Q2 against 2025 Q1, by hand: Delta sold on 30 April 2025 for 800.00, 200.00 under its cost
    (NAV 8,500.00 to 8,300.00), no call,
    payment or investment in Q2 (Alpha's follow-on was in Q1), Beta's and Alpha's Q2 headcount."""
    fund, *_ = portfolio_
    with app.test_request_context():
        page_one = pdf_pages(render(contents(fund, 2025, 2)))[0]
        now, then = metrics_as_of(fund, D(2025, 6, 30)), metrics_as_of(fund, D(2025, 3, 31))
        jobs_now, jobs_then = load_jobs(fund).figures(D(2025, 6, 30)), load_jobs(fund).figures(D(2025, 3, 31))
        with force_locale("en"):
            from fundapp.web.formatting import money
            expected = [
                f"Partners have been called {money(now.called, 'KES')} to date (unchanged from the previous "
                f"quarter) and have paid in {money(now.paid_in, 'KES')} (unchanged from the previous quarter).",
                f"The fund has invested {money(now.invested, 'KES')} to date (unchanged from the previous "
                "quarter), with 0 investments made in the quarter against 1 in the previous one.",
                f"Its net asset value is {money(now.nav, 'KES')} (down {money(then.nav - now.nav, 'KES')} from "
                f"the previous quarter) and its TVPI {ratio(now.tvpi)}, against {ratio(then.tvpi)} a quarter "
                "earlier.",
                f"Its portfolio companies count {fte(jobs_now.net_created)} net jobs created, in full-time "
                f"equivalents (",
            ]
    assert now.nav == then.nav - 20_000 and jobs_now.net_created != jobs_then.net_created  # sold under its mark
    for sentence in expected:
        assert spaced(sentence) in page_one, sentence
    moved = jobs_now.net_created - jobs_then.net_created
    assert f"{'up' if moved > 0 else 'down'} {fte(abs(moved))} from the previous quarter" in page_one
    assert "Contents" in page_one and "1. Summary" in page_one          # the contents before the sections
