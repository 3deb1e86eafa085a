"""Reading solver input: every problem in a file reported at once, each with its path.

Both formats use the same :class:`Checker`. A reader walks the document, asks the checker
for each field with its expected kind and range, and at the end calls
:meth:`Checker.raise_if_any`. Messages name the field by its path in the file, as in
``applicants[12].locations[0].lat: expected a number``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

MISSING: Any = object()
"""Marks a field that is absent (as opposed to present with the value null)."""

INVALID: Any = object()
"""Returned for a field that failed its check; the caller keeps going to find more problems."""

_KIND_NAMES = {
    "int": "a whole number",
    "number": "a number",
    "string": "a string",
    "list": "a list",
    "object": "an object",
    "bool": "true or false",
    "date": "a date (YYYY-MM-DD)",
}


class InputError(Exception):
    """Bad input: a list of messages, each ``path: what is wrong``."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def join(path: str, key: str | int) -> str:
    """Path of a child: ``join("applicants", 3) == "applicants[3]"``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _matches(value: Any, kind: str) -> bool:
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and math.isfinite(value)
        )
    if kind in ("string", "date"):
        return isinstance(value, str)
    if kind == "list":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict)
    if kind == "bool":
        return isinstance(value, bool)
    raise ValueError(f"unknown kind {kind!r}")


class Checker:
    """Collects problems while a reader walks a document."""

    def __init__(self, limit: int = 200):
        self.problems: list[str] = []
        self.limit = limit  # a broken generator can produce thousands; show the first ones

    def fail(self, path: str, message: str) -> Any:
        if len(self.problems) < self.limit:
            self.problems.append(f"{path}: {message}")
        elif len(self.problems) == self.limit:
            self.problems.append("… more problems not shown")
        return INVALID

    @property
    def ok(self) -> bool:
        return not self.problems

    def raise_if_any(self) -> None:
        if self.problems:
            raise InputError(list(self.problems))

    def value(
        self,
        value: Any,
        path: str,
        kind: str,
        *,
        nullable: bool = False,
        minimum: float | None = None,
        maximum: float | None = None,
        below: float | None = None,
        choices: Iterable[Any] | None = None,
    ) -> Any:
        """Check one value; return it (a ``date`` for kind ``date``) or ``INVALID``."""
        if value is None:
            return None if nullable else self.fail(path, f"expected {_KIND_NAMES[kind]}, not null")
        if not _matches(value, kind):
            return self.fail(path, f"expected {_KIND_NAMES[kind]}")
        if kind == "date":
            try:
                return dt.date.fromisoformat(value) if len(value) == 10 else self._bad_date(path)
            except ValueError:
                return self._bad_date(path)
        if minimum is not None and value < minimum:
            return self.fail(path, f"must be at least {minimum}")
        if maximum is not None and value > maximum:
            return self.fail(path, f"must be at most {maximum}")
        if below is not None and value >= below:
            return self.fail(path, f"must be less than {below}")
        if choices is not None:
            allowed = list(choices)
            if value not in allowed:
                shown = ", ".join(json.dumps(c) for c in allowed)
                return self.fail(path, f"must be one of {shown}")
        return value

    def _bad_date(self, path: str) -> Any:
        return self.fail(path, "expected a date (YYYY-MM-DD)")

    def field(
        self,
        obj: dict[str, Any],
        key: str,
        path: str,
        kind: str,
        *,
        default: Any = MISSING,
        **limits: Any,
    ) -> Any:
        """Check ``obj[key]``; a missing key is a problem unless a default is given."""
        where = join(path, key)
        if key not in obj:
            return self.fail(where, "missing") if default is MISSING else default
        return self.value(obj[key], where, kind, **limits)

    def items(self, obj: dict[str, Any], key: str, path: str, **limits: Any) -> list[Any]:
        """A list field; returns ``[]`` when it is missing, null-and-allowed or invalid."""
        value = self.field(obj, key, path, "list", **limits)
        return value if isinstance(value, list) else []

    def objects(self, obj: dict[str, Any], key: str, path: str, **limits: Any):
        """Yield ``(path, element)`` for each element of a list of objects."""
        where = join(path, key)
        for i, element in enumerate(self.items(obj, key, path, **limits)):
            if self.value(element, join(where, i), "object") is not INVALID:
                yield join(where, i), element

    def unique_ids(self, elements: Iterable[tuple[str, dict[str, Any]]], what: str) -> dict[str, str]:
        """Check each element has a unique string ``id``; return id → path."""
        seen: dict[str, str] = {}
        for path, element in elements:
            ident = self.field(element, "id", path, "string")
            if ident is INVALID:
                continue
            if ident in seen:
                first = seen[ident]
                self.fail(join(path, "id"), f"duplicate {what} id {json.dumps(ident)} (first at {first})")
            else:
                seen[ident] = path
        return seen


def load_document(source: str | Path, expected_format: str) -> dict[str, Any]:
    """Read a JSON file (``-`` for standard input) whose ``format`` must be ``expected_format``."""
    try:
        if str(source) == "-":
            import sys

            text = sys.stdin.read()
        else:
            text = Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError([f"{source}: cannot read the file ({exc.strerror or exc})"]) from None
    except UnicodeDecodeError:
        raise InputError([f"{source}: the file is not UTF-8 text"]) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            [f"{source}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"]
        ) from None
    return check_format(document, expected_format)


def check_format(document: Any, expected_format: str) -> dict[str, Any]:
    """Reject anything that is not an object of the expected ``format``."""
    if not isinstance(document, dict):
        raise InputError(["(top level): expected an object"])
    fmt = document.get("format", MISSING)
    if fmt is MISSING:
        raise InputError([f"format: missing (expected {json.dumps(expected_format)})"])
    if fmt != expected_format:
        raise InputError(
            [f"format: unknown format {json.dumps(fmt)} (expected {json.dumps(expected_format)})"]
        )
    return document
