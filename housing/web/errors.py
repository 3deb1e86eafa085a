"""Error pages in the user's language, never with a stack trace."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from housing import audit
from housing.extensions import db
from housing.services.errors import NotVisible

ERROR_TEXTS = {
    400: (_l("The request could not be handled"), _l("Something in the request was not right. Go back and try again.")),
    403: (_l("No access"), _l("Your role does not allow this page or action. If you need it, ask your administrator.")),
    404: (_l("Page not found"), _l("The page does not exist, or you do not have access to what it shows.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    413: (_l("Too large"), _l("What you sent is too large.")),
    500: (_l("Something went wrong"), _l("An error occurred on our side. It has been logged. Try again in a moment.")),
}
CSRF_TEXT = _l(
    "The form had expired or did not come from this service, so nothing was saved. "
    "Reload the page and send the form again."
)


def render_error(code: int, message=None):
    title, text = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    return render_template("errors/error.html", code=code, title=title, text=message or text), code


def record_refusal(action: audit.Action, object_type: str | None = None, object_id: Any = None) -> None:
    """A logged-in user was refused (403) or asked for something out of their scope (404):
    a failed event, never a view, so it shows in no one's data-access report as a read.
    Whatever the request had changed is rolled back first."""
    if not current_user.is_authenticated:
        return
    db.session.rollback()
    audit.record(action, object_type=object_type, object_id=object_id, success=False,
                 detail={"endpoint": request.endpoint, "method": request.method})
    try:
        db.session.commit()
    except SQLAlchemyError:  # the refusal is still answered; the failure goes to the log
        db.session.rollback()
        current_app.logger.exception("could not record a refused request")


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, CSRF_TEXT)

    @app.errorhandler(NotVisible)
    def not_visible(error: NotVisible):
        object_type, object_id = (list(error.args) + [None, None])[:2]
        record_refusal(audit.Action.OUT_OF_SCOPE, object_type, object_id)
        return render_error(404)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 403:
            record_refusal(audit.Action.ACCESS_REFUSED)
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        app.logger.exception("unhandled error")
        db.session.rollback()
        if app.testing and app.config.get("PROPAGATE_TEST_ERRORS", True):
            raise error
        return render_error(500)
