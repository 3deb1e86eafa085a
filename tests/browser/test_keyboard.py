"""The application form completed with the keyboard only: every field is reached with Tab
in a sensible order, shows that it has the focus, and takes its value from the keyboard."""

from __future__ import annotations

from datetime import date

from housing import vocabulary
from housing.extensions import db
from housing.models import User
from tests.browser.conftest import make_cast
from tests.browser.steps import keyboard
from tests.factories import make_person


def test_the_application_form_can_be_completed_and_sent_with_the_keyboard_only(journey, server):
    trip = journey("fi")
    cast = make_cast(server, "fi")
    with server.data():
        worker = db.session.query(User).filter_by(email=cast.social_worker.email).one()
        person = make_person(worker, "PI", birth=date(2006, 5, 1), first_name="Niko", last_name="Näppäimistö",
                             placement_start=date(2016, 1, 1), placement_end=date(2024, 5, 1))
        person_id = person.id
        db.session.commit()
    actor = trip.actor("sanna")
    t = actor.t

    actor.open("/login", "login page")
    keyboard.type_into(actor, t("Email"), cast.social_worker.email)
    keyboard.type_into(actor, t("Password"), cast.social_worker.password)
    keyboard.press_button(actor, t("Log in"), "logged in")

    actor.open(f"/applications/new?person={person_id}", "application form")
    actor.page.keyboard.press("Tab")
    assert actor.page.evaluate("() => document.activeElement.textContent.trim()") == t("Skip to content")
    actor.page.keyboard.press("Enter")  # straight to the page's content, past the header
    assert actor.page.evaluate("() => document.activeElement.id") == "main"

    keyboard.pick(actor, t("Support level needed"), "2")
    keyboard.type_into(actor, t("Support hours a week"), "6")
    keyboard.toggle(actor, actor.t.label(vocabulary.SERVICES, "mental_health"))
    keyboard.type_date(actor, t("The need arose on"), date(2026, 9, 1))
    keyboard.type_into(actor, t("Wish %(number)d: municipality", number=1), "Tampere")
    keyboard.type_into(actor, t("The young person's own words"), "Haluan asua lähellä koulua.")
    keyboard.toggle(actor, t("The young person has agreed to this application and to their data being used for it"))
    keyboard.press_button(actor, t("Save and send"), "sent with the keyboard")

    assert t("The application has been sent to the housing coordinator.") in actor.notification()
    text = actor.text()
    assert actor.t.label(vocabulary.APPLICATION_STATUSES, "submitted") in text
    assert actor.t.label(vocabulary.SUPPORT_LEVELS, 2) in text and "1.9.2026" in text
