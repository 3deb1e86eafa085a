"""Moves: the unit records that a young person has moved in."""

from __future__ import annotations

from tests.browser.actor import Actor


def record_move_in(actor: Actor, full_name: str) -> None:
    """Moves (in the navigation) → the coming move-in of the person → Record the move-in (on the
    day the row suggests) → it is no longer among the coming move-ins."""
    t = actor.t
    actor.menu(t("Moves"), "moves")
    coming = actor.page.locator("table tbody tr", has_text=full_name)
    assert coming.count() == 1, f"{full_name} is not among the coming move-ins once"
    actor.press(t("Record the move-in"), "move-in recorded", within=coming)
    assert t("The move-in is recorded. Welcome home!") in actor.notification()
    assert actor.page.locator("table tbody tr", has_text=full_name).count() == 0
