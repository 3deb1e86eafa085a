"""Applying for housing through the real pages: the journey, bad input, scope, the sheet."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from housing import localtime
from housing.extensions import db
from housing.models import Application, ApplicationStatus, AuditEvent, Role
from housing.services.applications import WishInput
from tests.factories import apply_for, make_person

TODAY = localtime.today()
COMPLETE = {
    "support_level": "2", "needs": ["mental_health", "education"], "support_hours": "4", "urgency_band": "3",
    "urgency_ground": "", "urgency_reason": "", "need_since": (TODAY - timedelta(days=20)).isoformat(),
    "max_distance_km": "30", "household_size": "1", "wishes_0_municipality": "Tampere",
    "wishes_1_label": "Hervanta", "wishes_1_lat": "61,4500", "wishes_1_lon": "23,8510",
    "own_words": "Haluan asua lähellä opiskelupaikkaa.", "consent": "y",
}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _views_of(application_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.object_type == "application", AuditEvent.object_id == str(application_id),
        AuditEvent.action == "view"))


def test_a_social_worker_applies_and_the_coordinator_queues_it(client, page, world):
    worker, coordinator, person = world.social_worker, world.coordinator, world.person
    chooser = page(worker, "/applications/new", language="en")
    assert f"{person.last_name}, {person.first_name}" in chooser.select_one("select#person").text

    client.post(f"/applications/new?person={person.id}", data={"wishes_0_municipality": "Nokia", "action": "save"})
    application = db.session.scalar(select(Application))
    assert application.status == ApplicationStatus.DRAFT and application.support_level is None  # half-filled

    sent = page(None, f"/applications/{application.id}/edit", method="POST", data={**COMPLETE, "action": "submit"},
                follow=True)
    assert "Submitted" in sent.select_one(".hds-status-label").text

    page(coordinator, f"/applications/{application.id}/return", method="POST",
         data={"return_with_question-reason": "Onko nuorella lemmikkiä?"}, status=302)
    waiting = page(worker, "/applications/")
    assert "Onko nuorella lemmikkiä?" in waiting.select_one(".action-list").text

    page(None, f"/applications/{application.id}/edit", method="POST",
         data={**COMPLETE, "reason": "Ei ole lemmikkiä.", "action": "submit"}, status=302)
    page(coordinator, f"/applications/{application.id}/waitlist", method="POST", data={"waitlist-reason": ""},
         status=302)

    queue = page(coordinator, "/waitlist/", language="en")
    first = queue.select_one("table tbody tr")
    assert first.select_one("td").text.strip() == "1" and person.last_name in first.text
    history = page(coordinator, f"/applications/{application.id}").select_one("table.history").text
    for words in ("Draft → Submitted", "Submitted → Returned for changes", "Onko nuorella lemmikkiä?",
                  "Returned for changes → Submitted", "Ei ole lemmikkiä.", "Submitted → On the waiting list"):
        assert words in history

    finnish = page(worker, f"/applications/{application.id}/sheet?lang=fi")
    swedish = page(worker, f"/applications/{application.id}/sheet?lang=sv")
    assert "Olet jonossa sijalla 1 (jonossa yhteensä 1)." in finnish.select_one(".sheet-position").text
    assert swedish.select_one("html")["lang"] == "sv"
    assert "Du är nummer 1 av 1 i kön." in swedish.select_one(".sheet-position").text
    assert "Hervanta" in swedish.text and "Tammerfors" in swedish.text  # the wishes in the sheet's language
    for sheet in (finnish, swedish):
        assert person.identity_code not in str(sheet) and person.identity_code[:6] not in str(sheet)
        assert sheet.select_one('link[href$="css/sheet.css"]')


def _error(soup, field_id: str) -> str:
    found = soup.select_one(f"#{field_id}-error")
    return found.text.strip() if found else ""


def test_bad_input_is_explained_next_to_each_field_and_nothing_is_saved(client, page, world):
    stranger = make_person(world.other_worker, "HKI")
    db.session.commit()
    bad = {
        **COMPLETE, "need_since": (TODAY + timedelta(days=3)).isoformat(), "household_size": "7",
        "urgency_band": "1", "wishes_1_label": "Tukholma", "wishes_1_lat": "59,33", "wishes_1_lon": "18,07",
        "wishes_2_municipality": "Gotham", "not_with_add": stranger.identity_code, "action": "submit",
    }
    form = page(world.social_worker, f"/applications/new?person={world.person.id}", method="POST", data=bad,
                status=400, language="en")
    assert "future" in _error(form, "need_since")
    assert "1 to 6 people" in _error(form, "household_size")
    assert "urgent" in _error(form, "urgency_ground") or "Choose why" in _error(form, "urgency_ground")
    assert "not in Finland" in _error(form, "wishes_1_lat")
    assert "No municipality" in _error(form, "wishes_2_municipality")
    assert "registered in this county" in _error(form, "not_with_add")
    assert stranger.identity_code not in _error(form, "not_with_add")  # masked in the message
    assert form.select_one("#household_size")["aria-invalid"] == "true"
    assert _count(Application) == 0


def test_submitting_without_the_required_facts_names_each_missing_one(page, world):
    form = page(world.social_worker, f"/applications/new?person={world.person.id}", method="POST",
                data={"urgency_band": "2", "action": "submit"}, status=400, language="en")
    assert "support level" in _error(form, "support_level")
    assert "date the need arose" in _error(form, "need_since")
    assert "urgent" in _error(form, "urgency_ground")
    assert "few words" in _error(form, "urgency_reason")
    assert "location wish" in _error(form, "wishes_0_municipality")
    assert "consent" in _error(form, "consent")
    assert _count(Application) == 0


def test_entitlement_is_shown_with_the_rules_result(page, world):
    world.person.birth_date = TODAY - timedelta(days=23 * 365 + 10)  # past the 23rd birthday
    db.session.commit()
    form = page(world.social_worker, f"/applications/new?person={world.person.id}", language="en")
    assert "not possible: past the age limit" in form.text
    world.person.birth_date = date(2006, 3, 14)
    world.person.placement_type, world.person.placement_start, world.person.placement_end = (
        "open_care_placement", date(2023, 1, 10), date(2023, 7, 10))
    db.session.commit()
    assert "mandatory" in page(None, f"/applications/new?person={world.person.id}").text  # exactly 6 months
    world.person.placement_end = date(2023, 7, 9)
    db.session.commit()
    assert "discretionary" in page(None, f"/applications/new?person={world.person.id}").text


@pytest.mark.parametrize("role, status", [(Role.UNIT_STAFF, 403), (Role.UNIT_MANAGER, 403), (Role.ADMIN, 403)])
def test_roles_without_applications_are_refused(client, login, world, role, status):
    application = apply_for(world.person, coordinator=world.coordinator)
    db.session.commit()
    login(world.user(role))
    assert client.get(f"/applications/{application.id}").status_code == status
    assert client.get("/waitlist/").status_code == 403
    assert _views_of(application.id) == 0


def test_out_of_scope_applications_are_not_found_and_not_logged_as_viewed(client, login, world):
    application = apply_for(world.outsider, ApplicationStatus.SUBMITTED)
    db.session.commit()
    for user in (world.social_worker, world.coordinator):  # another worker's client, another county
        login(user)
        for url in (f"/applications/{application.id}", f"/applications/{application.id}/edit",
                    f"/applications/{application.id}/sheet"):
            assert client.get(url).status_code == 404, (user.role, url)
    login(world.coordinator)
    assert client.post(f"/applications/{application.id}/return",
                       data={"return_with_question-reason": "?"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Application, application.id).status == ApplicationStatus.SUBMITTED
    assert _views_of(application.id) == 0


def test_every_read_of_an_application_is_audited(page, world):
    application = apply_for(world.person, coordinator=world.coordinator)
    db.session.commit()
    page(world.social_worker, f"/applications/{application.id}")
    page(world.coordinator, f"/applications/{application.id}/sheet?lang=sv")
    viewers = db.session.scalars(select(AuditEvent.user_id).where(
        AuditEvent.object_type == "application", AuditEvent.action == "view",
        AuditEvent.young_person_id == world.person.id)).all()
    assert sorted(viewers) == sorted([world.social_worker.id, world.coordinator.id])


def test_a_refused_step_says_why_and_changes_nothing(page, world):
    application = apply_for(world.person, ApplicationStatus.SUBMITTED, coordinator=world.coordinator)
    db.session.commit()
    answer = page(world.coordinator, f"/applications/{application.id}/return", method="POST",
                  data={"return_with_question-reason": "  "}, status=400, language="en")
    assert "Write the question" in answer.select_one("#return_with_question-reason-error").text
    page(None, f"/applications/{application.id}/waitlist", method="POST", data={}, status=302)
    again = page(None, f"/applications/{application.id}/waitlist", method="POST", data={}, status=400)
    assert "not possible while the application is" in again.text
    db.session.expire_all()
    assert db.session.get(Application, application.id).status == ApplicationStatus.WAITLISTED


def test_the_coordinator_sees_what_changed_after_submission(page, world):
    application = apply_for(world.person, coordinator=world.coordinator)
    db.session.commit()
    page(world.social_worker, f"/applications/{application.id}/edit", method="POST",
         data={**COMPLETE, "household_size": "2", "wishes_2_municipality": "Nokia", "action": "save"}, status=302)
    seen = page(world.coordinator, f"/applications/{application.id}", language="en")
    changes = {item.text.split(":")[0]: item for item in seen.select("table.history ul.changes li")}
    assert "Version 1" in seen.select_one("table.history").text
    household = changes["People in the household"]
    assert (household.select_one("del").text.split(": ")[-1], household.select_one("ins").text.split(": ")[-1]) \
        == ("1", "2")
    wishes = changes["Location wishes"]
    assert wishes.select_one("del").text.split(": ", 1)[-1] == "1. Tampere"
    assert wishes.select_one("ins").text.split(": ", 1)[-1] == "1. Tampere; 2. Hervanta (61.4500, 23.8510); 3. Nokia"


def test_the_social_worker_sees_what_waits_for_them_and_their_caseload(page, world):
    apply_for(world.person, ApplicationStatus.RETURNED, coordinator=world.coordinator)
    apply_for(make_person(world.social_worker, "PI", birth=date(2005, 5, 5)), ApplicationStatus.DRAFT)
    db.session.commit()
    mine = page(world.social_worker, "/applications/", language="en")
    waiting = mine.select_one(".action-list").text
    assert "Tarkenna tuen tarve." in waiting and "Complete the application" in waiting
    assert "2 clients; the statutory limit is 30." in mine.select_one(".caseload").text


def test_pages_follow_the_browsers_language_until_login(client, login, world):
    assert "Logga in" in client.get("/login", headers={"Accept-Language": "sv-FI,sv;q=0.9"}).get_data(as_text=True)
    assert "Log in" in client.get("/login", headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    assert "Kirjaudu" in client.get("/login", headers={"Accept-Language": "de"}).get_data(as_text=True)
    login(world.social_worker)  # their own choice: Finnish
    page = client.get("/applications/", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert "Asumishakemukset" in page


def test_waitlist_export_is_audited_without_identity_codes_or_protected_locations(client, login, world):
    hidden = make_person(world.social_worker, "PI", birth=date(2005, 2, 2), non_disclosure=True)
    formula = make_person(world.social_worker, "PI", birth=date(2005, 3, 3), last_name="=HYPERLINK(\"x\")")
    for person in (world.person, hidden, formula):
        apply_for(person, coordinator=world.coordinator, wishes=[WishInput(municipality="536")])
    db.session.commit()
    login(world.coordinator)
    response = client.get("/waitlist/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    lines = body.lstrip("\ufeff").splitlines()
    assert len(lines) == 4
    for person in (world.person, hidden, formula):
        assert person.identity_code not in body
    by_name = {line.split(";")[3]: line for line in lines[1:]}
    assert "Nokia" in by_name[world.person.first_name] and "Nokia" not in by_name[hidden.first_name]
    assert "'=HYPERLINK" in body
    exported = db.session.scalars(select(AuditEvent.young_person_id).where(AuditEvent.action == "export")).all()
    assert sorted(exported) == sorted(p.id for p in (world.person, hidden, formula))


def test_waitlist_filters_sorting_and_pages(page, world):
    worker = world.social_worker
    for n in range(55):
        apply_for(make_person(worker, "PI", birth=date(2004, 1, 1) + timedelta(days=n)), coordinator=world.coordinator,
                  urgency_band=1 if n % 5 == 0 else 3, urgency_ground="no_home" if n % 5 == 0 else None,
                  urgency_reason="Ei asuntoa." if n % 5 == 0 else None, household_size=1 + n % 2)
    db.session.commit()
    first_page = page(world.coordinator, "/waitlist/", language="en")
    assert len(first_page.select("table tbody tr")) == 50 and "Page 1 of 2" in first_page.select_one(".pager").text
    assert [r.select_one("td").text.strip() for r in page(None, "/waitlist/?page=2").select("tbody tr")] == [
        str(n) for n in range(51, 56)]
    acute = page(None, "/waitlist/?band=1")
    rows = acute.select("tbody tr")
    assert len(rows) == 11 and [r.select_one("td").text.strip() for r in rows] == [str(n) for n in range(1, 12)]
    pairs = page(None, "/waitlist/?household=2&sort=position&dir=desc").select("tbody tr")
    positions = [int(r.select_one("td").text) for r in pairs]
    assert len(positions) == 27 and positions == sorted(positions, reverse=True)


def test_a_newly_registered_young_person_can_be_applied_for_from_their_page(page, world):
    person_page = page(world.social_worker, f"/young-people/{world.person.id}", language="en")
    link = person_page.find("a", string=lambda text: text and "Apply for housing" in text) or \
        person_page.select_one(f'a[href="/applications/new?person={world.person.id}"]')
    assert link is not None
    apply_for(world.person, ApplicationStatus.SUBMITTED, coordinator=world.coordinator)
    db.session.commit()
    assert page(None, f"/young-people/{world.person.id}").select_one(
        f'a[href="/applications/new?person={world.person.id}"]') is None  # one open application at a time
