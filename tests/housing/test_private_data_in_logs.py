"""Identity codes and notes never reach a log line, an error page or an audit event's detail.

Each error path is driven through the real pages with a young person's identity code and
notes in the request; then everything the loggers captured, the page and the audit log
are searched for them.
"""

from __future__ import annotations

import logging
from datetime import date

import pytest
from sqlalchemy import select

from housing import create_app, rules
from housing.extensions import db
from housing.models import AuditEvent
from tests.factories import identity_code
from tests.housing.conftest import log_in

NOTE = "Luottamuksellinen: isä ei saa tietää osoitetta"
CODE = identity_code(date(2007, 5, 17), 977)
FORM = {
    "identity_code": CODE, "first_name": "Venla", "last_name": "Virhepolku", "language": "fi", "gender": "f",
    "placement_type": "substitute_care", "children_in_household": "0", "municipality_code": "837", "notes": NOTE,
}


@pytest.fixture
def quiet_app(app):
    """The same database, but a server error is answered with the error page, as in production."""
    return create_app({"ENV": "testing", "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                       "WTF_CSRF_ENABLED": False, "PROPAGATE_TEST_ERRORS": False,
                       "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})


def _no_secrets(caplog, *texts: str) -> None:
    captured = "\n".join(
        [record.getMessage() for record in caplog.records]
        + [caplog.text]
        + [str(event.detail) for event in db.session.scalars(select(AuditEvent))]
        + list(texts)
    )
    for secret in (CODE, CODE.lower(), NOTE):
        assert secret not in captured


def test_the_engine_never_logs_sql_parameters(app):
    assert db.engine.hide_parameters


def test_a_database_error_while_saving_a_person_logs_no_code_or_note(quiet_app, world, caplog, monkeypatch):
    """Before: the IntegrityError in the log carried the INSERT's parameters, code and notes included."""
    from housing.services import young_people

    world.outsider.identity_code = CODE  # the code is taken, and the clash check is bypassed:
    db.session.commit()                  # the database itself refuses the row
    monkeypatch.setattr(young_people, "_validated_code",  # (…, raw, today, person): parse, check no clash
                        lambda *args: rules.parse_identity_code(args[-3], today=args[-2]))
    caplog.set_level(logging.DEBUG)
    client = log_in(quiet_app.test_client(), world.social_worker)
    response = client.post("/young-people/new", data=FORM)
    assert response.status_code == 500
    assert any(record.levelno >= logging.ERROR and record.exc_info for record in caplog.records)
    # What a developer needs stays: which constraint refused the row.
    assert "uq_young_people_identity_code" in caplog.text or "young_people.identity_code" in caplog.text
    _no_secrets(caplog, response.get_data(as_text=True))


def test_database_errors_keep_their_first_line_without_identity_codes():
    from housing.privacy import scrub

    message = 'duplicate key value violates unique constraint "uq_x"\nDETAIL:  Key (identity_code)=(170507A977A)'
    assert scrub(message) == 'duplicate key value violates unique constraint "uq_x"'
    assert scrub('invalid input syntax for type integer: "170507a977a"') == \
        'invalid input syntax for type integer: "[identity code]"'


def test_refused_and_invalid_requests_log_no_code_or_note(client, login, world, caplog):
    caplog.set_level(logging.DEBUG)
    login(world.social_worker)
    pages = [
        client.post("/young-people/new", data={**FORM, "identity_code": CODE[:-1] + "X"}),  # bad check character
        client.post(f"/young-people/{world.outsider.id}/edit", data=FORM),  # out of scope
        client.post("/young-people/new", data={**FORM, "identity_code": world.outsider.identity_code}),
    ]
    assert [p.status_code for p in pages] == [400, 404, 400]
    login(world.admin)
    pages.append(client.post("/admin/audit", data={"identity_code": CODE}))
    pages.append(client.post("/admin/data-access", data={"identity_code": CODE}))
    # Forms show back what their user typed; the error page of a refusal shows nothing of it.
    _no_secrets(caplog, pages[1].get_data(as_text=True), *[p.headers.get("Location", "") for p in pages])
    events = list(db.session.scalars(select(AuditEvent)))
    assert {"out_of_scope", "identity_code_match", "audit_search"} <= {e.action for e in events}
    assert world.outsider.identity_code not in str([e.detail for e in events])
