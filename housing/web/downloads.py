"""Files people download: one CSV writer for every export, so that no export can forget
what makes a cell safe to open in a spreadsheet.

A cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which
spreadsheets strip before looking) would be run as a formula when the file is opened: a
name typed as ``=HYPERLINK(…)`` could send the sheet's data elsewhere (CWE-1236). Such a
cell gets a leading apostrophe and is shown as the text it is. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from typing import Any

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def as_csv(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> str:
    """Semicolon-separated (spreadsheets in Finnish and Swedish expect it), with a BOM for Excel."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([csv_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return "\ufeff" + out.getvalue()


def csv_response(filename: str, header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> Response:
    """A CSV download (the security headers add ``Cache-Control: no-store``)."""
    return Response(as_csv(header, rows), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})


def zip_of_csv_response(filename: str, files: Iterable[tuple[str, Iterable[Any], Iterable[Iterable[Any]]]]) -> Response:
    """Several CSV files in one download (name, header, rows each), each written by ``as_csv``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, header, rows in files:
            archive.writestr(name, as_csv(header, rows).encode("utf-8"))
    return Response(out.getvalue(), mimetype="application/zip",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})
