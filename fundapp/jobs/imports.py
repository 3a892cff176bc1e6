"""Many headcount reports imported at once from a CSV file or an Excel workbook (pandas): every row
checked first, each bad row named by its line, nothing saved unless every row is good."""
import io
import secrets
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from fundapp import inputs
from fundapp.auth.models import User
from fundapp.database import write_transaction
from fundapp.errors import Refused
from fundapp.extensions import db
from fundapp.funds.models import Fund
from fundapp.jobs.services import COUNTS, checked, file_report, funds_of, invested_company_ids
from fundapp.notifications import background
from fundapp.notifications.models import BackgroundJob
from fundapp.portfolio.models import Company
from fundapp.reporting.closing import closed_through
from fundapp.web.files import written
from fundapp.web.formatting import quarter

KIND = "headcount_import"
IMPORT_COLUMNS = ("company_id", "period", *COUNTS)
IMPORT_LIMIT = 5 * 1024 * 1024
IMPORT_ROWS = 20_000
IMPORT_COLUMNS_READ = 30            # a workbook's first columns: more are never read
UNPACKED_LIMIT = 50 * 1024 * 1024   # what a workbook's parts may hold once unpacked
PROGRESS_EVERY = 500                # lines checked between two reports of progress
NOT_INVESTED = _l("company_id: not a company this fund has invested in.")
YES, NO = {"true", "yes", "y", "1", "x", "oui", "vrai"}, {"", "false", "no", "n", "0", "non", "faux"}


class ImportRefused(Refused):
    """An import refused as a whole: lines holds "line number, reason" for every bad row."""

    def __init__(self, message: str, lines: list[tuple[int, str]] = ()):
        super().__init__({"file": message})
        self.lines = list(lines)


def _csv(text: str) -> pd.DataFrame:
    """A CSV file's rows as text cells; a line of more fields than an import may hold is refused before
    pandas reads it (a line of commas alone would make it build a table of millions of columns)."""
    for line in text.splitlines():
        if line.count(",") >= IMPORT_COLUMNS_READ or line.count(";") >= IMPORT_COLUMNS_READ:
            raise ImportRefused(_("A line holds more than %(count)d columns: this is not a sheet of "
                                  "headcount reports.", count=IMPORT_COLUMNS_READ))
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True,
                       nrows=IMPORT_ROWS + 1)


def _table(data: bytes) -> pd.DataFrame:
    """The uploaded sheet as text cells: XLSX when it is a zip archive, CSV otherwise. No more than the
    rows and columns an import may hold are ever read, whatever the file claims."""
    if len(data) > IMPORT_LIMIT:
        raise ImportRefused(_("The file is larger than 5 MB."))
    try:
        if data.startswith(b"PK\x03\x04"):
            frame = _workbook(data)
        else:
            frame = _csv(data.decode("utf-8-sig"))
    except ImportRefused:
        raise
    except Exception:  # noqa: BLE001  (whatever a broken or hostile file makes a parser raise: it is refused)
        raise ImportRefused(_("Upload a CSV file (UTF-8) or an Excel workbook (.xlsx).")) from None
    frame.columns = [str(column).strip().lower() for column in frame.columns]
    missing = [column for column in IMPORT_COLUMNS if column not in frame.columns]
    if len(missing) == len(IMPORT_COLUMNS):
        raise ImportRefused(_("This is not a sheet of headcount reports: upload a CSV file (UTF-8) or an "
                              "Excel workbook (.xlsx) with the columns of this page's export: %(columns)s.",
                              columns=", ".join(IMPORT_COLUMNS)))
    if missing:
        raise ImportRefused(_("The file lacks the columns: %(columns)s.", columns=", ".join(missing)))
    if frame.empty:
        raise ImportRefused(_("The file holds no reports."))
    if len(frame) > IMPORT_ROWS:
        raise ImportRefused(_("Import at most %(rows)d reports at once.", rows=IMPORT_ROWS))
    return frame


def _workbook(data: bytes) -> pd.DataFrame:
    """The first sheet of a workbook, streamed: its first rows and columns only, so that a small file
    naming a far cell (XFD1048576) or unpacking to gigabytes costs no more than a normal one."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if sum(part.file_size for part in archive.infolist()) > UNPACKED_LIMIT:
            raise ValueError("unpacks beyond the limit")
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        rows = workbook.worksheets[0].iter_rows(max_row=IMPORT_ROWS + 2, max_col=IMPORT_COLUMNS_READ,
                                                values_only=True)
        header = [_cell_text(value) for value in next(rows, ())]
        # a sheet without the columns an import needs is refused before its rows are read
        named = {name.strip().lower() for name in header}
        body = [[_cell_text(value) for value in row] for row in rows] if named >= set(IMPORT_COLUMNS) else []
    finally:
        workbook.close()
    width = max((index + 1 for index, name in enumerate(header) if name), default=0)
    return pd.DataFrame([row[:width] for row in body if any(row)], columns=header[:width], dtype=str)


def _cell_text(value) -> str:
    """A workbook's cell as the text a CSV would hold (a whole number without its ".0")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _company_id(text: str) -> int | None:
    try:
        return inputs.whole_number(text, 1, inputs.MAX_ID)
    except inputs.InputError:
        return None


