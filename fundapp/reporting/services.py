"""Use cases of quarterly reports: a manager generates a draft, reads it and publishes it; a published
report is stored with its SHA-256 and never changes; a correction is a new version; every download
is logged; anyone can check a file against the published records."""
import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from fundapp.applications.models import Application
from fundapp.audit.models import AuditEntry
from fundapp.audit.services import record
from fundapp.columns import utcnow
from fundapp.errors import Refused
from fundapp.extensions import db
from fundapp.funds.models import Fund
from fundapp.ledger import seals
from fundapp.ledger.entries import hold_ledger
from fundapp.ledger.models import CapitalCall
from fundapp.ledger.rows import seal_key, take_chain_lock
from fundapp.ledger.verification import broken_chains, checkpoint_problems
from fundapp.quarters import quarter_end
from fundapp.reporting.document import Edition, render
from fundapp.reporting.models import QuarterlyReport, ReportDownload
from fundapp.reporting.quarterly import ReportTable, content_digest, contents, stored_tables, tables_of


def reports_dir() -> Path:
    """Where published reports are kept: REPORTS_DIR, else the checkout's reports/ folder."""
    configured = current_app.config.get("REPORTS_DIR")
    return Path(configured) if configured else Path(current_app.root_path).parent / "reports"


def _checked_quarter(fund: Fund, year, quarter, today: date) -> tuple[int, int]:
    errors = {}
    if not isinstance(year, int) or isinstance(year, bool) or not 1990 <= year <= 9999:
        errors["year"] = _("Enter a year such as %(year)d.", year=today.year)
    if not isinstance(quarter, int) or isinstance(quarter, bool) or not 1 <= quarter <= 4:
        errors["quarter"] = _("Choose a quarter from 1 to 4.")
    if errors:
        raise Refused(errors)
    end = quarter_end(year, quarter)
    if end > today:
        raise Refused({"quarter": _("This quarter has not ended yet.")})
    if end < fund.first_day or not has_data(fund, end):
        raise Refused({"quarter": _("The fund has no capital calls or applications by the end of this "
                                    "quarter: there is nothing to report yet.")})
    return year, quarter


def has_data(fund: Fund, end: date) -> bool:
    calls = select(func.count(CapitalCall.id)).where(CapitalCall.fund_id == fund.id,
                                                     CapitalCall.call_date <= end)
    applications = select(func.count(Application.id)).where(Application.fund_id == fund.id,
                                                           Application.submitted_at.is_not(None))
    return bool(db.session.scalar(calls) or db.session.scalar(applications))


def versions_of(fund: Fund, year: int, quarter: int) -> list[QuarterlyReport]:
    return list(db.session.scalars(select(QuarterlyReport).where(
        QuarterlyReport.fund_id == fund.id, QuarterlyReport.year == year, QuarterlyReport.quarter == quarter)
        .order_by(QuarterlyReport.version)))


def check_generation(fund: Fund, year, quarter, note: str = "",
                     today: date | None = None) -> tuple[int, int, list[QuarterlyReport]]:
    """The quarter and its versions, or Refused: not ended, nothing to report, a correction without note."""
    year, quarter = _checked_quarter(fund, year, quarter, today or date.today())
    versions = versions_of(fund, year, quarter)
    if versions and versions[-1].published and not (note or "").strip():
        raise Refused({"note": _("Say what this new version corrects: the published one stays available "
                                 "with your note.")})
    return year, quarter, versions


def generate(actor, fund: Fund, year, quarter, note: str = "", today: date | None = None) -> QuarterlyReport:
    """A draft of the quarter's report (the open draft if there is one). A draft made after a published
    version is its correction and says what it corrects."""
    year, quarter, versions = check_generation(fund, year, quarter, note, today)
    if versions and not versions[-1].published:
        return versions[-1]
    note = (note or "").strip()[:2000]
    report = QuarterlyReport(fund_id=fund.id, year=year, quarter=quarter,
                             version=versions[-1].version + 1 if versions else 1, note=note,
                             created_by_id=actor.id if actor else None, state="draft")
    db.session.add(report)
    record(actor, "report.generate", report, fund_id=fund.id)
    return report


