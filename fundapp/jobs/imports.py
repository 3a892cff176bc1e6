"""Many headcount reports imported at once from a CSV file or an Excel workbook (pandas): every row
checked first, each bad row named by its line, nothing saved unless every row is good."""
import io
import zipfile
from datetime import date

import openpyxl
import pandas as pd
from flask_babel import gettext as _
from sqlalchemy import select

from fundapp import inputs
from fundapp.errors import Refused
from fundapp.extensions import db
from fundapp.funds.models import Fund
from fundapp.jobs.services import COUNTS, checked, file_report, invested_company_ids
from fundapp.portfolio.models import Company

IMPORT_COLUMNS = ("company_id", "period", *COUNTS)
IMPORT_LIMIT = 5 * 1024 * 1024
IMPORT_ROWS = 20_000
IMPORT_COLUMNS_READ = 30            # a workbook's first columns: more are never read
UNPACKED_LIMIT = 50 * 1024 * 1024   # what a workbook's parts may hold once unpacked
YES, NO = {"true", "yes", "y", "1", "x", "oui", "vrai"}, {"", "false", "no", "n", "0", "non", "faux"}


class ImportRefused(Refused):
    """An import refused as a whole: lines holds "line number, reason" for every bad row."""

    def __init__(self, message: str, lines: list[tuple[int, str]] = ()):
        super().__init__({"file": message})
        self.lines = list(lines)


def _table(data: bytes) -> pd.DataFrame:
    """The uploaded sheet as text cells: XLSX when it is a zip archive, CSV otherwise. No more than the
    rows and columns an import may hold are ever read, whatever the file claims."""
    if len(data) > IMPORT_LIMIT:
        raise ImportRefused(_("The file is larger than 5 MB."))
    try:
        if data.startswith(b"PK\x03\x04"):
            frame = _workbook(data)
        else:
            frame = pd.read_csv(io.StringIO(data.decode("utf-8-sig")), dtype=str, keep_default_na=False,
                                skipinitialspace=True, nrows=IMPORT_ROWS + 1)
    except (ValueError, UnicodeDecodeError, zipfile.BadZipFile, pd.errors.ParserError, KeyError, OSError):
        raise ImportRefused(_("Upload a CSV file (UTF-8) or an Excel workbook (.xlsx).")) from None
    frame.columns = [str(column).strip().lower() for column in frame.columns]
    missing = [column for column in IMPORT_COLUMNS if column not in frame.columns]
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
        rows = [[_cell_text(value) for value in row] for row in workbook.worksheets[0].iter_rows(
            max_row=IMPORT_ROWS + 2, max_col=IMPORT_COLUMNS_READ, values_only=True)]
    finally:
        workbook.close()
    header, *body = rows or [[]]
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


def import_reports(actor, fund: Fund, data: bytes, today: date | None = None) -> int:
    """File or correct many reports of the fund's companies: every row is checked first, and nothing
    is saved unless every row is good. Line numbers count the header as line 1."""
    today = today or date.today()
    frame = _table(data)
    invested = set(db.session.scalars(invested_company_ids(fund.id)))
    problems: list[tuple[int, str]] = []
    rows, seen = [], {}
    for index, raw in enumerate(frame.to_dict("records")):
        line = index + 2
        values = {key: str(value).strip() for key, value in raw.items()}
        company_id = _company_id(values["company_id"])
        if company_id not in invested:
            problems.append((line, _("company_id: not a company this fund has invested in.")))
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
        if (company_id, period_end) in seen:
            problems.append((line, _("the same company and quarter as line %(line)d.",
                                     line=seen[company_id, period_end])))
            continue
        seen[company_id, period_end] = line
        rows.append((company_id, {**values, "verified": verified in YES}))
    if problems:
        raise ImportRefused(_("Nothing was imported: %(count)d of %(total)d rows need correcting.",
                              count=len({line for line, _m in problems}), total=len(frame)), problems)
    companies = {c.id: c for c in db.session.scalars(select(Company).where(Company.id.in_(invested)))}
    for company_id, values in rows:
        file_report(actor, companies[company_id], values, by_manager=True, today=today)
    return len(rows)
