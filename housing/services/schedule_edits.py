"""The manager's hand edits of a draft week: move, swap or remove a visit.

Every edit is checked against the week's rules (``schedule_rules``) on the stored problem,
and refused with a sentence that says which rule and why, so the published week always
passes the same checks the solver's result does.
"""

from __future__ import annotations

import functools
from datetime import date

from flask_babel import format_time, get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from housing import audit, vocabulary
from housing.extensions import db
from housing.models import ScheduledVisit, ScheduleStatus, User, WeeklySchedule, YoungPerson
from housing.services.errors import RuleViolation
from housing.services.schedule_problem import MINUTES_PER_DAY, id_of, moment, plan_of
from housing.services.schedule_rules import Broken, Placement
from housing.services.scheduling import placements, rules_of

# Which form field a refusal belongs next to.
RULE_FIELDS = {"not_working": "staff_id", "skill": "staff_id", "minutes": "staff_id"}


def move_visit(actor: User, schedule: WeeklySchedule, ref: str, staff_id: int, day: int,
               minute_of_day: int) -> ScheduledVisit:
    """Put a visit (scheduled or not) with ``staff_id`` on ``day`` (0 = Monday) at ``minute_of_day``."""
    _check_editable(schedule, ref)
    if not 0 <= day < 7 or not 0 <= minute_of_day < MINUTES_PER_DAY:
        raise RuleViolation(_l("Choose a day of the week and a time."), field="start")
    placed = placements(schedule)
    placed[ref] = Placement(f"S{staff_id}", day * MINUTES_PER_DAY + minute_of_day)
    _refuse_if_broken(schedule, placed, {ref})
    row = _set(schedule, ref, placed[ref])
    _audit(actor, schedule, "moved", [row])
    return row


def swap_visits(actor: User, schedule: WeeklySchedule, ref: str, other_ref: str) -> None:
    """The two visits change places: each takes the other's worker and time."""
    _check_editable(schedule, ref)
    _check_editable(schedule, other_ref)
    placed = placements(schedule)
    if ref == other_ref or ref not in placed or other_ref not in placed:
        raise RuleViolation(_l("Choose another scheduled visit to swap with."), field="other")
    placed[ref], placed[other_ref] = placed[other_ref], placed[ref]
    _refuse_if_broken(schedule, placed, {ref, other_ref})
    rows = [_set(schedule, ref, placed[ref]), _set(schedule, other_ref, placed[other_ref])]
    _audit(actor, schedule, "swapped", rows)


def remove_visit(actor: User, schedule: WeeklySchedule, ref: str) -> None:
    """Take a visit out of the week; it is listed as unscheduled, removed by hand."""
    _check_editable(schedule, ref)
    row = _row_of(schedule, ref)
    if row is None:
        raise RuleViolation(_l("The visit is not in the schedule."))
    _audit(actor, schedule, "removed", [row])
    schedule.visits.remove(row)
    db.session.flush()


def _check_editable(schedule: WeeklySchedule, ref: str) -> None:
    if schedule.status != ScheduleStatus.DRAFT or schedule.result is None:
        raise RuleViolation(_l("Only a planned draft can be changed. Re-plan a published week to change it."))
    if ref not in {visit["id"] for visit in schedule.problem["visits"]}:
        raise RuleViolation(_l("This visit has already been made or recorded, so it stays as it is."))


def _refuse_if_broken(schedule: WeeklySchedule, placed: dict[str, Placement], changed: set[str]) -> None:
    broken = rules_of(schedule).broken(placed, changed)
    if broken:
        raise RuleViolation(explain(schedule, broken[0], placed), field=RULE_FIELDS.get(broken[0].rule, "start"))


def _row_of(schedule: WeeklySchedule, ref: str) -> ScheduledVisit | None:
    return next((visit for visit in schedule.visits if visit.visit_ref == ref), None)


def _set(schedule: WeeklySchedule, ref: str, placement: Placement) -> ScheduledVisit:
    duration = rules_of(schedule).duration(ref)
    row = _row_of(schedule, ref)
    if row is None:
        resident = next(v["resident"] for v in schedule.problem["visits"] if v["id"] == ref)
        row = ScheduledVisit(visit_ref=ref, support_plan_id=plan_of(ref), young_person_id=id_of(resident))
        schedule.visits.append(row)
    row.staff_id = id_of(placement.staff)
    row.starts_at = moment(schedule.week_start, placement.start)
    row.ends_at = moment(schedule.week_start, placement.start + duration)
    db.session.flush()
    return row


