"""Sessions end from the server: a password change, a reset, deactivation and a new role end
every other session of the account at once, and no session outlives its absolute lifetime."""

from __future__ import annotations

import time

from flask.testing import FlaskClient

from housing.extensions import db
from housing.models import Role, User
from housing.services import accounts
from housing.web.security import LAST_SEEN, LOGIN_AT, SESSION_ID
from tests.factories import PASSWORD, make_user
from tests.housing.conftest import log_in


def browser(app) -> FlaskClient:
    """Another browser of the same user: its own cookies."""
    return app.test_client()


def logged_in(client: FlaskClient) -> bool:
    return client.get("/").status_code == 200


def test_a_password_change_ends_every_other_session_but_this_one(app, client):
    """Before: a stolen session cookie kept working after the owner changed the password."""
    user = make_user(Role.SOCIAL_WORKER)
    log_in(client, user)
    elsewhere = log_in(browser(app), user)
    assert logged_in(elsewhere)
    new = "an entirely new passphrase"
    response = client.post("/account/password", data={"current_password": PASSWORD, "new_password": new,
                                                       "confirm": new})
    assert response.status_code == 302
    assert logged_in(client)
    assert not logged_in(elsewhere)


def test_a_reset_by_an_administrator_ends_the_accounts_sessions(app, client, world):
    victim = log_in(browser(app), world.coordinator)
    assert logged_in(victim)
    log_in(client, world.admin)
    assert client.post(f"/admin/users/{world.coordinator.id}/reset-password").status_code == 200
    assert not logged_in(victim)


def test_deactivation_raises_the_session_version(app, client, world):
    before = world.social_worker.session_version
    log_in(client, world.admin)
    client.post(f"/admin/users/{world.social_worker.id}/active", data={"active": "0"})
    db.session.expire_all()
    assert db.session.get(User, world.social_worker.id).session_version == before + 1


def test_an_approved_role_change_ends_the_accounts_sessions(app, client, world):
    second_admin = make_user(Role.ADMIN)
    worker = log_in(browser(app), world.social_worker)
    assert logged_in(worker)
    log_in(client, world.admin)
    client.post(f"/admin/users/{world.social_worker.id}/edit", data={
        "email": world.social_worker.email, "name": world.social_worker.name, "role": "coordinator",
        "county_id": "PI", "language": "fi"})
    assert logged_in(worker)  # only asked for: nothing changed yet
    log_in(client, second_admin)
    [change] = accounts.pending_role_changes()
    change_id = change.id
    assert client.post(f"/admin/role-changes/{change_id}/approve").status_code == 302
    assert not logged_in(worker)


def test_a_session_token_of_an_older_version_or_without_one_is_refused(app, client):
    user = make_user()
    db.session.commit()
    for token in (str(user.id), f"{user.id}.{user.session_version - 1}", f"{user.id}.x"):
        with client.session_transaction() as session:
            session.update({"_user_id": token, "_fresh": True, LOGIN_AT: int(time.time())})
        assert not logged_in(client), token


def test_a_session_ends_after_its_absolute_lifetime_however_busy(app, client):
    """Before: a session kept alive by requests lasted for ever."""
    log_in(client, make_user())
    lifetime = int(app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds())
    assert lifetime == 12 * 3600  # the default
    with client.session_transaction() as session:
        session[LOGIN_AT] = int(time.time()) - lifetime + 60
        session[LAST_SEEN] = int(time.time())
    assert logged_in(client)
    with client.session_transaction() as session:
        session[LOGIN_AT] = int(time.time()) - lifetime - 1
        session[LAST_SEEN] = int(time.time())
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert "12" in client.get("/login").get_data(as_text=True)  # the reason, with the hours


def test_the_login_form_starts_the_absolute_lifetime(client):
    make_user(email="fresh@example.fi")
    db.session.commit()
    before = int(time.time())
    client.post("/login", data={"email": "fresh@example.fi", "password": PASSWORD})
    with client.session_transaction() as session:
        assert session[LOGIN_AT] >= before
        assert session["_user_id"].endswith(".1")


def _session_cookie(client: FlaskClient) -> str:
    return client.get_cookie("kotipolku_session").value


def test_login_starts_a_new_session_and_logout_ends_it_on_the_server(app, client):
    """Before: the session lived only in its signed cookie, so a copy taken before logging
    out (a shared computer, a stolen cookie) kept working until it expired."""
    user = make_user(Role.SOCIAL_WORKER)
    db.session.commit()
    client.get("/login")
    before_login = _session_cookie(client)
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    after_login = _session_cookie(client)
    assert after_login != before_login
    with client.session_transaction() as session:
        first_id = session[SESSION_ID]
    copy = browser(app)
    copy.set_cookie("kotipolku_session", after_login)
    other_device = log_in(browser(app), user)
    assert logged_in(copy) and logged_in(other_device)

    assert client.post("/logout").status_code == 302
    assert not logged_in(client)
    assert not logged_in(copy)  # the copied cookie is dead on the server
    assert logged_in(other_device)  # logging out here ends only this session

    client.post("/login", data={"email": user.email, "password": PASSWORD})
    with client.session_transaction() as session:
        assert session[SESSION_ID] != first_id
    assert logged_in(client)


def test_a_session_without_an_id_is_refused(app, client):
    user = make_user()
    log_in(client, user)
    with client.session_transaction() as session:
        del session[SESSION_ID]
    assert not logged_in(client)
