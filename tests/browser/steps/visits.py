"""Support visits: a worker opens their day and records a visit; others read the record."""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Locator

from housing import vocabulary
from tests.browser.actor import Actor, for_whom


@dataclass(frozen=True)
class VisitRecord:
    theme: str  # a code of vocabulary.VISIT_THEMES
    notes: str


def _visit_on_my_day(actor: Actor, full_name: str) -> Locator:
    visit = actor.page.locator("li.day-visit").filter(
        has=actor.page.get_by_role("heading", name=full_name, exact=True))
    assert visit.count() == 1, f"{full_name} has {visit.count()} visits on {actor.page.url}"
    return visit


def record_on_my_day(actor: Actor, full_name: str, starts: str, record: VisitRecord) -> None:
    """My day (in the navigation) → the person's visit, planned at ``starts`` → Record the visit →
    Done, a theme, notes (the planned time and length stand) → Save → back on the day, recorded."""
    t = actor.t
    actor.menu(t("My day"), "my day")
    visit = _visit_on_my_day(actor, full_name)
    assert visit.locator(".day-visit__time").inner_text().startswith(starts)
    actor.follow(for_whom(t("Record the visit"), full_name), "recording the visit", within=visit)
    assert actor.heading() == t("Record a visit")
    actor.tick(actor.t.label(vocabulary.VISIT_OUTCOMES, "done"))
    actor.tick(actor.t.label(vocabulary.VISIT_THEMES, record.theme))
    actor.fill(t("Notes"), record.notes)
    actor.press(t("Save"), "visit recorded")
    assert t("The visit has been recorded.") in actor.notification()
    recorded = _visit_on_my_day(actor, full_name).inner_text()
    assert actor.t.label(vocabulary.VISIT_OUTCOMES, "done") in recorded


def open_record_from_my_day(actor: Actor, full_name: str) -> str:
    """The recorded visit on the day → Open the record; returns the record's text."""
    t = actor.t
    actor.follow(for_whom(t("Open the record"), full_name), "visit record", within=_visit_on_my_day(actor, full_name))
    assert actor.heading() == t("Visit record")
    return actor.text()


def records_of_young_person(actor: Actor) -> str:
    """On the young person's page: Support visits and notes; returns the page's text."""
    t = actor.t
    actor.follow(t("Support visits and notes"), "support visits")
    assert actor.heading() == t("Support visits")
    return actor.text()
