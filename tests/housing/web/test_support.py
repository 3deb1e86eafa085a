"""Staff and support plans: the unit manager keeps working times, absences and each resident's
plan, and bad input is explained next to its field with nothing changed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from housing import localtime
from housing.extensions import db
from housing.models import Role, ShiftPattern, StaffAbsence, SupportPlan
from tests.factories import make_person, make_place, make_staff, make_tenancy, make_unit, make_user


class Setting:
    def __init__(self) -> None:
        self.unit = make_unit("PI")
        self.manager = make_user(Role.UNIT_MANAGER, "PI", units=[self.unit])
        self.nurse = make_staff(self.unit, skills=("nurse",))
        self.colleague = make_staff(self.unit)
        self.elsewhere = make_staff(make_unit("PI"))
        self.person = make_person(None)
        self.tenancy = make_tenancy(self.person, make_place(self.unit), localtime.today() - timedelta(days=20))
        db.session.commit()


@pytest.fixture
def setting(app) -> Setting:
    return Setting()


def plan_data(setting: Setting, **changes) -> dict:
    data = {"key_worker_id": setting.nurse.id, "visits_per_week": 2, "minutes_per_visit": 60, "skill_needed": "",
            "goals": "Opinnot jatkuvat.", "start_0": "09:00", "end_0": "12:00", "start_2": "13:00", "end_2": "15:00"}
    data.update(changes)
    return data


def test_the_unit_page_lists_staff_and_residents_plans(page, setting):
    unit_page = page(setting.manager, f"/support/units/{setting.unit.id}", language="en")
    staff = [row.select_one("td").text for row in unit_page.select("table")[0].select("tbody tr")]
    assert sorted(staff) == sorted([setting.nurse.name, setting.colleague.name])
    resident_row = unit_page.select("table")[1].select_one("tbody tr")
    assert setting.person.full_name in resident_row.text and "no support plan" in resident_row.text


def test_a_plan_is_saved_and_shown(page, setting):
    url = f"/support/units/{setting.unit.id}/plans/{setting.tenancy.id}"
    page(setting.manager, url, method="POST", status=302, data=plan_data(setting))
    plan = db.session.scalar(select(SupportPlan))
    assert (plan.key_worker_id, plan.visits_per_week, plan.minutes_per_visit) == (setting.nurse.id, 2, 60)
    assert plan.preferred_times == [{"weekday": 0, "start": 540, "end": 720}, {"weekday": 2, "start": 780, "end": 900}]
    form = page(setting.manager, url)
    assert form.select_one("#start_0")["value"] == "09:00"


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"key_worker_id": "elsewhere"}, "key_worker_id", "Choose the key worker from this unit's staff."),
    ({"visits_per_week": 3}, "visits_per_week", "3 visits a week need at least 3 preferred days"),
    ({"start_5": "10:00", "end_5": "12:00"}, "start_5", "On Saturday the time is outside every shift"),
    ({"start_0": "09:00", "end_0": "09:30"}, "end_0", "shorter than one visit"),
    ({"skill_needed": "nurse", "key_worker_id": "colleague"}, "key_worker_id", "does not have the skill"),
    ({"end_2": ""}, "end_2", "Give both the start and the end, or neither."),
])
def test_a_bad_plan_is_explained_next_to_its_field_and_nothing_is_saved(page, setting, changes, field, message):
    people = {"elsewhere": setting.elsewhere.id, "colleague": setting.colleague.id}
    changes = {k: people.get(v, v) if isinstance(v, str) else v for k, v in changes.items()}
    refused = page(setting.manager, f"/support/units/{setting.unit.id}/plans/{setting.tenancy.id}", method="POST",
                   status=400, language="en", data=plan_data(setting, **changes))
    assert message in refused.select_one(f"#{field}-error").text
    assert db.session.scalar(select(SupportPlan)) is None


def test_working_time_and_skills_are_saved(page, setting):
    url = f"/support/units/{setting.unit.id}/staff/{setting.colleague.id}"
    page(setting.manager, url, method="POST", status=302,
         data={"skills": ["substance_use"], "max_weekly_minutes": 900, "start_1": "12:00", "end_1": "20:00"})
    db.session.expire_all()
    assert setting.colleague.skills == ["substance_use"] and setting.colleague.max_weekly_minutes == 900
    patterns = db.session.scalars(select(ShiftPattern).where(ShiftPattern.user_id == setting.colleague.id))
    assert [(p.weekday, p.start_minute, p.end_minute) for p in patterns] == [(1, 720, 1200)]


def test_a_shift_that_ends_before_it_starts_is_refused(page, setting):
    refused = page(setting.manager, f"/support/units/{setting.unit.id}/staff/{setting.colleague.id}", method="POST",
                   status=400, language="en", data={"start_1": "16:00", "end_1": "08:00"})
    assert "must end after it starts" in refused.select_one("#end_1-error").text
    assert db.session.scalars(select(ShiftPattern).where(ShiftPattern.user_id == setting.colleague.id)).all()


def test_absences_are_recorded_and_an_overlapping_one_is_refused(page, setting):
    url = f"/support/units/{setting.unit.id}/staff/{setting.nurse.id}/absences/new"
    first = localtime.today() + timedelta(days=10)
    page(setting.manager, url, method="POST", status=302,
         data={"first_day": first.isoformat(), "last_day": (first + timedelta(days=4)).isoformat(),
               "reason": "annual_leave"})
    refused = page(setting.manager, url, method="POST", status=400, language="en",
                   data={"first_day": (first + timedelta(days=2)).isoformat(),
                         "last_day": (first + timedelta(days=8)).isoformat(), "reason": "training"})
    assert "already has an absence recorded" in refused.select_one("#first_day-error").text
    backwards = page(setting.manager, url, method="POST", status=400, language="en",
                     data={"first_day": first.isoformat(), "last_day": (first - timedelta(days=1)).isoformat(),
                           "reason": "training"})
    assert "cannot be before the first day" in backwards.select_one("#last_day-error").text
    assert len(db.session.scalars(select(StaffAbsence)).all()) == 1


def test_staff_of_another_unit_are_not_found(page, setting):
    page(setting.manager, f"/support/units/{setting.unit.id}/staff/{setting.elsewhere.id}", status=404)
    other_unit = setting.elsewhere.units[0]
    page(setting.manager, f"/support/units/{other_unit.id}", status=404)
