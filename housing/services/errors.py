"""Exceptions services raise; the web layer turns them into pages and messages."""

from __future__ import annotations

from typing import Any


class NotVisible(LookupError):
    """The object does not exist, or the actor may not see it: both answer 404, so that
    out-of-scope ids reveal nothing."""


class RuleViolation(ValueError):
    """A domain rule refuses the change. ``message`` is translatable (lazy) text.

    ``audit_event`` (keyword arguments of ``housing.audit.record``) is written after the
    refused change is rolled back: for refusals that must be on record themselves, such
    as an attempt at one's own access or an identity code that matched someone's record.
    """

    def __init__(self, message, field: str | None = None, audit_event: dict[str, Any] | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.audit_event = audit_event


class RuleViolations(RuleViolation):
    """Several refusals at once (submitting checks everything), each for its own field."""

    def __init__(self, violations: list[RuleViolation]):
        super().__init__(violations[0].message, violations[0].field)
        self.violations = violations
