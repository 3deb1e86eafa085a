"""A report's table, shown on the page and written to its CSV file from the same rows, so the
page, the chart's description and the download never disagree.

Cells keep their raw values; a column's kind says how a person reads them: a count, a
number of days (one decimal), a share (a percentage) or text. ``None`` is shown as "–".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import format_decimal

TEXT, COUNT, DECIMAL, SHARE = "text", "count", "decimal", "share"


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = COUNT


@dataclass
class Table:
    caption: str
    columns: Sequence[Column]
    rows: list[list[Any]] = field(default_factory=list)
    total: list[Any] | None = None  # shown last, in bold; written first to the CSV file

    def csv_header(self) -> list[str]:
        return [column.header for column in self.columns]

    def csv_rows(self) -> list[list[Any]]:
        rows = ([self.total] if self.total else []) + self.rows
        return [[csv_value(column.kind, value) for column, value in zip(self.columns, row, strict=True)]
                for row in rows]


def csv_value(kind: str, value: Any) -> Any:
    """Numbers as numbers (shares as percentages, one decimal), so a spreadsheet can count with them."""
    if value is None:
        return ""
    if kind == SHARE:
        return round(value * 100, 1)
    if kind == DECIMAL:
        return round(value, 1)
    return value


def shown(kind: str, value: Any) -> str:
    """A cell as a person reads it, in their language's number format."""
    if value is None:
        return "–"
    if kind == SHARE:
        return f"{format_decimal(round(value * 100, 1), format='#,##0.0')} %"
    if kind == DECIMAL:
        return format_decimal(round(value, 1), format="#,##0.#")
    if kind == COUNT:
        return format_decimal(value, format="#,##0")
    return str(value)
