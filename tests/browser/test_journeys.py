"""The main journey through the real UI in a real browser, once in each language: a young
person's way from the application to a home and the first support visit there, and the
county's equity report that counts it (read on the page and downloaded as CSV).

Every page on the way is checked by ``Actor.arrived`` (status, language, axe-core, console,
screenshot). Each person keeps their own browser and login for the whole journey, as
colleagues at their own desks would; the unit's worker uses a 390 × 844 phone (``PHONE``).
The steps are in ``tests/browser/steps/``, one module per area.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from housing import localtime
from housing.extensions import db
from housing.models import ShiftPattern, Unit, User
from housing.services.schedule_problem import monday_of
from tests.browser.actor import PHONE, Actor
from tests.browser.conftest import LANGUAGES, Cast, make_cast
from tests.browser.server import LiveServer
from tests.browser.steps import (
    applications,
    moves,
    offers,
    reports,
    rounds,
    schedules,
    support,
    visits,
    waitlist,
    young_people,
)
from tests.browser.steps.applications import ApplicationAnswers
from tests.browser.steps.support import SupportPlan
from tests.browser.steps.visits import VisitRecord
from tests.browser.steps.young_people import NewYoungPerson
from tests.factories import apply_for, identity_code, make_person, make_place

QUESTION = {
    "fi": "Tarvitseeko nuori tukea myös iltaisin?",
    "sv": "Behöver den unga stöd också på kvällarna?",
    "en": "Does the young person need support in the evenings too?",
}
TAMPERE = {"fi": "Tampere", "sv": "Tammerfors", "en": "Tampere"}
ANSWER = {
    "fi": "Kyllä, iltaisin kahdesti viikossa.",
    "sv": "Ja, två kvällar i veckan.",
    "en": "Yes, two evenings a week.",
}
OVERRIDE_REASON = {
    "fi": "Lähempänä Hervannan ammattikoulua.",
    "sv": "Närmare yrkesskolan i Hervanta.",
    "en": "Closer to the vocational school in Hervanta.",
}
GOALS = {
    "fi": "Arjen rytmi ja koulunkäynti.",
    "sv": "En vardagsrytm och skolgången.",
    "en": "A daily rhythm and going to school.",
}
VISIT_NOTES = {
    "fi": "Muuttopäivä: avaimet, kotivakuutus ja kauppalista.",
    "sv": "Inflyttningsdag: nycklar, hemförsäkring och inköpslista.",
    "en": "Moving day: keys, home insurance and a shopping list.",
}
UNIT = "Koivukoti"
WORKER_ON_THE_PHONE = "Ulla Ohjaaja"  # make_cast's unit staff


def _young_person(language: str) -> NewYoungPerson:
    return NewYoungPerson(
        identity_code=identity_code(date(2006, 5, 1), 951), first_name="Eevi", last_name=f"Mäkelä-{language}",
        address="Satakunnankatu 12 B 7", placement_start="2016-01-15", placement_end="2024-05-01",
        municipality=TAMPERE[language], notes="Käy ammattikoulua Hervannassa.", language=language,
    )


def _answers(language: str) -> ApplicationAnswers:
    return ApplicationAnswers(support_level=2, need="mental_health", support_hours="6", need_since="2026-09-01",
                              wish=TAMPERE[language], own_words="Haluan asua lähellä koulua ja ystäviä.")


def _someone_else_waiting(server: LiveServer) -> str:
    """Another young person already on the waiting list, a third free place, and the unit
    working in every language of the service, so that the round has a choice to make: two
    applicants and three places. The unit's worker works around the clock every day (the
    unit is staffed day and night), so that the week planned today has visits today."""
    with server.data():
        unit = db.session.scalar(select(Unit).where(Unit.name == UNIT))
        unit.languages = ["fi", "sv", "en"]
        make_place(unit, label="A3")
        worker = db.session.scalar(select(User).where(User.name == "Sanna Sosiaalityö"))
        coordinator = db.session.scalar(select(User).where(User.name == "Kaisa Koordinaattori"))
        other = make_person(worker, first_name="Onni", last_name="Virtanen", birth=date(2005, 8, 20))
        apply_for(other, coordinator=coordinator)
        staff = db.session.scalar(select(User).where(User.name == WORKER_ON_THE_PHONE))
        db.session.add_all(ShiftPattern(user_id=staff.id, weekday=day, start_minute=0, end_minute=24 * 60)
                           for day in range(7))
        db.session.commit()
        return other.full_name


def _apply_and_wait(trip, cast: Cast, logged_in, person: NewYoungPerson, language: str) -> tuple[Actor, Actor]:
    """The social worker applies, the coordinator asks a question, the worker answers, the
    coordinator puts the application on the waiting list; the worker prints the sheet on a phone."""
    worker = logged_in(trip, cast.social_worker)
    coordinator = logged_in(trip, cast.coordinator)

    young_people.register(worker, person)
    applications.start_draft(worker, _answers(language))
    applications.complete_and_send(worker, _answers(language))

    applications.open_from_list(coordinator, person.first_name, person.last_name, tab=coordinator.t("To review"))
    applications.return_with_question(coordinator, QUESTION[language])

    applications.open_from_list(worker, person.first_name, person.last_name)
    applications.answer_and_send_again(worker, QUESTION[language], ANSWER[language])

    coordinator.open(coordinator.page.url, "the answer arrived")
    assert ANSWER[language] in coordinator.text()
    position = applications.put_on_waitlist(coordinator, "Jälkihuolto ja asunnon tarve tarkistettu.")
    assert position == 1  # needed a home earlier than the one already waiting
    row = waitlist.position_of(coordinator, person.last_name)
    assert row.split()[0] == "1"

    on_the_move = logged_in(trip, cast.social_worker, PHONE)  # the worker on a phone, out of the office
    applications.open_from_list(on_the_move, person.first_name, person.last_name)
    sheet = applications.printable_sheet(on_the_move, language)
    assert worker.t("You are on the waiting list for supported housing.") in sheet
    assert worker.t("You are number %(position)d of %(total)d in the queue.", position=1, total=2) in sheet
    assert TAMPERE[language] in sheet
    return worker, coordinator


def _allocate(coordinator: Actor, person: NewYoungPerson, other: str, language: str) -> str:
    """A round for the two waiting: the coordinator offers the young person another place than
    the round proposes, with a reason, approves the other proposal and closes the round.
    Returns the place offered ("Unit, label")."""
    rounds.run(coordinator, waiting=2)
    taken = {rounds.proposed_place(coordinator, name) for name in (person.full_name, other)}
    place = rounds.offer_another_place(coordinator, person.full_name, OVERRIDE_REASON[language], taken)
    assert place not in taken
    rounds.approve(coordinator, other)
    rounds.close(coordinator)
    return place


def _answer_the_offer(worker: Actor, person: NewYoungPerson, place: str, language: str) -> date:
    """The social worker opens the offer, prints the decision in the young person's language
    and records that they accept. Returns the move-in day."""
    applications.open_from_list(worker, person.first_name, person.last_name)
    offers.open_from_application(worker, place)
    decision = offers.printable_decision(worker, language)
    assert person.full_name in decision
    assert place in decision
    assert worker.t("You are offered a home in supported housing for young people in aftercare:") in decision
    assert OVERRIDE_REASON[language] in decision  # why this place and not the round's
    return offers.accept(worker)


def _plan_the_week(manager: Actor, person: NewYoungPerson, language: str) -> datetime:
    """The unit manager writes the new resident's support plan (a short visit every day, by
    the key worker), plans this week, moves the first visit to start in a minute (the worker
    is with the resident now), and publishes the week. Returns the visit's new start."""
    plan = SupportPlan(key_worker=WORKER_ON_THE_PHONE, visits_per_week=7, minutes_per_visit=30,
                       goals=GOALS[language])
    support.write_plan(manager, UNIT, person.full_name, plan)
    schedules.plan_week(manager, UNIT, monday_of(localtime.today()))
    starts = (localtime.now() + timedelta(minutes=1)).replace(second=0, microsecond=0)
    schedules.move_first_visit(manager, WORKER_ON_THE_PHONE, person.full_name, starts)
    schedules.publish(manager)
    return starts


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_young_person_applies_moves_in_gets_a_support_visit_and_shows_in_the_equity_report(
        journey, server, logged_in, language):
    trip = journey(language)
    cast = make_cast(server, language)
    other = _someone_else_waiting(server)
    person = _young_person(language)

    worker, coordinator = _apply_and_wait(trip, cast, logged_in, person, language)
    place = _allocate(coordinator, person, other, language)
    move_in = _answer_the_offer(worker, person, place, language)
    assert move_in == localtime.today()

    manager = logged_in(trip, cast.unit_manager)
    moves.record_move_in(manager, person.full_name)
    starts = _plan_the_week(manager, person, language)

    on_shift = logged_in(trip, cast.unit_staff, PHONE)
    note = VisitRecord(theme="housing", notes=VISIT_NOTES[language])
    visits.record_on_my_day(on_shift, person.full_name, schedules.clock(on_shift, starts), note)
    assert VISIT_NOTES[language] in visits.open_record_from_my_day(on_shift, person.full_name)

    young_people.open_from_list(worker, person.first_name, person.last_name)  # the social worker reads it too
    read = visits.records_of_young_person(worker)
    assert VISIT_NOTES[language] in read
    assert WORKER_ON_THE_PHONE in read

    # ------------------------------------------------------------------ the equity report
    period = (localtime.today() - timedelta(days=30), localtime.today())
    county = reports.read_equity_report(coordinator, *period)
    assert county[coordinator.t("Moved in")] == "1"  # the young person of this journey, moved in today
    rows = reports.download_equity_csv(coordinator)
    [whole_county] = [row for row in rows if coordinator.t("Whole county") in row.values()]
    assert whole_county[coordinator.t("Moved in")] == "1"
    downloaded = repr(rows)
    assert person.identity_code not in downloaded and person.last_name not in downloaded
