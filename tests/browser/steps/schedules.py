"""A unit's week of support visits: the manager plans it (a background job), moves a visit by
hand and publishes the week for the staff."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from babel.dates import format_date, format_time

from housing import vocabulary
from tests.browser.actor import Actor


def week_label(actor: Actor, monday: date) -> str:
    """The week as the pages name it ("Week 49: 30.11.–6.12.2026")."""
    language = actor.t.language
    return actor.t("Week %(number)d: %(first)s–%(last)s", number=monday.isocalendar().week,
                   first=format_date(monday, "d.M.", locale=language),
                   last=format_date(monday + timedelta(days=6), "d.M.yyyy", locale=language))


def clock(actor: Actor, moment: datetime) -> str:
    """A time of day as the pages write it: 9.05 in Finnish, 09:05 in Swedish and English."""
    language = actor.t.language
    return format_time(moment, "HH:mm" if language == "en" else "short", locale=language)


def plan_week(actor: Actor, unit: str, monday: date) -> None:
    """Schedules (in the navigation) → Plan a week: the unit and the week → Plan the week; then
    wait on the week's page until the draft is ready."""
    t = actor.t
    actor.menu(t("Schedules"), "schedules")
    actor.choose(t("Unit"), unit)
    actor.choose(t("Week"), week_label(actor, monday))
    actor.press(t("Plan the week"), "week being planned")
    actor.wait_for_job("week planned")
    assert actor.heading() == unit
    assert t("Draft") in actor.page.locator(".lead").inner_text()


def move_first_visit(actor: Actor, worker: str, full_name: str, to: datetime) -> None:
    """In the calendar by worker, the worker's first visit of the week (to the resident) → move
    it to ``to`` (local time, same week) → Move the visit."""
    t = actor.t
    calendar = actor.page.get_by_role("table", name=t("Visits by worker"))
    row = calendar.locator("tbody tr").filter(has=actor.page.locator("th", has_text=worker))
    actor.follow(full_name, "a visit to change", within=row)
    assert actor.heading() == t("Change a visit")
    actor.choose(t("Worker"), worker)
    actor.choose(t("Day"), actor.t.label(vocabulary.WEEKDAYS, to.weekday()))
    actor.fill(t("Starts at"), to.strftime("%H:%M"))
    actor.press(t("Move the visit"), "visit moved")
    assert t("The visit has been moved.") in actor.notification()


def publish(actor: Actor) -> None:
    t = actor.t
    actor.press(t("Publish the week"), "week published")
    assert t("The week has been published. Staff see it in their day.") in actor.notification()
    assert t("Published") in actor.page.locator(".lead").inner_text()