def pdf_of(fund: Fund, report: QuarterlyReport) -> bytes:
    """A draft's PDF from today's data; a published report's stored file, checked against its SHA-256."""
    if not report.published:
        return render(contents(fund, report.year, report.quarter), edition_of(report))
    data = (reports_dir() / report.filename).read_bytes()
    if hashlib.sha256(data).hexdigest() != report.sha256:
        raise StoredReportAltered(f"published report {report.id} does not match its SHA-256")
    return data


def pdf_name(fund: Fund, report: QuarterlyReport) -> str:
    """The name a report's PDF is downloaded under; a draft's says so."""
    suffix = "" if report.published else "-draft"
    return f"report-{fund.id}-{report.period}-v{report.version}{suffix}.pdf"


def edition_of(report: QuarterlyReport) -> Edition:
    return Edition(report.version, not report.published, report.note, report.created_at)


def tables_of_report(fund: Fund, report: QuarterlyReport) -> dict[str, ReportTable]:
    """The report's tables: a published report's as it stored them, never recomputed; a draft's from
    today's data (as are those of a report published before its tables were stored)."""
    if report.published and report.tables is not None:
        return tables_of(report.tables)
    return contents(fund, report.year, report.quarter).tables


class StoredReportAltered(RuntimeError):
    """A published report's stored file is not the one published: it is never served (a server error,
    logged; verify-ledger names it)."""


def publish(actor, fund: Fund, report: QuarterlyReport) -> QuarterlyReport:
    """Render the draft once more, store it, record its SHA-256: from now on it never changes."""
    # The fund's ledger held first, as every entry holds it before it checks its date: an entry made
    # meanwhile is either in the report or refused for its closed quarter, never written under it.
    hold_ledger(fund)
    # Locked then: a second publication at the same moment waits, then finds it published.
    db.session.refresh(report, with_for_update=True)
    if report.published:
        raise Refused({"report": _("This report is already published.")}, status=409)
    made = contents(fund, report.year, report.quarter)
    digest_of_content = content_digest(made)
    corrected = next((r for r in reversed(versions_of(fund, report.year, report.quarter))
                      if r.published and r.version < report.version), None)
    if corrected is not None and corrected.content_sha256 == digest_of_content:
        raise Refused({"report": _("This correction prints exactly what version %(version)d printed: "
                                   "there is nothing to correct. Change the data it corrects first.",
                                   version=corrected.version)})
    report.state = "published"            # rendered as what it is about to be
    data = render(made, edition_of(report))
    digest = hashlib.sha256(data).hexdigest()
    filename = f"fund-{fund.id}/{report.period}-v{report.version}-{digest[:12]}.pdf"
    path = reports_dir() / filename
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        with open(path, "xb") as handle:   # never overwrite a stored report
            handle.write(data)
    report.sha256, report.filename = digest, filename
    report.tables, report.content_sha256 = stored_tables(made.tables), digest_of_content
    report.published_by_id = actor.id if actor else None
    report.ledger_positions, report.ledger_checkpoint = made.ledger_positions, made.checkpoint
    _seal(report)
    record(actor, "report.publish", report, fund_id=fund.id)
    return report


def _seal(report: QuarterlyReport) -> None:
    """Seal a report as it is published, after the report published before it: published reports form
    one chain, in the order of their publication (dated under the chain's lock)."""
    last = (select(QuarterlyReport.seal)
            .where(QuarterlyReport.state == "published", QuarterlyReport.id != report.id)
            .order_by(QuarterlyReport.published_at.desc(), QuarterlyReport.id.desc()).limit(1))
    with db.session.no_autoflush:       # the report is written once, sealed: a published row never changes
        take_chain_lock(db.session.connection())
        report.published_at = utcnow()
        report.previous_seal = db.session.scalar(last) or seals.GENESIS
        report.seal = seals.seal(seal_key(), report.previous_seal, report.content())


