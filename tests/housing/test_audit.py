"""The audit log: every read of client data is written, the log is append-only, and a
young person's data-access report lists who processed their data."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from housing.extensions import db
from housing.models import AuditEvent


def events(**where):
    query = select(AuditEvent).order_by(AuditEvent.id)
    for key, value in where.items():
        query = query.where(getattr(AuditEvent, key) == value)
    return list(db.session.scalars(query))


def test_viewing_a_young_person_writes_an_event_with_who_what_and_where(client, login, world):
    login(world.social_worker)
    assert client.get(f"/young-people/{world.person.id}").status_code == 200
    [event] = events(action="view", young_person_id=world.person.id)
    assert (event.user_id, event.user_email, event.role) == (world.social_worker.id, world.social_worker.email,
                                                              "social_worker")
    assert event.object_type == "young_person" and event.object_id == str(world.person.id)
    assert event.ip == "127.0.0.1" and event.success
    assert event.path == f"/young-people/{world.person.id}"


def test_a_list_writes_one_event_per_person_shown(client, login, world):
    login(world.coordinator)
    assert client.get("/young-people/").status_code == 200
    assert {e.young_person_id for e in events(action="list")} == {world.person.id}


def test_unit_staff_seeing_residents_is_logged(client, login, world):
    login(world.unit_staff)
    assert client.get(f"/units/{world.unit.id}").status_code == 200
    assert [e.young_person_id for e in events(action="list", user_id=world.unit_staff.id)] == [world.person.id]


def test_showing_the_identity_code_in_full_is_its_own_audited_action(client, login, world):
    login(world.social_worker)
    page = client.get(f"/young-people/{world.person.id}").get_data(as_text=True)
    assert world.person.identity_code not in page
    assert world.person.identity_code[:7] + "****" in page
    page = client.post(f"/young-people/{world.person.id}/identity-code").get_data(as_text=True)
    assert world.person.identity_code in page
    assert len(events(action="show_identity_code", young_person_id=world.person.id)) == 1


def test_data_access_report_lists_who_viewed_the_person(client, login, world):
    login(world.unit_staff)
    client.get(f"/young-people/{world.person.id}")
    login(world.admin)
    report = client.get(f"/data-access/{world.person.id}").get_data(as_text=True)
    assert world.unit_staff.email in report
    csv = client.get(f"/data-access/{world.person.id}.csv").get_data(as_text=True)
    assert world.unit_staff.email in csv and ";unit_staff;" in csv
    assert len(events(action="export", young_person_id=world.person.id)) == 2  # the report and the CSV


def test_data_access_report_of_another_person_does_not_list_this_persons_readers(client, login, world):
    login(world.coordinator)
    client.get(f"/young-people/{world.person.id}")
    login(world.other_worker)
    client.get(f"/young-people/{world.outsider.id}")
    login(world.admin)
    report = client.get(f"/data-access/{world.outsider.id}").get_data(as_text=True)
    assert world.other_worker.email in report
    assert world.coordinator.email not in report


def test_admin_finds_the_person_by_identity_code_without_opening_the_record(client, login, world):
    login(world.admin)
    response = client.post("/admin/data-access", data={"identity_code": world.person.identity_code.lower()})
    assert response.status_code == 302 and response.headers["Location"] == f"/data-access/{world.person.id}"
    assert client.get(f"/young-people/{world.person.id}").status_code == 403
    missing = client.post("/admin/data-access", data={"identity_code": "010203A9999"})
    assert missing.status_code == 400


def test_social_worker_reports_only_on_own_clients(client, login, world):
    login(world.social_worker)
    assert client.get(f"/data-access/{world.person.id}").status_code == 200
    assert client.get(f"/data-access/{world.outsider.id}").status_code == 404


def test_logins_are_logged_successful_and_failed(client, world):
    from tests.factories import PASSWORD

    client.post("/login", data={"email": world.coordinator.email, "password": "wrong password"})
    client.post("/login", data={"email": world.coordinator.email, "password": PASSWORD})
    failed, = events(action="login_failed")
    assert not failed.success and failed.detail["email"] == world.coordinator.email
    ok, = events(action="login")
    assert ok.success and ok.user_id == world.coordinator.id


def test_audit_search_finds_events_and_is_itself_logged(client, login, world):
    login(world.social_worker)
    client.get(f"/young-people/{world.person.id}")
    login(world.admin)
    page = client.post("/admin/audit", data={"identity_code": world.person.identity_code,
                                             "action": "view"}).get_data(as_text=True)
    assert world.social_worker.email in page
    assert events(action="audit_search")
    assert world.person.identity_code not in str(events(action="audit_search")[0].detail)


def test_audit_search_keeps_identity_codes_out_of_urls_and_pages_by_post(client, login, world):
    """Before: the search was a GET form, so the code went into the URL and the pager's links."""
    from bs4 import BeautifulSoup

    from housing import audit
    from housing.services import audit_reports

    for _ in range(audit_reports.PAGE_SIZE + 5):
        audit.record(audit.Action.VIEW, object_type="young_person", young_person_id=world.person.id, user=world.admin)
    db.session.commit()
    login(world.admin)
    assert client.get("/admin/audit", query_string={"identity_code": world.person.identity_code}).status_code == 200
    assert not events(action="audit_search")  # a code in a URL is never searched for
    first = client.post("/admin/audit", data={"identity_code": world.person.identity_code})
    soup = BeautifulSoup(first.get_data(as_text=True), "html.parser")
    assert soup.select_one("form#audit-search")["method"] == "post"
    for link in soup.select("a[href]"):
        assert world.person.identity_code not in link["href"]
    next_page = soup.select_one("button[form=audit-search][name=page]")
    assert next_page is not None and next_page["value"] == "2"
    second = client.post("/admin/audit", data={"identity_code": world.person.identity_code, "page": "2"})
    rows = BeautifulSoup(second.get_data(as_text=True), "html.parser").select("table tbody tr")
    assert len(rows) == 5  # 105 events, 100 a page
    assert {e.path for e in events(action="audit_search")} == {"/admin/audit"}


def test_the_session_refuses_to_change_or_delete_audit_events(world):
    from housing import audit

    audit.record(audit.Action.VIEW, object_type="young_person", young_person_id=world.person.id)
    db.session.commit()
    event = events(action="view")[0]
    event.success = False
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    db.session.delete(events(action="view")[0])
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()


def test_postgresql_refuses_update_and_delete_of_audit_events(world):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL")
    from housing import audit

    audit.record(audit.Action.VIEW, object_type="young_person", young_person_id=world.person.id)
    db.session.commit()
    for statement in ("UPDATE audit_events SET success = false", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()


def test_admin_cannot_open_client_records(client, login, world):
    login(world.admin)
    assert client.get(f"/young-people/{world.person.id}").status_code == 403
    assert client.get("/young-people/").status_code == 403
    assert not events(young_person_id=world.person.id, action="view")
