"""Logging in: clear messages, throttling, demo accounts, CSRF, cookies, forced password change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from housing import create_app
from housing.auth import throttle
from housing.extensions import db
from housing.models import LoginThrottle, Role, User, utcnow
from tests.factories import PASSWORD, make_user


def post_login(client, email, password, ip="10.0.0.1"):
    return client.post("/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": ip})


def test_correct_login_reaches_the_dashboard(client, app):
    user = make_user(Role.COORDINATOR, email="Anna.Koordinaattori@Example.fi")
    db.session.commit()
    response = post_login(client, "  anna.koordinaattori@example.fi ", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    db.session.refresh(user)
    assert user.last_login_at is not None


@pytest.mark.parametrize("language, message", [
    ("fi", "Sähköpostiosoite tai salasana on väärin."),
    ("sv", "E-postadressen eller lösenordet är fel."),
    ("en", "The email address or password is not correct."),
])
def test_wrong_password_gives_a_clear_message_in_the_users_language(client, language, message):
    make_user(email="someone@example.fi")
    db.session.commit()
    client.post("/language", data={"language": language})
    response = post_login(client, "someone@example.fi", "not the password")
    assert response.status_code == 401
    assert message in response.get_data(as_text=True)


def test_unknown_email_gets_the_same_message_as_a_wrong_password(client):
    response = post_login(client, "nobody@example.fi", "whatever")
    assert response.status_code == 401
    assert "Sähköpostiosoite tai salasana on väärin." in response.get_data(as_text=True)


def test_five_failures_lock_the_account_for_fifteen_minutes(client):
    make_user(email="target@example.fi")
    db.session.commit()
    for _ in range(throttle.MAX_FAILURES_PER_ACCOUNT):
        assert post_login(client, "target@example.fi", "guess").status_code == 401
    locked = post_login(client, "target@example.fi", PASSWORD)
    assert locked.status_code == 429
    assert "15" in locked.get_data(as_text=True)
    # After the window the right password works again.
    _move_windows_back(timedelta(minutes=16))
    assert post_login(client, "target@example.fi", PASSWORD).status_code == 302


def _move_windows_back(by: timedelta) -> None:
    db.session.execute(LoginThrottle.__table__.update().values(window_start=utcnow() - by))
    db.session.commit()


def test_one_address_is_throttled_across_accounts_with_a_higher_limit(client):
    db.session.add(LoginThrottle(key=throttle.address_key("10.9.9.9"), window_start=utcnow(),
                                 failures=throttle.MAX_FAILURES_PER_IP))
    make_user(email="innocent@example.fi")
    db.session.commit()
    assert post_login(client, "innocent@example.fi", PASSWORD, ip="10.9.9.9").status_code == 429
    assert post_login(client, "innocent@example.fi", PASSWORD, ip="10.9.9.10").status_code == 302


def test_a_success_does_not_clear_the_accounts_failures(client):
    """Before: the owner's own login (or the attacker's lucky one) wiped the account's count."""
    make_user(email="owner@example.fi")
    db.session.commit()
    for _ in range(throttle.MAX_FAILURES_PER_ACCOUNT - 1):
        assert post_login(client, "owner@example.fi", "guess", ip="10.0.0.66").status_code == 401
    assert post_login(app_client(client), "owner@example.fi", PASSWORD, ip="10.0.0.7").status_code == 302
    assert post_login(client, "owner@example.fi", "guess", ip="10.0.0.66").status_code == 401
    assert post_login(client, "owner@example.fi", PASSWORD, ip="10.0.0.66").status_code == 429


def test_a_valid_login_from_an_address_does_not_reset_its_failures(client):
    """Before: an attacker reset the office address's count with a valid login of their own."""
    make_user(email="attacker@example.fi")
    db.session.add(LoginThrottle(key=throttle.address_key("10.9.9.9"), window_start=utcnow(),
                                 failures=throttle.MAX_FAILURES_PER_IP - 2))
    db.session.commit()
    assert post_login(app_client(client), "attacker@example.fi", PASSWORD, ip="10.9.9.9").status_code == 302
    for n in range(2):
        assert post_login(client, f"victim{n}@example.fi", "guess", ip="10.9.9.9").status_code == 401
    assert post_login(client, "victim9@example.fi", "guess", ip="10.9.9.9").status_code == 429