def report_problems() -> list[str]:
    """What does not hold of the published reports: a row whose seal or link is broken, a report the
    audit log saw published that is no longer, a stored file that is missing or differs from its
    SHA-256, a file no published report names, a report whose ledger checkpoint the ledger no longer
    matches."""
    key, problems = seal_key(), []
    published = list(db.session.scalars(select(QuarterlyReport).where(QuarterlyReport.state == "published")
                                        .order_by(QuarterlyReport.published_at, QuarterlyReport.id)))
    rows = [(r.id, r.previous_seal, r.seal or "", seals.seal(key, r.previous_seal or "", r.content()))
            for r in published]
    problems += [f"quarterly_reports {problem}" for problem in seals.broken_links(rows)]
    folder = reports_dir()
    for report in published:
        path = folder / report.filename
        if not path.is_file():
            problems.append(f"published report {report.id} ({report.filename}) is missing from {folder}")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != report.sha256:
            problems.append(f"published report {report.id} ({report.filename}) was changed on disk")
        if report.ledger_positions is not None:
            problems += [f"published report {report.id}: {problem}" for problem in
                         checkpoint_problems(report.ledger_positions, report.ledger_checkpoint)]
    logged = set(db.session.scalars(select(AuditEntry.object_id).where(
        AuditEntry.action == "report.publish", AuditEntry.object_id.is_not(None))))
    problems += [f"quarterly_reports row {report_id} was published (audit log) and is no longer"
                 for report_id in sorted(logged - {report.id for report in published})]
    named = {report.filename for report in published}
    problems += [f"{path} is in the reports folder but no published report names it"
                 for path in sorted(folder.glob("fund-*/*.pdf"))
                 if path.relative_to(folder).as_posix() not in named]
    return problems


def log_download(user, report: QuarterlyReport, channel: str) -> None:
    if report.published:
        db.session.add(ReportDownload(report_id=report.id, user_id=user.id if user else None,
                                      channel=channel))


@dataclass
class Listed:
    report: QuarterlyReport
    superseded_by: QuarterlyReport | None
    downloads: int


def reports_of(fund: Fund, drafts: bool) -> list[Listed]:
    """The fund's reports, latest quarter first; each published one with its successor, if any."""
    reports = list(db.session.scalars(select(QuarterlyReport).where(QuarterlyReport.fund_id == fund.id)
                                      .order_by(QuarterlyReport.year.desc(), QuarterlyReport.quarter.desc(),
                                                QuarterlyReport.version.desc())))
    counts = dict(db.session.execute(
        select(ReportDownload.report_id, func.count(ReportDownload.id))
        .where(ReportDownload.report_id.in_([r.id for r in reports]))
        .group_by(ReportDownload.report_id)).all())
    newest: dict[tuple[int, int], QuarterlyReport] = {}
    listed = []
    for report in reports:                    # newest version of each quarter first
        key = (report.year, report.quarter)
        successor = newest.get(key)
        if report.published:
            newest[key] = report
        if report.published or drafts:
            listed.append(Listed(report, successor if report.published else None, counts.get(report.id, 0)))
    return listed


def checkpoint_verification(digest: str) -> tuple[QuarterlyReport, Fund, list[str]] | None:
    """The published report that printed this ledger checkpoint, its fund, and what no longer matches
    of the ledger it was made of, every row up to it checked (nothing when the ledger is unchanged up to
    it); None for no report."""
    report = db.session.scalar(select(QuarterlyReport).where(
        QuarterlyReport.ledger_checkpoint == digest.strip().lower(), QuarterlyReport.state == "published")
        .order_by(QuarterlyReport.published_at).limit(1))
    if report is None:
        return None
    problems = checkpoint_problems(report.ledger_positions, report.ledger_checkpoint)
    return report, db.session.get(Fund, report.fund_id), problems or broken_chains(report.ledger_positions)


def verification(digest: str) -> tuple[QuarterlyReport, Fund, QuarterlyReport | None] | None:
    """The published report with that SHA-256, its fund and the version that supersedes it, or None."""
    digest = digest.strip().lower()
    report = db.session.scalar(select(QuarterlyReport).where(QuarterlyReport.sha256 == digest,
                                                             QuarterlyReport.state == "published"))
    if report is None:
        return None
    fund = db.session.get(Fund, report.fund_id)
    later = db.session.scalar(select(QuarterlyReport).where(
        QuarterlyReport.fund_id == report.fund_id, QuarterlyReport.year == report.year,
        QuarterlyReport.quarter == report.quarter, QuarterlyReport.state == "published",
        QuarterlyReport.version > report.version).order_by(QuarterlyReport.version.desc()))
    return report, fund, later