def _refused(problems: list[tuple[int, str]], total: int) -> ImportRefused:
    return ImportRefused(_("Nothing was imported: %(count)d of %(total)d rows need correcting.",
                           count=len({line for line, _message in problems}), total=total), problems)


def import_reports(actor, fund: Fund, data: bytes, today: date | None = None) -> int:
    """File or correct many reports of the fund's companies: every row is checked first, and nothing
    is saved unless every row is good. Line numbers count the header as line 1."""
    today = today or date.today()
    return save_rows(actor, fund, checked_rows(fund, data, today), today)


def checked_rows(fund: Fund, data: bytes, today: date, progress=None) -> list[tuple[int, int, dict]]:
    """The file's rows as (line, company id, values), every line checked and counted, or ImportRefused."""
    frame = _table(data)
    invested = set(db.session.scalars(invested_company_ids(fund.id)))
    problems: list[tuple[int, str]] = []
    rows, seen, closed = [], {}, {}
    for index, raw in enumerate(frame.to_dict("records")):
        if progress and index % PROGRESS_EVERY == 0:
            progress(index, len(frame))
        line = index + 2
        values = {key: str(value).strip() for key, value in raw.items()}
        company_id = _company_id(values["company_id"])
        if company_id not in invested:
            problems.append((line, str(NOT_INVESTED)))
            continue
        verified = values.get("verified", "").lower()
        if verified not in YES | NO:
            problems.append((line, _("verified: write yes or no.")))
            continue
        try:
            _period, period_end, _counts = checked(values, today)
        except Refused as refusal:
            problems.extend((line, f"{field}: {message}") for field, message in refusal.fields.items())
            continue
        if company_id not in closed:
            closed[company_id] = closed_through(funds_of(company_id))
        if closed[company_id] is not None and period_end <= closed[company_id]:
            problems.append((line, _("period: %(quarter)s is closed (its quarterly report is published); "
                                     "import only later quarters.", quarter=quarter(period_end))))
            continue
        if (company_id, period_end) in seen:
            problems.append((line, _("the same company and quarter as line %(line)d.",
                                     line=seen[company_id, period_end])))
            continue
        seen[company_id, period_end] = line
        rows.append((line, company_id, {**values, "verified": verified in YES}))
    if problems:
        raise _refused(problems, len(frame))
    return rows


def save_rows(actor, fund: Fund, rows: list[tuple[int, int, dict]], today: date) -> int:
    """File or correct the reports of rows checked_rows gave; how many."""
    companies = {c.id: c for c in db.session.scalars(select(Company).where(
        Company.id.in_({company_id for _line, company_id, _values in rows}),
        Company.id.in_(invested_company_ids(fund.id))))}
    # checked in a transaction of their own (a long import's): an investment reversed since is refused
    gone = [(line, str(NOT_INVESTED)) for line, company_id, _values in rows if company_id not in companies]
    if gone:
        raise _refused(gone, len(rows))
    for _line, company_id, values in rows:
        file_report(actor, companies[company_id], values, by_manager=True, today=today)
    return len(rows)


def _incoming(name: str) -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "incoming" / name


def start_import(user: User, fund: Fund, data: bytes) -> BackgroundJob:
    """Keep the uploaded file until a worker has imported it, once this request has committed."""
    background.refuse_if_busy(user)         # before the file takes room on the disk
    name = f"{secrets.token_hex(16)}.upload"
    path = _incoming(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    written(path)                       # a request that rolls back leaves no file behind
    return background.start(user, fund.id, KIND, {"file": name})


@background.task(KIND, _l("Import of headcount reports"), "manage_capital")
def import_file(job: BackgroundJob, params: dict, progress) -> dict:
    """Check every line of the uploaded file, counting them, then save them all or none; the file goes."""
    user, fund = db.session.get(User, job.user_id), db.session.get(Fund, job.fund_id)
    path, today = _incoming(params["file"]), date.today()
    try:
        with force_locale(user.language):
            rows = checked_rows(fund, path.read_bytes(), today, progress)
            progress(len(rows), len(rows))
            with write_transaction():
                return {"imported": save_rows(user, fund, rows, today)}
    finally:
        path.unlink(missing_ok=True)
