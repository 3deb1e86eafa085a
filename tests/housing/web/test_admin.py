"""Administrators manage accounts; every change is audited."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy import select

from housing.extensions import db
from housing.models import AuditEvent, Role, User
from housing.services import accounts
from tests.factories import PASSWORD, make_unit, make_user


def user_by_email(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def test_admin_creates_a_unit_worker_who_logs_in_once_a_second_administrator_approves(client, login, world):
    second_admin = make_user(Role.ADMIN)
    login(world.admin)
    response = client.post("/admin/users/new", data={
        "email": "Uusi.Ohjaaja@Example.fi", "name": "Uusi Ohjaaja", "role": "unit_staff", "county_id": "PI",
        "unit_ids": [world.unit.id], "language": "sv"})
    assert response.status_code == 200
    user = user_by_email("uusi.ohjaaja@example.fi")
    assert user.role == Role.UNIT_STAFF and user.unit_ids == {world.unit.id} and user.must_change_password
    assert not user.active  # client access: four eyes before the account can be used
    page = response.get_data(as_text=True)
    assert "kun toinen pääkäyttäjä on hyväksynyt sen" in page
    temporary = page.split('class="figure identity-code">')[1].split("<")[0].strip()
    client.post("/logout")
    assert client.post("/login", data={"email": "uusi.ohjaaja@example.fi", "password": temporary}).status_code == 401
    [change] = accounts.pending_role_changes()
    assert change.new_account and events("role_change_request")[0].detail["new_account"] is True
    login(second_admin)
    assert "Uusi tunnus, ei vielä käytössä" in client.get("/admin/users").get_data(as_text=True)
    assert client.post(f"/admin/role-changes/{change.id}/approve").status_code == 302
    assert user_by_email("uusi.ohjaaja@example.fi").active
    client.post("/logout")
    assert client.post("/login", data={"email": "uusi.ohjaaja@example.fi", "password": temporary}).status_code == 302
    assert client.get("/").headers["Location"] == "/account/password"


def test_one_administrator_cannot_open_client_access_through_a_new_account(client, login, world):
    second_admin = make_user(Role.ADMIN)
    login(world.admin)
    client.post("/admin/users/new", data={"email": "minun.toinen@example.fi", "name": "Toinen Minä",
                                          "role": "coordinator", "county_id": "PI", "language": "fi"})
    created = user_by_email("minun.toinen@example.fi")
    [change] = accounts.pending_role_changes()
    assert client.post(f"/admin/users/{created.id}/active", data={"active": "1"}).status_code == 302
    assert client.post(f"/admin/role-changes/{change.id}/approve").status_code == 302
    assert not user_by_email(created.email).active
    refused = [e for e in events("user_update") if not e.success]
    assert [e.detail["refused"] for e in refused] == ["activation before approval"]
    login(second_admin)
    client.post(f"/admin/role-changes/{change.id}/reject")
    login(world.admin)
    client.post(f"/admin/users/{created.id}/active", data={"active": "1"})
    assert not user_by_email(created.email).active  # a rejected new account stays closed


def test_a_new_administrator_account_needs_no_second_approval(client, login, world):
    login(world.admin)
    client.post("/admin/users/new", data={"email": "it.tuki@example.fi", "name": "IT-tuki", "role": "admin",
                                          "county_id": "", "language": "fi"})
    assert user_by_email("it.tuki@example.fi").active
    assert not accounts.pending_role_changes()


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
    other_unit = make_unit("PI")
    login(world.admin)
    response = client.post(f"/admin/users/{world.unit_staff.id}/edit", data={
        "email": world.unit_staff.email, "name": "Renamed", "role": "unit_staff", "county_id": "PI",
        "unit_ids": [world.unit.id, other_unit.id], "language": "fi"})
    assert response.status_code == 302
    user = user_by_email(world.unit_staff.email)
    assert user.name == "Renamed" and user.unit_ids == {world.unit.id, other_unit.id}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user_update"))
    assert set(event.detail["changed"]) == {"name", "units"}


# --------------------------------------------------------------------------- own access and four eyes


def edit(client, user: User, **changes):
    data = {"email": user.email, "name": user.name, "role": user.role.value, "county_id": user.county_id or "",
            "unit_ids": sorted(user.unit_ids), "language": user.language, **changes}
    return client.post(f"/admin/users/{user.id}/edit", data=data)


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_an_administrator_cannot_give_themselves_client_access(client, login, world):
    """Before: an administrator could make their own account a coordinator and open every record."""
    login(world.admin)
    response = edit(client, world.admin, role="coordinator", county_id="PI")
    assert response.status_code == 400
    assert "omaa rooliasi" in response.get_data(as_text=True)
    assert user_by_email(world.admin.email).role == Role.ADMIN
    [refused] = events("user_update")
    assert not refused.success and refused.detail["refused"] == "own access"
    assert not accounts.pending_role_changes()


def test_nobody_changes_their_own_county_or_units(client, login, world):
    second_admin = make_user(Role.ADMIN)
    login(world.admin)
    # The form shows one's own role, county and units as text: the browser does not send them.
    response = client.post(f"/admin/users/{world.admin.id}/edit", data={
        "email": world.admin.email, "name": "Antti Uusinimi", "language": "sv"})
    assert response.status_code == 302
    assert user_by_email(world.admin.email).name == "Antti Uusinimi"
    form = BeautifulSoup(client.get(f"/admin/users/{world.admin.id}/edit").get_data(as_text=True), "html.parser")
    assert not form.select("#role, #county_id, input[name=unit_ids]")
    assert "Huvudanvändare" in form.select_one("dl.facts").text  # the language was changed to Swedish
    assert edit(client, world.admin, county_id="PI").status_code == 400
    login(world.unit_staff)
    assert edit(client, world.unit_staff, unit_ids=[]).status_code == 403  # not an administrator at all
    login(second_admin)
    assert edit(client, second_admin, role="social_worker", county_id="PI").status_code == 400


def test_a_role_that_reads_client_records_waits_for_a_second_administrator(client, login, world):
    second_admin = make_user(Role.ADMIN)
    target = make_user(Role.ADMIN, email="it.tuki@example.fi")
    login(world.admin)
    response = edit(client, target, role="coordinator", county_id="PI", name="IT-tuki")
    assert response.status_code == 302
    target = user_by_email("it.tuki@example.fi")
    assert target.role == Role.ADMIN and target.name == "IT-tuki"  # the name is saved, the role waits
    [change] = accounts.pending_role_changes()
    assert (change.role, change.county_id, change.requested_by_id) == (Role.COORDINATOR, "PI", world.admin.id)
    users_page = client.get("/admin/users").get_data(as_text=True)
    assert f"/admin/role-changes/{change.id}/approve" not in users_page  # the one who asked never approves
    # … and a forged approval is refused and recorded.
    assert client.post(f"/admin/role-changes/{change.id}/approve").status_code == 302
    assert user_by_email(target.email).role == Role.ADMIN
    assert [e.success for e in events("role_change_approve")] == [False]
    login(second_admin)
    assert f"/admin/role-changes/{change.id}/approve" in client.get("/admin/users").get_data(as_text=True)
    assert client.post(f"/admin/role-changes/{change.id}/approve").status_code == 302
    approved = user_by_email(target.email)
    assert (approved.role, approved.county_id) == (Role.COORDINATOR, "PI")
    assert [e.success for e in events("role_change_approve")] == [False, True]
    assert events("role_change_request")[0].detail["role"] == "coordinator"
    assert not accounts.pending_role_changes()


def test_the_account_in_question_never_decides_its_own_change(client, login, world):
    second_admin = make_user(Role.ADMIN)
    login(world.admin)
    edit(client, second_admin, role="social_worker", county_id="PI")
    [change] = accounts.pending_role_changes()
    login(second_admin)
    client.post(f"/admin/role-changes/{change.id}/approve")
    client.post(f"/admin/role-changes/{change.id}/reject")
    assert user_by_email(second_admin.email).role == Role.ADMIN
    assert accounts.pending_role_changes()
    assert [e.success for e in events("role_change_approve") + events("role_change_reject")] == [False, False]


def test_a_rejected_change_changes_nothing_and_is_recorded(client, login, world):
    second_admin = make_user(Role.ADMIN)
    login(world.admin)
    edit(client, world.unit_staff, role="unit_manager")
    [change] = accounts.pending_role_changes()
    login(second_admin)
    assert client.post(f"/admin/role-changes/{change.id}/reject").status_code == 302
    assert user_by_email(world.unit_staff.email).role == Role.UNIT_STAFF
    assert [e.success for e in events("role_change_reject")] == [True]
    assert client.post(f"/admin/role-changes/{change.id}/approve").status_code == 302  # already decided
    assert user_by_email(world.unit_staff.email).role == Role.UNIT_STAFF


def test_a_change_that_removes_client_access_needs_no_second_approval(client, login, world):
    login(world.admin)
    assert edit(client, world.coordinator, role="admin", county_id="").status_code == 302
    assert user_by_email(world.coordinator.email).role == Role.ADMIN
    assert not accounts.pending_role_changes()
    assert events("user_update")[0].detail["changed"] == ["role", "county_id"]


def test_a_new_request_replaces_the_pending_one(client, login, world):
    login(world.admin)
    edit(client, world.social_worker, role="coordinator")
    edit(client, world.social_worker, county_id="HKI")
    [change] = accounts.pending_role_changes()
    assert (change.role, change.county_id) == (Role.SOCIAL_WORKER, "HKI")
