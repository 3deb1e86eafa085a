"""The service path in a real browser, once in each language: the social worker registers a
young person, adds a referral on their page and sees it there, records that the service
started; the county's coordinator reads it and cannot change it. Every page passes the
checks of ``Actor.arrived`` (status, language, axe-core, reflow, console)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from housing import localtime, vocabulary
from tests.browser.conftest import LANGUAGES, make_cast
from tests.browser.steps import referrals, young_people
from tests.browser.steps.young_people import NewYoungPerson
from tests.factories import identity_code

TAMPERE = {"fi": "Tampere", "sv": "Tammerfors", "en": "Tampere"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_social_worker_adds_a_referral_and_sees_it_on_the_young_persons_page(journey, server, logged_in,
                                                                                language):
    trip = journey(language)
    cast = make_cast(server, language)
    person = NewYoungPerson(identity_code=identity_code(date(2006, 8, 2), 953), first_name="Veera",
                            last_name=f"Salonen-{language}", address="Hallituskatu 3", placement_start="2015-03-01",
                            placement_end="2024-08-02", municipality=TAMPERE[language], language=language)
    worker = logged_in(trip, cast.social_worker)
    young_people.register(worker, person)
    referred_on = localtime.today() - timedelta(days=5)

    referrals.add_referral(worker, "employment", "Ohjaamo Tampere", referred_on.isoformat())
    [line] = referrals.service_path(worker)
    t = worker.t
    assert t.label(vocabulary.REFERRAL_SERVICES, "employment") in line
    assert t.label(vocabulary.REFERRAL_STATUSES, "referred") in line and "Ohjaamo Tampere" in line

    referrals.record_step(worker, "employment", "start", localtime.today().isoformat())
    assert t.label(vocabulary.REFERRAL_STATUSES, "in_progress") in worker.text()

    coordinator = logged_in(trip, cast.coordinator)
    coordinator.menu(t("Young people"), "young people")
    coordinator.follow(f"{person.last_name}, {person.first_name}", "young person")
    [line] = referrals.service_path(coordinator)
    assert t.label(vocabulary.REFERRAL_STATUSES, "in_progress") in line
    assert coordinator.page.get_by_role("link", name=t("Add a referral")).count() == 0
