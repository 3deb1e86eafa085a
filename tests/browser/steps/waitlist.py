"""The county's waiting list, as the coordinator reads it."""

from __future__ import annotations

from tests.browser.actor import Actor


def position_of(actor: Actor, last_name: str) -> str:
    """Waiting list (in the navigation) → the row of the person; returns the row's text."""
    t = actor.t
    actor.menu(t("Waiting list"), "waiting list")
    row = actor.page.locator("table tbody tr", has_text=last_name)
    assert row.count() == 1, f"{last_name} is not on the waiting list once"
    return row.inner_text()
