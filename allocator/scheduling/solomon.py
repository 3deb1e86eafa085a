"""Solomon's VRPTW instances as ``support-schedule/1`` problems (for the benchmark).

Converted as issue 4 says: one location per customer and the depot as every staff member's
base; travel = Euclidean distance × 10, rounded; duration = service time × 10; one window
``[ready × 10, (due + service) × 10]`` (Solomon's due time bounds the start of service, ours
the end of the visit); one shift per staff member = the depot's window × 10. Vehicle
capacity is dropped and the number of staff is fixed by the caller.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

SCALE = 10


def read_customers(path: str | Path) -> list[list[int]]:
    """Rows ``[number, x, y, demand, ready, due, service]``; row 0 is the depot."""
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        fields = line.split()
        if len(fields) == 7 and all(f.lstrip("-").isdigit() for f in fields):
            rows.append([int(f) for f in fields])
    return rows


def solomon_problem(path: str | Path, staff: int) -> dict[str, Any]:
    rows = read_customers(path)
    depot, customers = rows[0], rows[1:]
    minutes = [[round(math.hypot(a[1] - b[1], a[2] - b[2]) * SCALE) for b in rows] for a in rows]
    return {
        "format": "support-schedule/1",
        "week_start": "2026-12-07",
        "travel": {"mode": "matrix", "minutes": minutes},
        "locations": [{"id": f"C{row[0]}"} for row in rows],
        "staff": [{"id": f"S{i + 1}", "skills": [], "base": "C0", "max_minutes": None,
                   "shifts": [{"start": depot[4] * SCALE, "end": depot[5] * SCALE}]} for i in range(staff)],
        "visits": [{"id": f"V{row[0]}", "resident": f"R{row[0]}", "location": f"C{row[0]}",
                    "duration": row[6] * SCALE, "skill": None, "key_worker": None,
                    "windows": [{"start": row[4] * SCALE, "end": (row[5] + row[6]) * SCALE}]}
                   for row in customers],
        "previous": [],
    }
