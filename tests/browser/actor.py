"""People in a browser: each ``Actor`` is one person's own browser context (cookies, viewport,
language), and every page they arrive at is checked the same way:

- it answered with the expected status and no server error was logged;
- it is in the journey's language (``<html lang>``);
- axe-core finds no serious or critical accessibility violation (WCAG 2.1 AA rules);
- it fits the screen's width: nothing to scroll sideways, on a 390 px phone too (reflow);
- the browser reported no console error (a CSP violation is one) and no dialog opened;
- a screenshot is kept: ``<artefacts>/<journey>-<lang>/NN-<actor>-<step>.png``.

A page that follows a background job (a round, a week being planned) asks the server for the
job's state every second or two and reloads itself when it has ended; ``wait_for_job``
waits for that reload, as the person does, for a bounded time.

Steps find things as a person does, by the text they read in that language: ``actor.t``
translates an English msgid with the app's own catalogues.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel.support import Translations
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Response, Route
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from housing.config import PROJECT_ROOT
from tests.browser.server import LiveServer

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
AXE_SOURCE_FILE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
# What must never be found on a page; "moderate" and "minor" findings are reported, not failed.
FAILING_IMPACTS = ("serious", "critical")
TIMEOUT_MS = 15_000
# The longest a person waits for a round or a week to be ready (a week's solver may use 30 s).
JOB_WAIT_SECONDS = 90
# What static/js/job-progress.js asks while it follows a job.
PROGRESS_POLL = re.compile(r"/progress(\?.*)?$")


class Words:
    """The app's own translations of one language (the msgid when there is none)."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.catalogue = Translations.load(str(PROJECT_ROOT / "translations"), [language])

    def __call__(self, msgid: str, **values: Any) -> str:
        text = self.catalogue.gettext(msgid)
        return text % values if values else text

    def plural(self, singular: str, plural: str, num: int) -> str:
        return self.catalogue.ngettext(singular, plural, num) % {"num": num}

    def label(self, vocabulary: dict, code: Any) -> str:
        """A code list's label (``housing.vocabulary``), as the page shows it."""
        return self(vocabulary[code]._args[0])


def for_whom(action: str, name: str) -> re.Pattern:
    """A link or button that says what it does and, to a screen reader, for whom ("Record the
    visit: Eevi Mäkelä", the name in a visually hidden part)."""
    return re.compile(rf"^\s*{re.escape(action)}\s*:\s*{re.escape(name)}\s*$")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now. The script is evaluated through the DevTools
    protocol, which the page's CSP does not govern, so nothing is added to the page itself."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE_FILE.read_text(encoding="utf-8"))
    results = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations'],"
        " runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})")
    return results["violations"]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        targets = [" ".join(node["target"]) for node in violation["nodes"][:5]]
        lines.append(f"{violation['impact']}: {violation['id']} ({violation['help']}) at {targets}")
    return "\n".join(lines)


@dataclass
class Journey:
    """One journey in one language: its actors, its numbered screenshots, its findings."""

    browser: Browser
    server: LiveServer
    language: str
    name: str
    artefacts: Path
    step: int = 0
    contexts: list[BrowserContext] = field(default_factory=list)
    minor_findings: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.words = Words(self.language)
        self.folder = self.artefacts / f"{self.name}-{self.language}"
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()

    def actor(self, name: str, viewport: dict[str, int] = DESKTOP) -> Actor:
        context = self.browser.new_context(viewport=viewport, locale=self.language, base_url=self.server.url)
        context.set_default_timeout(TIMEOUT_MS)
        self.contexts.append(context)
        return Actor(self, name, context, viewport["width"])

    def screenshot_path(self, actor: str, step: str) -> Path:
        self.step += 1
        slug = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
        return self.folder / f"{self.step:02d}-{actor}-{slug}.png"

    def close(self) -> None:
        if self.minor_findings:
            print(f"\n{self.name}-{self.language}: axe findings below 'serious':", sorted(self.minor_findings))
        for context in self.contexts:
            context.close()
        assert not self.server.server_errors, f"the server logged errors: {self.server.server_errors}"