def _audit(actor: User, schedule: WeeklySchedule, change: str, rows: list[ScheduledVisit]) -> None:
    for row in rows:
        audit.record(audit.Action.UPDATE, object_type="weekly_schedule", object_id=schedule.id,
                     young_person_id=row.young_person_id, detail={change: row.visit_ref}, user=actor)


# --- saying why ----------------------------------------------------------------------------------


def time_pattern() -> str:
    """Times of day as the reader's language writes them: 9.05 in Finnish, 09:05 in Swedish,
    and in English the 24-hour clock the rest of the app uses."""
    return "HH:mm" if str(get_locale() or "fi").startswith("en") else "short"


def clock(week_start: date, minute: int) -> str:
    """A minute of the week as the reader's local time of day."""
    return _clock(str(get_locale() or "fi"), time_pattern(), week_start, minute)


@functools.lru_cache(maxsize=4096)
def _clock(language: str, pattern: str, week_start: date, minute: int) -> str:
    # A calendar shows the same few times hundreds of times: Babel formats each once.
    return format_time(moment(week_start, minute), pattern)


def day_name(minute: int) -> str:
    """The weekday of a minute of the week, as written inside a sentence."""
    return vocabulary.weekday_in_sentence(minute // MINUTES_PER_DAY)


def _periods(week_start: date, periods: list[dict], day: int) -> str:
    on_day = [p for p in periods if p["start"] // MINUTES_PER_DAY == day]
    return ", ".join(f"{clock(week_start, p['start'])}–{clock(week_start, p['end'])}" for p in on_day)


def explain(schedule: WeeklySchedule, broken: Broken, placed: dict[str, Placement] | None = None):
    """The refusal in words a manager understands, with names and times. ``placed``: the
    placements that were checked (the week as it stands when None)."""
    placed = placements(schedule) if placed is None else placed
    placement = placed[broken.visit]
    if broken.rule == "not_working":
        return _l("%(worker)s has no shift this week (absent, or no working hours).",
                  worker=_name(User, placement.staff))
    rules = rules_of(schedule)
    return _sentence(schedule.week_start, broken, rules.visits[broken.visit], rules.staff[placement.staff],
                     placement.start)


def _sentence(week: date, broken: Broken, visit: dict, staff: dict, start: int):
    rule, numbers = broken.rule, broken.numbers
    worker, resident = _name(User, staff["id"]), _name(YoungPerson, visit["resident"])
    day = start // MINUTES_PER_DAY
    if rule == "skill":
        return _l("The visit needs the skill “%(skill)s”, which %(worker)s does not have.",
                  skill=vocabulary.label(vocabulary.SKILLS, visit["skill"]), worker=worker)
    if rule == "shift":
        shifts = _periods(week, staff["shifts"], day)
        if not shifts:
            return _l("%(worker)s has no shift on %(day)s.", worker=worker, day=day_name(start))
        return _l("%(worker)s is not at work then: the shift on %(day)s is %(shifts)s.",
                  worker=worker, day=day_name(start), shifts=shifts)
    if rule == "window":
        windows = _periods(week, visit["windows"], day)
        if not windows:
            return _l("%(resident)s has no preferred time for a visit on %(day)s.", resident=resident,
                      day=day_name(start))
        return _l("That is outside %(resident)s's preferred times: on %(day)s they are %(windows)s.",
                  resident=resident, day=day_name(start), windows=windows)
    if rule == "one_a_day":
        return _l("%(resident)s already has a visit on %(day)s: at most one visit a day.",
                  resident=resident, day=day_name(start))
    if rule == "overlap":
        return _l("%(worker)s already has a visit at that time.", worker=worker)
    if rule == "travel_there":
        return _l("Not enough time to get there: %(worker)s can be there at %(earliest)s at the earliest "
                  "(%(travel)d minutes of travel).", worker=worker, earliest=clock(week, numbers["earliest"]),
                  travel=numbers["travel"])
    if rule == "travel_back":
        return _l("%(worker)s would be back at base at %(back)s, after the shift ends at %(end)s.",
                  worker=worker, back=clock(week, numbers["back"]), end=clock(week, numbers["shift_end"]))
    return _l("%(worker)s would have %(used)d visit minutes this week, more than the %(limit)d they have.",
              worker=worker, used=numbers["used"], limit=numbers["limit"])


def _name(model, ref: str) -> str:
    row = db.session.scalar(select(model).where(model.id == id_of(ref)))
    if row is None:
        return ref
    return row.name if model is User else row.full_name