def test_a_success_takes_back_only_its_own_count(client):
    make_user(email="office@example.fi")
    db.session.add(LoginThrottle(key=throttle.address_key("10.1.1.1"), window_start=utcnow(), failures=7))
    db.session.commit()
    assert post_login(client, "office@example.fi", PASSWORD, ip="10.1.1.1").status_code == 302
    stored = db.session.get(LoginThrottle, throttle.address_key("10.1.1.1"))
    db.session.refresh(stored)
    assert stored.failures == 7


def test_concurrent_attempts_each_get_their_own_count(app):
    """One atomic upsert per key: parallel guesses never read the same count."""
    import threading

    counts: list[int] = []
    start = threading.Barrier(8)

    def attempt():
        with app.app_context():
            start.wait()
            counts.append(throttle.count_attempt("race@example.fi", "10.5.5.5").counts[
                throttle.account_key("race@example.fi")][0])
            db.session.remove()

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(counts) == list(range(1, 9))


def test_a_window_starts_again_after_it_ends(app):
    first = throttle.count_attempt("later@example.fi", "10.6.6.6")
    _move_windows_back(throttle.WINDOW + timedelta(seconds=1))
    second = throttle.count_attempt("later@example.fi", "10.6.6.6")
    key = throttle.account_key("later@example.fi")
    assert first.counts[key][0] == 1 and second.counts[key][0] == 1
    assert second.counts[key][1] > first.counts[key][1]


def app_client(client):
    """Another browser (its own cookies) on the same app."""
    return client.application.test_client()


def test_deactivated_account_cannot_log_in(client):
    make_user(email="gone@example.fi", active=False)
    db.session.commit()
    assert post_login(client, "gone@example.fi", PASSWORD).status_code == 401


def test_demo_accounts_are_refused_outside_demo_mode(app, tmp_path):
    make_user(email="coordinator@demo.fi", password="demo", is_demo=True)
    db.session.commit()
    production = create_app({"ENV": "production", "SECRET_KEY": "x" * 40,
                             "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "WTF_CSRF_ENABLED": False})
    client = production.test_client()
    response = client.post("/login", data={"email": "coordinator@demo.fi", "password": "demo"},
                           base_url="https://localhost")
    assert response.status_code == 401
    assert "demo" in response.get_data(as_text=True)


def test_login_form_without_csrf_token_is_refused_and_changes_nothing(app, tmp_path):
    make_user(email="csrf@example.fi")
    db.session.commit()
    strict = create_app({"ENV": "testing", "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]})
    client = strict.test_client()
    response = client.post("/login", data={"email": "csrf@example.fi", "password": PASSWORD})
    assert response.status_code == 400
    assert "lomake" in response.get_data(as_text=True).lower()  # Finnish: the form had expired …
    assert db.session.scalar(select(func.count()).select_from(LoginThrottle)) == 0
    assert db.session.scalar(select(User.last_login_at).where(User.email == "csrf@example.fi")) is None


def test_session_cookie_is_httponly_lax_and_secure_in_production(app):
    production = create_app({"ENV": "production", "SECRET_KEY": "y" * 40,
                             "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]})
    cookie = production.test_client().get("/login", base_url="https://localhost").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    assert production.config["PERMANENT_SESSION_LIFETIME"] == timedelta(minutes=30)


def test_reset_password_forces_a_change_before_anything_else(client, login):
    user = make_user(Role.SOCIAL_WORKER, must_change_password=True)
    login(user)
    assert client.get("/").headers["Location"] == "/account/password"
    weak = client.post("/account/password", data={"current_password": PASSWORD, "new_password": "short",
                                                   "confirm": "short"})
    assert weak.status_code == 400 and "12" in weak.get_data(as_text=True)
    good = "a much longer passphrase"
    response = client.post("/account/password", data={"current_password": PASSWORD, "new_password": good,
                                                       "confirm": good})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_next_parameter_only_follows_local_paths(client):
    make_user(email="next@example.fi")
    db.session.commit()
    response = client.post("/login?next=https://evil.example/", data={"email": "next@example.fi",
                                                                     "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_logout_ends_the_session(client, login):
    login(make_user())
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_an_idle_session_ends_on_the_server_even_if_the_cookie_is_kept(client, login, app):
    import time

    from housing.web.security import LAST_SEEN

    login(make_user())
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        session[LAST_SEEN] = int(time.time()) - int(app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()) - 5
    assert client.get("/").status_code == 302
