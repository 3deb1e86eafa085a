"""Housing applications: the social worker applies and answers, the coordinator reviews."""

from __future__ import annotations

import re
from dataclasses import dataclass

from housing import vocabulary
from tests.browser.actor import Actor

SHEET_LINKS = {"fi": "suomeksi", "sv": "på svenska", "en": "in English"}


@dataclass(frozen=True)
class ApplicationAnswers:
    support_level: int
    need: str  # a code of vocabulary.SERVICES
    support_hours: str
    need_since: str  # ISO date
    wish: str  # a municipality's name as the person types it
    own_words: str


def _status(actor: Actor, code: str) -> str:
    return actor.t.label(vocabulary.APPLICATION_STATUSES, code)


def application_id(actor: Actor) -> int:
    return int(re.search(r"/applications/(\d+)", actor.page.url).group(1))


def start_draft(actor: Actor, answers: ApplicationAnswers) -> int:
    """On the young person's page: Apply for housing → the support part → Save draft."""
    t = actor.t
    actor.follow(t("Apply for housing"), "application form")
    assert actor.heading() == t("New housing application")
    actor.choose(t("Support level needed"), actor.t.label(vocabulary.SUPPORT_LEVELS, answers.support_level))
    actor.tick(actor.t.label(vocabulary.SERVICES, answers.need))
    actor.fill(t("Support hours a week"), answers.support_hours)
    actor.press(t("Save draft"), "draft saved")
    assert t("The application has been saved.") in actor.notification()
    assert _status(actor, "draft") in actor.text()
    return application_id(actor)


def complete_and_send(actor: Actor, answers: ApplicationAnswers) -> None:
    """On the application page: Complete and send → the rest → Save and send."""
    t = actor.t
    actor.follow(t("Complete and send"), "completing the application")
    actor.fill(t("The need arose on"), answers.need_since)
    actor.fill(t("Wish %(number)d: municipality", number=1), answers.wish)
    actor.fill(t("The young person's own words"), answers.own_words)
    actor.press(t("Save and send"), "sent without consent", status=400)
    consent_needed = t("The young person's consent is needed before the application is sent.")
    assert consent_needed in actor.page.locator(".error-summary").inner_text()
    assert consent_needed in actor.page.locator("#consent-error").inner_text()  # next to the field
    actor.tick(t("The young person has agreed to this application and to their data being used for it"))
    actor.press(t("Save and send"), "application sent")
    assert t("The application has been sent to the housing coordinator.") in actor.notification()
    assert _status(actor, "submitted") in actor.text()


def open_from_list(actor: Actor, first_name: str, last_name: str, tab: str | None = None) -> int:
    """Applications (in the navigation) → [a tab of the coordinator's list] → the person's application
    (named "First Last" among the tasks, "Last, First" in tables)."""
    actor.menu(actor.t("Applications"), "applications")
    if tab is not None:
        actor.follow(tab, "applications: " + tab, exact=False)
    names = (f"{first_name} {last_name}", f"{last_name}, {first_name}")
    actor.follow(re.compile("^(" + "|".join(re.escape(name) for name in names) + ")$"), "application page")
    return application_id(actor)


def _take_step(actor: Actor, step: str, reason_label: str, reason: str, screenshot: str) -> None:
    t = actor.t
    name = actor.t.label(vocabulary.APPLICATION_STEPS, step)
    actor.page.locator("details.step summary", has_text=name).click()
    form = actor.page.locator("details.step[open] form")
    actor.fill(reason_label, reason, within=form)
    actor.press(name, screenshot, within=form)
    assert t("Next steps") in actor.text() or step == "waitlist"


def return_with_question(actor: Actor, question: str) -> None:
    t = actor.t
    _take_step(actor, "return_with_question", t("Question to the social worker"), question, "returned with a question")
    assert t("The application has been returned to the social worker with your question.") in actor.notification()
    assert _status(actor, "returned") in actor.text()
    assert question in actor.text()


def answer_and_send_again(actor: Actor, question: str, answer: str) -> None:
    t = actor.t
    actor.follow(t("Answer and send again"), "answering the question")
    assert question in actor.text()
    actor.fill(t("Your answer to the coordinator's question"), answer)
    actor.press(t("Save and send again"), "answered and sent again")
    assert t("The application has been sent to the housing coordinator.") in actor.notification()
    assert _status(actor, "submitted") in actor.text()


def put_on_waitlist(actor: Actor, note: str) -> int:
    """Returns the position the page shows."""
    t = actor.t
    _take_step(actor, "waitlist", t("Note (needed when aftercare is discretionary)"), note, "on the waiting list")
    assert t("The application is on the waiting list.") in actor.notification()
    assert _status(actor, "waitlisted") in actor.text()
    found = re.search(r"(\d+)\D+(\d+)", actor.page.locator(".toolbar strong").inner_text())
    return int(found.group(1))


def printable_sheet(actor: Actor, language: str) -> str:
    """The young person's sheet in ``language``; returns its text."""
    actor.follow(SHEET_LINKS[language], "printable sheet")
    return actor.page.locator("main").inner_text()
