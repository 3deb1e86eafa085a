"""The real application served on a free loopback port for a real browser.

It runs in a thread of the test process on a database of its own: a temporary SQLite file,
or ``<HOUSING_TEST_DATABASE_URL>_browser`` on PostgreSQL (created and dropped here), so it
never shares tables with the Flask-client tests that run in the same process. Unlike those
tests' app, it checks CSRF tokens, as production does, and long work (a round, a week's schedule)
runs in a background thread, as it does without Redis. Each journey starts from empty
client tables (``fresh_dataset``); counties and municipalities stay loaded.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.serving import BaseWSGIServer, make_server

from housing import create_app
from housing.extensions import db
from housing.services.reference import load_reference_data
from tests.housing.conftest import empty_client_tables


@dataclass
class LiveServer:
    app: Flask
    url: str
    server_errors: list[str] = field(default_factory=list)

    @contextmanager
    def data(self) -> Iterator[None]:
        """Write test data straight into the server's database (committed by the caller)."""
        with self.app.app_context():
            try:
                yield
            finally:
                db.session.remove()

    def fresh_dataset(self) -> None:
        with self.data():
            empty_client_tables()
        self.server_errors.clear()


class _ErrorRecorder(logging.Handler):
    """Errors the app logs (an unhandled exception becomes a 500 page and a log line)."""

    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.ERROR)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        error = record.exc_info[1] if record.exc_info else None
        self.sink.append(f"{record.getMessage()}: {type(error).__name__ if error else ''} {error or ''}")


def _postgres_database(base_url: str) -> str:
    """A sibling database of the test database, made empty."""
    url = make_url(base_url)
    name = f"{url.database}_browser"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _drop_postgres_database(url: str) -> None:
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


@contextmanager
def live_server(tmp_dir: Path) -> Iterator[LiveServer]:
    base_url = os.environ.get("HOUSING_TEST_DATABASE_URL")
    database_url = _postgres_database(base_url) if base_url else f"sqlite:///{tmp_dir / 'browser.db'}"
    app = create_app({
        "ENV": "testing",
        "DATABASE_URL": database_url,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "PROPAGATE_TEST_ERRORS": False,  # a server error is a 500 page for the browser, and recorded below
    })
    # Rounds and weeks run as they do without Redis (whatever HOUSING_REDIS_URL says): in a
    # thread of the server, while the page shows their progress and reloads itself at the end.
    app.config["REDIS_URL"] = None
    with app.app_context():
        upgrade()
        load_reference_data()
        db.session.commit()
        db.session.remove()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request in the test output
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    live = LiveServer(app, f"http://127.0.0.1:{server.server_port}")

    app.logger.addHandler(_ErrorRecorder(live.server_errors))
    thread = threading.Thread(target=server.serve_forever, name="browser-test-server", daemon=True)
    thread.start()
    try:
        yield live
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()
        if base_url:
            _drop_postgres_database(database_url)
