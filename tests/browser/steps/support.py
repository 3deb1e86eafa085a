"""Support in the unit: the unit manager writes a new resident's support plan."""

from __future__ import annotations

from dataclasses import dataclass

from tests.browser.actor import Actor, for_whom


@dataclass(frozen=True)
class SupportPlan:
    key_worker: str  # the worker's name, as the list shows it
    visits_per_week: int
    minutes_per_visit: int
    goals: str


def write_plan(actor: Actor, unit: str, full_name: str, plan: SupportPlan) -> None:
    """Staff and plans (in the navigation) → the unit → Make a plan (for the resident) → Save the plan."""
    t = actor.t
    actor.menu(t("Staff and plans"), "staff and plans")
    actor.follow(unit, "unit's staff and plans")
    actor.follow(for_whom(t("Make a plan"), full_name), "support plan form")
    assert actor.heading() == t("Support plan")
    actor.choose(t("Key worker"), plan.key_worker)
    actor.fill(t("Visits a week"), str(plan.visits_per_week))
    actor.fill(t("Minutes a visit"), str(plan.minutes_per_visit))
    actor.fill(t("Goals of the support"), plan.goals)
    actor.press(t("Save the plan"), "support plan saved")
    assert t("The support plan of %(name)s has been saved.", name=full_name) in actor.notification()
    row = actor.page.locator("table tbody tr", has_text=full_name).inner_text()
    assert plan.key_worker in row
    assert t("%(visits)d × %(minutes)d min a week", visits=plan.visits_per_week,
             minutes=plan.minutes_per_visit) in row
