"""Tables as CSV and XLSX downloads, with what users wrote never read as a formula: in cells, column
headings and sheet names alike."""
import io
import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pandas as pd
from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_NAME_LIMIT = 31
NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Number:
    """A number with its own XLSX format, in a column that mixes kinds (an amount, a ratio, a share and
    a count under one heading); CSV writes the number alone."""
    value: Decimal | int | None
    number_format: str


def neutralise(value):
    """For CSV: text a spreadsheet would run as a formula gets a leading apostrophe; numbers stay
    numbers."""
    if isinstance(value, Number):
        return value.value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def sheet_name(title: str) -> str:
    """A sheet name made of a title: the characters sheet names refuse left out, no leading formula
    character or apostrophe, at most 31 characters."""
    name = NOT_IN_SHEET_NAMES.sub(" ", str(title)).lstrip("".join(FORMULA_STARTS) + "' ")
    return name[:SHEET_NAME_LIMIT].rstrip("' ") or "Table"


def money_format(decimals: int) -> str:
    """An XLSX number format showing an amount with its currency's decimals ("#,##0.00")."""
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _xlsx_cell(sheet, value, number_format: str | None = None):
    """A value for an XLSX row: text is always a text cell (never a formula), as written; numbers stay
    numbers (exact decimals written as they are, in the column's format), dates are dates; a missing
    value is an empty cell."""
    if isinstance(value, Number):
        value, number_format = value.value, value.number_format
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=value)
        if value.startswith(FORMULA_STARTS):
            cell.data_type, cell.quotePrefix = "s", True
        return cell
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if number_format and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = number_format
        return cell
    return value


def xlsx(frame: pd.DataFrame, title: str = "Table", formats: dict | None = None) -> bytes:
    """The frame as one sheet of a workbook, its column headings as the first row; formats names the
    number format of columns (amounts with their currency's decimals)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name(title))
    sheet.append([_xlsx_cell(sheet, str(column)) for column in frame.columns])
    column_formats = [(formats or {}).get(column) for column in frame.columns]
    for row in frame.itertuples(index=False, name=None):
        sheet.append([_xlsx_cell(sheet, value, number_format)
                      for value, number_format in zip(row, column_formats, strict=True)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv(frame: pd.DataFrame) -> bytes:
    """The frame as UTF-8 CSV (with the mark that spreadsheets need), headings and cells neutralised."""
    frame = frame.map(neutralise)
    frame.columns = [neutralise(str(column)) for column in frame.columns]
    return frame.to_csv(index=False).encode("utf-8-sig")


def encoded(frame: pd.DataFrame, kind: str, title: str = "Table", formats: dict | None = None) -> bytes:
    """The frame as a "csv" or "xlsx" file's bytes (one sheet named after title, columns in their formats)."""
    return xlsx(frame, title, formats) if kind == "xlsx" else csv(frame)


def download(frame: pd.DataFrame, name: str, kind: str, title: str | None = None,
             formats: dict | None = None) -> Response:
    """The frame as an attachment: kind is "csv" or "xlsx" (one sheet named after title or name, with
    the columns' number formats)."""
    return Response(encoded(frame, kind, title or name, formats),
                    mimetype=XLSX if kind == "xlsx" else "text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}.{kind}"'})
