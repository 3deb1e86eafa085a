"""Logging in and out through the login page."""

from __future__ import annotations

from tests.browser.actor import Actor


def log_in(actor: Actor, person, expect_status: int = 200) -> None:
    t = actor.t
    actor.open("/login", "login page")
    assert actor.heading() == t("Log in to Kotipolku")
    actor.fill(t("Email"), person.email)
    actor.fill(t("Password"), person.password)
    actor.press(t("Log in"), "logged in", status=expect_status)


def log_out(actor: Actor) -> None:
    t = actor.t
    actor.press(t("Log out"), "logged out")
    assert actor.heading() == t("Log in to Kotipolku")
    assert t("You have logged out.") in actor.notification()
