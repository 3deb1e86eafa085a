"""Template filters write days and times as the reader's language does."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask_babel import force_locale

from housing.web.templating import format_moment


@pytest.mark.parametrize(("language", "written"), [
    ("fi", "3.12.2026 22.08"),
    ("sv", "2026-12-03 22:08"),
    ("en", "12/3/26 22:08"),  # the 24-hour clock in English too, as everywhere else in the app
])
def test_a_moment_is_its_local_day_and_time_of_day(app, language, written):
    with app.test_request_context("/"), force_locale(language):
        assert format_moment(datetime(2026, 12, 3, 20, 8, tzinfo=UTC), "short") == written


def test_no_moment_is_a_dash(app):
    with app.test_request_context("/"):
        assert format_moment(None) == "–"
