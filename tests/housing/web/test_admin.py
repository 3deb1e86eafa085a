"""Administrators manage accounts; every change is audited."""

from __future__ import annotations

from sqlalchemy import select

from housing.extensions import db
from housing.models import AuditEvent, Role, User
from tests.factories import PASSWORD


def user_by_email(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def test_admin_creates_a_unit_worker_with_a_one_time_password(client, login, world):
    login(world.admin)
    response = client.post("/admin/users/new", data={
        "email": "Uusi.Ohjaaja@Example.fi", "name": "Uusi Ohjaaja", "role": "unit_staff", "county_id": "PI",
        "unit_ids": [world.unit.id], "language": "sv"})
    assert response.status_code == 200
    user = user_by_email("uusi.ohjaaja@example.fi")
    assert user.role == Role.UNIT_STAFF and user.unit_ids == {world.unit.id} and user.must_change_password
    page = response.get_data(as_text=True)
    temporary = page.split('class="figure identity-code">')[1].split("<")[0].strip()
    client.post("/logout")
    assert client.post("/login", data={"email": "uusi.ohjaaja@example.fi", "password": temporary}).status_code == 302
    assert client.get("/").headers["Location"] == "/account/password"


def test_user_form_refuses_inconsistent_roles_and_changes_nothing(client, login, world):
    login(world.admin)
    cases = [
        {"role": "unit_staff", "county_id": "PI"},                                 # no unit
        {"role": "social_worker", "county_id": "PI", "unit_ids": [world.unit.id]},  # units for a non-unit role
        {"role": "coordinator", "county_id": ""},                                   # no county
        {"role": "unit_manager", "county_id": "HKI", "unit_ids": [world.unit.id]},  # unit of another county
        {"role": "coordinator", "county_id": "PI", "email": world.coordinator.email},  # taken
        {"role": "coordinator", "county_id": "PI", "password": "short"},          # weak password
        {"role": "coordinator", "county_id": "PI", "email": "not an email"},
    ]
    for case in cases:
        data = {"email": "new.person@example.fi", "name": "New Person", "language": "fi", **case}
        assert client.post("/admin/users/new", data=data).status_code == 400, case
    assert user_by_email("new.person@example.fi") is None


def test_deactivating_an_account_stops_its_sessions(client, login, world):
    login(world.admin)
    assert client.post(f"/admin/users/{world.social_worker.id}/active", data={"active": "0"}).status_code == 302
    assert not user_by_email(world.social_worker.email).active
    login(world.social_worker)
    assert client.get("/").status_code == 302  # logged out: the account no longer loads
    login(world.admin)
    assert client.post(f"/admin/users/{world.admin.id}/active", data={"active": "0"}).status_code == 400


def test_password_reset_replaces_the_old_password(client, login, world):
    login(world.admin)
    assert client.post(f"/admin/users/{world.coordinator.id}/reset-password").status_code == 200
    client.post("/logout")
    assert client.post("/login", data={"email": world.coordinator.email, "password": PASSWORD}).status_code == 401
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert "password_reset" in actions


def test_editing_a_user_records_which_fields_changed(client, login, world):
    login(world.admin)
    response = client.post(f"/admin/users/{world.unit_staff.id}/edit", data={
        "email": world.unit_staff.email, "name": "Renamed", "role": "unit_manager", "county_id": "PI",
        "unit_ids": [world.unit.id], "language": "fi"})
    assert response.status_code == 302
    user = user_by_email(world.unit_staff.email)
    assert user.role == Role.UNIT_MANAGER and user.name == "Renamed"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user_update"))
    assert set(event.detail["changed"]) == {"name", "role"}
