"""An offer: the social worker opens it, prints the decision and records the young person's answer."""

from __future__ import annotations

import re
from datetime import date

from housing import vocabulary
from tests.browser.actor import Actor
from tests.browser.steps.applications import SHEET_LINKS


def open_from_application(actor: Actor, place: str) -> None:
    """On the application's page: Record the answer → the offer of ``place`` ("Unit, label")."""
    t = actor.t
    unit, label = place.split(", ")
    actor.follow(t("Record the answer"), "offer")
    assert actor.heading() == t("Offer: %(place)s, %(unit)s", place=label, unit=unit)
    assert actor.t.label(vocabulary.OFFER_STATUSES, "pending") in actor.text()


def printable_decision(actor: Actor, language: str) -> str:
    """The decision to print, in ``language``; returns its text and goes back to the offer."""
    t = actor.t
    actor.follow(SHEET_LINKS[language], "printable decision")
    assert actor.heading() == t("Decision on a supported housing place")
    decision = actor.page.locator("main").inner_text()
    actor.follow(t("Back to the offer"), "back to the offer")
    return decision


def accept(actor: Actor) -> date:
    """Accepted → the move-in day the page suggests (the first free day) → Record: accepted."""
    t = actor.t
    answer = actor.page.locator("section.steps")
    answer.locator("details.step summary", has_text=re.compile(rf"^\s*{re.escape(t('Accepted'))}\s*$")).click()
    move_in = date.fromisoformat(actor.field(t("Moves in on")).input_value())  # the page suggests one
    actor.press(t("Record: accepted"), "offer accepted", within=answer)
    assert t("The offer is accepted. The unit sees the move-in on %(day)s and records it when it happens.",
             day=move_in.strftime("%d.%m.%Y")) in actor.notification()
    assert actor.t.label(vocabulary.OFFER_STATUSES, "accepted") in actor.text()
    return move_in
