"""The reports, as the coordinator reads them: the equity report and its CSV file."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from tests.browser.actor import Actor


def read_equity_report(actor: Actor, first: date, last: date) -> dict[str, str]:
    """Reports (navigation) → Equity → a period grouped by urgency; returns the whole county's
    row of the table as {column heading: cell}."""
    t = actor.t
    actor.menu(t("Reports"), "reports")
    actor.follow(t("Equity"), "equity report")
    chart = actor.page.locator("figure.chart svg")
    assert chart.count() == 1 and t("Median waiting time in days") in chart.locator("title").text_content()
    actor.fill(t("From"), first.isoformat())
    actor.fill(t("To"), last.isoformat())
    actor.choose(t("Group by"), t("Urgency"))
    actor.press(t("Show"), "equity report, the period by urgency")
    assert t("Period: %(period)s", period="").strip() in actor.text()
    table = actor.page.locator("table", has_text=t("Waiting times and outcomes")).first
    headings = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    total = table.locator("tr", has_text=t("Whole county")).first
    cells = [c.strip() for c in total.locator("th, td").all_inner_texts()]
    return dict(zip(headings, cells, strict=True))


def download_equity_csv(actor: Actor) -> list[dict[str, str]]:
    """The report's "Download as CSV" link: the file's rows as {column: value}."""
    with actor.page.expect_download() as download:
        actor.page.get_by_role("link", name=actor.t("Download as CSV")).click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))
