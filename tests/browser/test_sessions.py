"""Sessions and login throttling as a browser (and someone with a copied cookie) sees them."""

from __future__ import annotations

from tests.browser.conftest import make_cast
from tests.browser.steps import session

COOKIE = "kotipolku_session"


def _cookie(actor) -> str:
    return next(cookie["value"] for cookie in actor.context.cookies() if cookie["name"] == COOKIE)


def test_login_gives_a_new_session_and_logout_kills_the_old_one_for_a_copy_too(journey, server):
    trip = journey("en")
    cast = make_cast(server, "en")
    worker = trip.actor("sanna")
    worker.open("/login", "login page")
    before = _cookie(worker)
    session.log_in(worker, cast.social_worker)
    after = _cookie(worker)
    assert after != before

    thief = trip.actor("thief")
    thief.context.add_cookies([{"name": COOKIE, "value": after, "url": server.url}])
    thief.open("/", "front page with a copied cookie")
    assert thief.heading() == thief.t("My clients")

    session.log_out(worker)
    thief.open("/", "the copy after logout")
    assert thief.heading() == thief.t("Log in to Kotipolku")  # sent to the login page


def test_repeated_failures_lock_the_account_even_for_the_right_password(journey, server):
    trip = journey("sv")
    cast = make_cast(server, "sv")
    guesser = trip.actor("guesser")
    t = guesser.t
    wrong = type(cast.coordinator)(cast.coordinator.email, cast.coordinator.name, "wrong password")
    for _attempt in range(5):
        session.log_in(guesser, wrong, expect_status=401)
        assert t("The email address or password is not correct.") in guesser.notification()
    session.log_in(guesser, cast.coordinator, expect_status=429)
    assert t.plural("Too many failed attempts. Try again in %(num)d minute.",
                    "Too many failed attempts. Try again in %(num)d minutes.", 15) in guesser.notification()
