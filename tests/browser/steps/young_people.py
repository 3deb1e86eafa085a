"""The register of young people: a social worker registers a client."""

from __future__ import annotations

import re
from dataclasses import dataclass

from housing import vocabulary
from tests.browser.actor import Actor


@dataclass(frozen=True)
class NewYoungPerson:
    identity_code: str
    first_name: str
    last_name: str
    address: str
    placement_start: str  # ISO dates: what a date input takes
    placement_end: str
    municipality: str  # its name in the language of the page
    notes: str = ""
    language: str = "fi"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def register(actor: Actor, person: NewYoungPerson) -> int:
    """From anywhere: Young people → Register a young person → fill in → Save. Returns the id."""
    t = actor.t
    actor.menu(t("Young people"), "young people")
    actor.follow(t("Register a young person"), "registration form")
    actor.fill(t("Identity code"), person.identity_code)
    actor.fill(t("First name"), person.first_name)
    actor.fill(t("Last name"), person.last_name)
    actor.choose(t("Language of service"), actor.t.label(vocabulary.LANGUAGES_OF_SERVICE, person.language))
    actor.fill(t("Address"), person.address)
    actor.choose(t("Municipality of residence"), person.municipality)
    actor.choose(t("Care before aftercare"), actor.t.label(vocabulary.PLACEMENT_TYPES, "substitute_care"))
    actor.fill(t("Placement started"), person.placement_start)
    actor.fill(t("Placement ended"), person.placement_end)
    actor.fill(t("Notes"), person.notes)
    actor.press(t("Save"), "young person registered")
    assert t("The young person has been registered.") in actor.notification()
    assert person.full_name in actor.heading()
    return int(re.search(r"/young-people/(\d+)", actor.page.url).group(1))


def open_from_list(actor: Actor, first_name: str, last_name: str) -> None:
    """Young people (in the navigation) → the person ("Last, First" in the list)."""
    actor.menu(actor.t("Young people"), "young people")
    actor.follow(f"{last_name}, {first_name}", "young person")
    assert actor.heading() == f"{first_name} {last_name}"
