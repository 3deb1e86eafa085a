"""The accessibility check itself: axe-core, run the way every journey page runs it, finds
what it must (so a journey passing means something)."""

from __future__ import annotations

from tests.browser.actor import FAILING_IMPACTS, axe_violations

BROKEN_PAGE = """<!doctype html><html><head><title>x</title></head><body>
<main><h1>Form</h1><img src="data:,"><input type="text" name="q">
<p style="color:#bbb;background:#fff">Pale text</p></main></body></html>"""


def test_axe_finds_serious_violations_on_a_broken_page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_content(BROKEN_PAGE)
    found = {violation["id"]: violation["impact"] for violation in axe_violations(page)}
    context.close()
    assert {"image-alt", "label", "html-has-lang", "color-contrast"} <= found.keys()
    assert {found["image-alt"], found["label"], found["color-contrast"]} <= set(FAILING_IMPACTS)
