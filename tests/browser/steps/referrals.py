"""The service path: the social worker adds a referral on a young person's page and records
what happened; others read it there."""

from __future__ import annotations

from housing import vocabulary
from tests.browser.actor import Actor


def add_referral(actor: Actor, service: str, provider: str, referred_on: str) -> None:
    """From the young person's page: Add a referral → fill in → back on the page with it."""
    t = actor.t
    actor.follow(t("Add a referral"), "referral form")
    actor.choose(t("Service"), t.label(vocabulary.REFERRAL_SERVICES, service))
    actor.fill(t("Provider or place"), provider)
    actor.fill(t("Referred on"), referred_on)
    actor.press(t("Add to the service path"), "referral added")
    assert t("The referral has been added to the service path.") in actor.notification()


def service_path(actor: Actor) -> list[str]:
    """The service path as the young person's page lists it, one referral a line."""
    return [item.strip() for item in actor.page.locator(".service-path__item").all_inner_texts()]


def record_step(actor: Actor, service: str, step: str, day: str) -> None:
    """Open the referral from the young person's page and record one step on its day."""
    t = actor.t
    actor.follow(t.label(vocabulary.REFERRAL_SERVICES, service), "referral")
    actor.page.locator("label", has_text=t.label(vocabulary.REFERRAL_STEPS, step)).click()
    actor.fill(t("On"), day)
    actor.press(t("Record"), "step recorded")
    assert t("The step has been recorded.") in actor.notification()
