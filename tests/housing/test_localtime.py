"""Finland's day, not the server's: late in the evening UTC it is already tomorrow here."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from housing import localtime


def test_today_is_finlands_date_when_utc_is_still_on_the_day_before(monkeypatch):
    class FrozenDatetime(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 12, 2, 22, 30, tzinfo=UTC).astimezone(tz)

    monkeypatch.setattr(localtime, "datetime", FrozenDatetime)
    assert localtime.today() == date(2026, 12, 3)  # 00:30 in Helsinki
    assert localtime.now().utcoffset().total_seconds() == 2 * 3600


def test_no_code_asks_the_servers_own_day():
    root = Path(__file__).resolve().parents[2] / "housing"
    offenders = [str(path.relative_to(root)) for path in root.rglob("*.py")
                 if path.name != "localtime.py" and "date.today()" in path.read_text(encoding="utf-8")]
    assert offenders == []
