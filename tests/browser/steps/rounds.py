"""Allocation rounds: the coordinator runs a round, decides its proposals and closes it."""

from __future__ import annotations

import re

from playwright.sync_api import Locator

from housing import vocabulary
from tests.browser.actor import Actor


def _status(actor: Actor, code: str) -> str:
    return actor.t.label(vocabulary.ROUND_STATUSES, code)


def _decision(actor: Actor, code: str) -> str:
    return actor.t.label(vocabulary.PROPOSAL_DECISIONS, code)


def run(actor: Actor, waiting: int) -> None:
    """Rounds (in the navigation) → New round → every free place and the whole waiting list →
    Run the round; then wait on the round's page until it has been solved."""
    t = actor.t
    actor.menu(t("Rounds"), "rounds")
    actor.follow(t("New round"), "new round")
    assert actor.t.plural("%(num)d application is on the waiting list on the as-of day.",
                          "%(num)d applications are on the waiting list on the as-of day.", waiting) in actor.text()
    actor.press(t("Run the round"), "round started")
    actor.wait_for_job("round solved")
    assert _status(actor, "done") in actor.heading()
    assert t("%(housed)d of %(total)d housed", housed=waiting, total=waiting) in actor.text()


def proposal(actor: Actor, full_name: str) -> Locator:
    """The proposal of one young person on the round's page."""
    found = actor.page.locator("article.proposal").filter(
        has=actor.page.get_by_role("heading", name=re.compile(re.escape(full_name))))
    assert found.count() == 1, f"{full_name} has {found.count()} proposals on {actor.page.url}"
    return found


def proposed_place(actor: Actor, full_name: str) -> str:
    """"Unit, label" of the place the round proposes to the person."""
    return proposal(actor, full_name).locator("h4 + p strong").first.inner_text().strip()


def offer_another_place(actor: Actor, full_name: str, reason: str, taken: set[str]) -> str:
    """Another place → the first place that suits them and nobody holds → a reason → Offer this
    place. ``taken``: the places ("Unit, label") the round proposes. Returns the place offered."""
    t = actor.t
    actor.follow(t("Another place"), "another place", within=proposal(actor, full_name))
    assert actor.heading() == t("Another place for %(name)s", name=full_name)
    choices = actor.page.locator(".place-choice").filter(has=actor.page.locator("input:not([disabled])"))
    free = [i for i in range(choices.count())
            if choices.nth(i).locator("strong").inner_text().strip() not in taken]
    assert free, f"no free place suits {full_name}: {choices.all_inner_texts()}"
    chosen = choices.nth(free[0])
    place = chosen.locator("strong").inner_text().strip()
    chosen.locator("label").click()
    actor.fill(t("Why this place"), reason)
    actor.press(t("Offer this place"), "another place offered")
    assert t("Another place has been offered, with your reason.") in actor.notification()
    decided = proposal(actor, full_name).inner_text()
    assert _decision(actor, "overridden") in decided and reason in decided
    return place


def approve(actor: Actor, full_name: str) -> None:
    t = actor.t
    actor.press(t("Approve"), "proposal approved", within=proposal(actor, full_name))
    assert t("Approved: the offer has been sent to the social worker.") in actor.notification()
    assert _decision(actor, "approved") in proposal(actor, full_name).inner_text()


def close(actor: Actor) -> None:
    """Every proposal decided: Close the round."""
    t = actor.t
    actor.press(t("Close the round"), "round closed")
    assert t("The round is closed.") in actor.notification()
    assert _status(actor, "closed") in actor.heading()
