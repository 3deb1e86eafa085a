"""Keeping client data out of error texts (and so out of logs, error reports and job records).

SQL parameters are hidden by the engine (``hide_parameters``), but the database's own error
message can still quote the data: PostgreSQL adds ``DETAIL: Key (identity_code)=(…)``
to a unique violation and ``Failing row contains (…)`` — notes included — to a check or
not-null violation. Every database error is therefore cut to its first line (the kind of
error and the constraint's name, which is what a developer needs) before anyone sees it,
and anything shaped like an identity code is masked in what is left.
"""

from __future__ import annotations

import re

from sqlalchemy import event
from sqlalchemy.engine import Engine, ExceptionContext

IDENTITY_CODE = re.compile(r"\b\d{6}[-+A-FU-Ya-fu-y]\d{3}[0-9A-Ya-y]\b")
MASK = "[identity code]"


def scrub(text: str) -> str:
    """The first line only, identity codes masked."""
    first_line = text.strip().splitlines()[0] if text.strip() else ""
    return IDENTITY_CODE.sub(MASK, first_line)


def _scrub_database_error(context: ExceptionContext) -> None:
    original = context.original_exception
    if original.args and isinstance(original.args[0], str):
        original.args = (scrub(original.args[0]), *original.args[1:])
    wrapped = context.sqlalchemy_exception
    if wrapped is not None and wrapped.args and isinstance(wrapped.args[0], str):
        kind = f"({type(original).__module__}.{type(original).__name__})"
        wrapped.args = (f"{kind} {scrub(str(original))}",)


def install() -> None:
    """Scrub the errors of every engine (idempotent)."""
    if not event.contains(Engine, "handle_error", _scrub_database_error):
        event.listen(Engine, "handle_error", _scrub_database_error)
