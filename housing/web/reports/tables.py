"""A report's table, shown on the page and written to its CSV file from the same rows, so the
page, the chart's description and the download never disagree.

Cells keep their raw values; a column's kind says how a person reads them: a count, a
number of days (one decimal), a share (a percentage) or text. ``None`` is shown as "–".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from babel.numbers import get_decimal_symbol, get_group_symbol
from flask_babel import get_locale

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

    @property
    def numeric(self) -> list[bool]:
        return [column.kind != TEXT for column in self.columns]

    def shown_rows(self) -> list[list[str]]:
        """Every row as a person reads it, formatted here once (a template call per cell is slow)."""
        return [[shown(column.kind, value) for column, value in zip(self.columns, row, strict=True)]
                for row in self.rows]

    def shown_total(self) -> list[str] | None:
        if not self.total:
            return None
        return [shown(column.kind, value) if value != "" else "" for column, value in
                zip(self.columns, self.total, strict=True)]

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


@lru_cache(maxsize=8)
def _symbols(language: str) -> tuple[str, str]:
    return get_group_symbol(language), get_decimal_symbol(language)


def _number(value: float, decimals: int) -> str:
    """Digits grouped and the decimal sign as the language writes them ("1 234,5" in Finnish).
    Babel's own formatter parses its pattern on every call: too slow for tables of thousands of cells."""
    group, decimal = _symbols(str(get_locale()))
    return f"{value:,.{decimals}f}".replace(",", "\x00").replace(".", decimal).replace("\x00", group)


def shown(kind: str, value: Any) -> str:
    """A cell as a person reads it, in their language's number format."""
    if value is None:
        return "–"
    if kind == SHARE:
        return f"{_number(value * 100, 1)} %"
    if kind == DECIMAL:
        rounded = round(value, 1)
        return _number(rounded, 0 if rounded == int(rounded) else 1)
    if kind == COUNT:
        return _number(value, 0)
    return str(value)
