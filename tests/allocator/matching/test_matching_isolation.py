"""The allocator is pure optimisation: it imports no web framework or database library."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
FORBIDDEN = ("flask", "flask_sqlalchemy", "sqlalchemy", "housing", "alembic", "werkzeug")

BLOCKED_RUN = textwrap.dedent(f"""
    import importlib.abc, sys
    FORBIDDEN = {FORBIDDEN!r}

    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in FORBIDDEN:
                raise ImportError("blocked: " + name)
            return None

    sys.meta_path.insert(0, Block())
    import pkgutil, importlib, allocator, allocator.matching
    for module in pkgutil.walk_packages(allocator.matching.__path__, "allocator.matching."):
        importlib.import_module(module.name)
    from allocator.matching.api import solve_document
    from allocator.matching.generate import generate_problem
    for side in (False, True):
        result = solve_document(generate_problem(40, 15, seed=1, side_constraints=side), time_limit=5)
        assert result["format"] == "housing-allocation-result/1"
    loaded = [name for name in sys.modules if name.split(".")[0] in FORBIDDEN]
    assert not loaded, loaded
    print("ok")
""")


def test_allocator_solves_with_web_libraries_blocked() -> None:
    done = subprocess.run([sys.executable, "-c", BLOCKED_RUN], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_no_source_file_mentions_them() -> None:
    pattern = re.compile(rf"^\s*(from|import)\s+({'|'.join(FORBIDDEN)})\b", re.MULTILINE)
    offenders = [str(path) for path in (ROOT / "allocator").rglob("*.py") if pattern.search(path.read_text())]
    assert offenders == []
