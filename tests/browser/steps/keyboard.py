"""Moving through a page with the keyboard only, as someone who uses no mouse does."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import Locator

from tests.browser.actor import Actor

# A focused element must show it (WCAG 2.4.7): an outline or a ring drawn as a box shadow,
# on the element or, for the design system's checkboxes, on its label's drawn box.
FOCUS_SHOWN = """el => {
  const ring = style => (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
      || (style.boxShadow && style.boxShadow !== 'none');
  if (ring(getComputedStyle(el))) return true;
  const label = el.nextElementSibling;
  return !!label && label.tagName === 'LABEL'
      && (ring(getComputedStyle(label, '::before')) || ring(getComputedStyle(label, '::after')));
}"""


def tab_to(actor: Actor, target: Locator, limit: int = 120) -> int:
    """Press Tab until ``target`` has the focus; returns the presses. Every element the
    focus passes must show that it has it."""
    element = target.element_handle()
    for presses in range(1, limit + 1):
        actor.page.keyboard.press("Tab")
        focused = actor.page.evaluate_handle("() => document.activeElement")
        assert actor.page.evaluate(FOCUS_SHOWN, focused), (
            f"focus is not visible on {actor.page.evaluate('el => el.outerHTML.slice(0, 160)', focused)}")
        if actor.page.evaluate("([a, b]) => a === b", [focused, element]):
            return presses
    raise AssertionError(f"{target} was not reached with {limit} presses of Tab")


def type_into(actor: Actor, label: str, text: str) -> None:
    tab_to(actor, actor.field(label))
    actor.page.keyboard.type(text)


def type_date(actor: Actor, label: str, day: date) -> None:
    """A date input is typed in the order the browser shows its parts: day first in a
    Finnish or Swedish browser, month first in a US-English one (as this Chromium may be)."""
    field = actor.field(label)
    tab_to(actor, field)
    for order in ("%d%m%Y", "%m%d%Y"):
        actor.page.keyboard.type(day.strftime(order))
        if field.input_value() == day.isoformat():
            return
        actor.page.keyboard.press("Shift+Tab")
        actor.page.keyboard.press("Shift+Tab")  # back to the first part of the date
    raise AssertionError(f"{label}: typed {day}, the input holds {field.input_value()!r}")


def toggle(actor: Actor, label: str) -> None:
    tab_to(actor, actor.field(label))
    actor.page.keyboard.press("Space")


def pick(actor: Actor, label: str, first_characters: str) -> None:
    """A closed select takes the option whose label starts with what is typed."""
    tab_to(actor, actor.field(label))
    actor.page.keyboard.type(first_characters)


def press_button(actor: Actor, text: str, step: str, status: int = 200) -> None:
    tab_to(actor, actor.page.get_by_role("button", name=text, exact=True))
    actor.navigate(lambda: actor.page.keyboard.press("Enter"), step, status)