class Actor:
    """One person in their own browser context."""

    def __init__(self, journey: Journey, name: str, context: BrowserContext, width: int) -> None:
        self.journey, self.name, self.context, self.width = journey, name, context, width
        self.page = context.new_page()
        self.t = journey.words
        self.console_errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda message: message.type == "error" and self.console_errors.append(message.text))
        self.page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        self.page.on("dialog", self._dialog)
        self.held_polls: list[Route] = []
        self.polls_flow = False
        context.route(PROGRESS_POLL, self._progress_poll)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    # ------------------------------------------------------------------ moving around

    def open(self, path: str, step: str, status: int = 200) -> Response:
        response = self.page.goto(path)
        return self.arrived(step, response, status)

    def navigate(self, action: Callable[[], None], step: str, status: int = 200) -> Response:
        """Do something that loads a page (click a link, send a form), then check that page."""
        with self.page.expect_navigation() as navigation:
            action()
        return self.arrived(step, navigation.value, status)

    def follow(self, link_text: str | re.Pattern, step: str, within: Locator | None = None,
               exact: bool = True) -> Response:
        link = (within or self.page).get_by_role("link", name=link_text, exact=exact).first
        return self.navigate(link.click, step)

    def menu(self, item: str, step: str) -> Response:
        """An item of the main navigation."""
        navigation = self.page.get_by_role("navigation", name=self.t("Main navigation"))
        return self.follow(item, step, within=navigation)

    def press(self, button_text: str, step: str, status: int = 200, within: Locator | None = None) -> Response:
        button = (within or self.page).get_by_role("button", name=button_text, exact=True)
        return self.navigate(button.click, step, status)

    # ------------------------------------------------------------------ background jobs

    def _progress_poll(self, route: Route) -> None:
        """The page's question "has the job ended?" waits while a page is being examined, so
        that it cannot reload under the checks; it goes through while the person waits."""
        if self.polls_flow:
            route.continue_()
        else:
            self.held_polls.append(route)

    def _let_polls_through(self) -> None:
        held, self.held_polls = self.held_polls, []
        for poll in held:
            try:
                poll.continue_()
            except PlaywrightError:  # asked by a page that has since been left: nobody waits for it
                pass

    def wait_for_job(self, step: str, seconds: float = JOB_WAIT_SECONDS) -> None:
        """Stay on a page that shows a job's progress until it reloads itself without it (the
        job has ended); every reload is checked like any page."""
        deadline = time.monotonic() + seconds
        not_ended = f"{step}: the job had not ended after {seconds} s ({self.page.url})"
        while self.page.locator("[data-progress-url]").count():
            left = deadline - time.monotonic()
            assert left > 0, not_ended
            self.polls_flow = True
            try:
                with self.page.expect_navigation(timeout=left * 1000) as reload:
                    self._let_polls_through()
            except PlaywrightTimeoutError:
                raise AssertionError(not_ended) from None
            finally:
                self.polls_flow = False
            self.arrived(step, reload.value)

    # ------------------------------------------------------------------ reading and writing

    def field(self, label: str, within: Locator | None = None) -> Locator:
        """The input a visible label names (a required field's label ends in an asterisk)."""
        pattern = re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$")
        labels = (within or self.page).locator("label").filter(has_text=pattern)
        assert labels.count() == 1, f"{labels.count()} labels read {label!r} on {self.page.url}"
        return self.page.locator(f"[id='{labels.get_attribute('for')}']")

    def fill(self, label: str, value: str, within: Locator | None = None) -> None:
        self.field(label, within).fill(value)

    def choose(self, label: str, option_label: str) -> None:
        self.field(label).select_option(label=option_label)

    def tick(self, label: str) -> None:
        """Check a checkbox or a radio button by clicking its label, as a person does (the design
        system draws the box on the label, over the input)."""
        box = self.field(label)
        if not box.is_checked():
            self.page.locator(f"label[for='{box.get_attribute('id')}']").click()
        assert box.is_checked(), f"{label!r} did not get checked on {self.page.url}"

    def heading(self) -> str:
        return self.page.locator("h1").first.inner_text().strip()

    def text(self) -> str:
        return self.page.locator("main").inner_text()

    def notification(self) -> str:
        return " ".join(self.page.locator("main .hds-notification").all_inner_texts())

    # ------------------------------------------------------------------ the checks of every page

    def arrived(self, step: str, response: Response | None, status: int = 200) -> Response:
        page, journey = self.page, self.journey
        assert response is not None, f"{step}: no page was loaded"
        assert response.status == status, f"{step}: {page.url} answered {response.status}, expected {status}"
        assert not journey.server.server_errors, f"{step}: the server logged {journey.server.server_errors}"
        language = page.locator("html").get_attribute("lang")
        assert language == journey.language, f"{step}: the page is in {language!r}, not {journey.language!r}"
        self.check_accessibility(step)
        scrolled = page.evaluate("() => document.documentElement.scrollWidth")
        assert scrolled <= self.width, f"{step}: {scrolled} px wide on a {self.width} px screen (WCAG 1.4.10 reflow)"
        if status >= 400:  # the browser reports the expected refusal itself as a failed load
            self.console_errors = [e for e in self.console_errors if f"status of {status}" not in e]
        assert not self.console_errors, f"{step}: the browser reported {self.console_errors}"
        assert not self.dialogs, f"{step}: a dialog opened (a script ran?): {self.dialogs}"
        page.screenshot(path=str(journey.screenshot_path(self.name, step)), full_page=True)
        self.console_errors.clear()
        return response

    def check_accessibility(self, step: str) -> None:
        violations = axe_violations(self.page)
        failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
        assert not failing, f"{step} ({self.page.url}): accessibility violations:\n{describe(failing)}"
        for violation in violations:
            targets = [" ".join(node["target"]) for node in violation["nodes"][:3]]
            self.journey.minor_findings.add(f"{violation['impact']}: {violation['id']} on {step} at {targets}")
