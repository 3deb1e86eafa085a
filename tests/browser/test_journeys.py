"""The main journeys through the real UI in a real browser, once in each language.

Every page on the way is checked by ``Actor.arrived`` (status, language, axe-core, console,
screenshot). Each person keeps their own browser and login for the whole journey, as two
colleagues at their own desks would.

The application journey ends where the product ends today. The journey continues, as the
flows are built, with steps in ``tests/browser/steps/``:
rounds → offer → move-in → schedule → a visit recorded on a 390 × 844 phone (``PHONE``)
→ the equity report and its CSV.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.browser.actor import PHONE
from tests.browser.conftest import LANGUAGES, make_cast
from tests.browser.steps import applications, waitlist, young_people
from tests.browser.steps.applications import ApplicationAnswers
from tests.browser.steps.young_people import NewYoungPerson
from tests.factories import identity_code

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


def _young_person(language: str) -> NewYoungPerson:
    return NewYoungPerson(
        identity_code=identity_code(date(2006, 5, 1), 951), first_name="Eevi", last_name=f"Mäkelä-{language}",
        address="Satakunnankatu 12 B 7", placement_start="2016-01-15", placement_end="2024-05-01",
        municipality=TAMPERE[language], notes="Käy ammattikoulua Hervannassa.", language=language,
    )


def _answers(language: str) -> ApplicationAnswers:
    return ApplicationAnswers(support_level=2, need="mental_health", support_hours="6", need_since="2026-09-01",
                              wish=TAMPERE[language], own_words="Haluan asua lähellä koulua ja ystäviä.")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_social_worker_applies_and_the_coordinator_puts_the_application_on_the_waiting_list(
        journey, server, logged_in, language):
    trip = journey(language)
    cast = make_cast(server, language)
    person = _young_person(language)
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
    assert position == 1
    row = waitlist.position_of(coordinator, person.last_name)
    assert row.split()[0] == "1"

    on_the_move = logged_in(trip, cast.social_worker, PHONE)  # the worker on a phone, out of the office
    applications.open_from_list(on_the_move, person.first_name, person.last_name)
    sheet = applications.printable_sheet(on_the_move, language)
    assert worker.t("You are on the waiting list for supported housing.") in sheet
    assert worker.t("You are number %(position)d of %(total)d in the queue.", position=1, total=1) in sheet
    assert TAMPERE[language] in sheet
