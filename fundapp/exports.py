"""Tables as CSV and XLSX downloads (pandas), with formula cells neutralised."""
import io

import pandas as pd
from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """Text a spreadsheet would run as a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def download(frame: pd.DataFrame, name: str, kind: str) -> Response:
    """The frame as an attachment: kind is "csv" or "xlsx"."""
    frame = frame.map(neutralise)
    if kind == "xlsx":
        buffer = io.BytesIO()
        frame.to_excel(buffer, index=False, engine="openpyxl")
        body, mimetype = buffer.getvalue(), XLSX
    else:
        body, mimetype = frame.to_csv(index=False).encode("utf-8-sig"), "text/csv"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{kind}"'})
