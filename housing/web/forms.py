"""Form handling shared by every area: validate, call the service, commit or explain."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template
from flask_wtf import FlaskForm

from housing import audit
from housing.extensions import db
from housing.services.errors import RuleViolation


def show_rule_violation(form: FlaskForm, violation: RuleViolation) -> None:
    """Attach a service's refusals to their fields, or show them above the form.

    A field path such as ``wishes.0.municipality`` names the form field ``wishes_0_municipality``.
    """
    for one in getattr(violation, "violations", [violation]):
        field = getattr(form, one.field.replace(".", "_"), None) if one.field else None
        if field is not None:
            field.errors = [*field.errors, str(one.message)]
        else:
            form.form_errors.append(str(one.message))


def refuse_change(violation: RuleViolation, form: FlaskForm | None = None) -> None:
    """Roll the refused change back and show why (next to its field when a form is given).
    A refusal that must itself be on record (``violation.audit_event``) is audited after
    the rollback, so the record survives it."""
    db.session.rollback()
    if form is not None:
        show_rule_violation(form, violation)
    if violation.audit_event:
        audit.record(**violation.audit_event)
        db.session.commit()


def save_form(form: FlaskForm, operation: Callable[[], Any], success: str, next_url: Callable[[Any], str]) -> Any:
    """On a valid POST run ``operation`` (a service call that flushes), commit, flash
    ``success`` and redirect to ``next_url(result)``. On a refused change roll back, so
    nothing is saved, and return None so the route shows the form with the reason."""
    if not form.validate_on_submit():
        return None
    try:
        result = operation()
    except RuleViolation as violation:
        refuse_change(violation, form)
        return None
    db.session.commit()
    flash(success, "success")
    return redirect(next_url(result))


def rendered_and_committed(template: str, **context: Any) -> str:
    """Render a page, then commit the reads it audited. In this order because a commit
    expires every loaded object: rendering after it would load each row again."""
    page = render_template(template, **context)
    db.session.commit()
    return page


def form_page(template: str, form: FlaskForm, **context: Any) -> Any:
    """Render a form page: status 400 when it carries errors, so clients and tests see it."""
    return render_template(template, form=form, **context), 400 if form.errors else 200
