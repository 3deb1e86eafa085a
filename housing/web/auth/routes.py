from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user

from housing import audit
from housing.auth.permissions import AUTHENTICATED, public, requires
from housing.extensions import db
from housing.services import accounts
from housing.web.auth.forms import ChangePasswordForm, LoginForm
from housing.web.forms import form_page, save_form
from housing.web.safety import safe_next_url
from housing.web.security import end_session_on_server, start_session

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        result = accounts.authenticate(
            form.email.data, form.password.data, request.remote_addr or "unknown",
            demo_allowed=current_app.config["DEMO_ACCOUNTS_ALLOWED"],
        )
        db.session.commit()
        if result.outcome == accounts.LoginOutcome.OK:
            session.clear()  # a fresh session on login: no fixation
            login_user(result.user)
            start_session()
            session["language"] = result.user.language
            return redirect(safe_next_url(request.args.get("next")) or url_for("main.dashboard"))
        flash(_login_failure_message(result), "error")
        return render_template("auth/login.html", form=form), 401 if result.outcome != "throttled" else 429
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


def _login_failure_message(result: accounts.LoginResult) -> str:
    if result.outcome == accounts.LoginOutcome.THROTTLED:
        return ngettext("Too many failed attempts. Try again in %(num)d minute.",
                        "Too many failed attempts. Try again in %(num)d minutes.", result.retry_minutes)
    if result.outcome == accounts.LoginOutcome.DEMO_REFUSED:
        return _("Demo accounts work only when the service runs in demo mode.")
    return _("The email address or password is not correct.")


@bp.post("/logout")
@requires(AUTHENTICATED)
def logout():
    audit.record(audit.Action.LOGOUT, object_type="user", object_id=current_user.id)
    end_session_on_server()
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have logged out."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@requires(AUTHENTICATED)
def change_password():
    form = ChangePasswordForm()
    user = current_user._get_current_object()
    done = save_form(
        form, lambda: accounts.change_password(user, form.current_password.data, form.new_password.data),
        _("Your password has been changed. You were logged out everywhere else."),
        lambda _result: url_for("main.dashboard"),
    )
    if done is not None:
        login_user(user)  # this session carries on with the new session version; the others have ended
    return done or form_page("auth/change_password.html", form)
