"""The service path through the real pages: the social worker adds a referral and sees it on
the young person's page, records its steps; the county and the unit read it; others get 404;
every read and change is audited; a referral without progress for 30 days is flagged."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from housing import localtime
from housing.extensions import db
from housing.models import AuditEvent, ReferralStatus, Role, ServiceReferral
from tests.factories import make_person, make_referral, make_unit, make_user

TODAY = localtime.today()


def _referral_count() -> int:
    return db.session.scalar(select(func.count()).select_from(ServiceReferral))


def _events(object_type: str, action: str | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.object_type == object_type).order_by(AuditEvent.id)
    return list(db.session.scalars(query.where(AuditEvent.action == action) if action else query))


def test_the_social_worker_adds_a_referral_and_sees_it_on_the_young_persons_page(page, world):
    person_page = page(world.social_worker, f"/young-people/{world.person.id}", language="en")
    add = person_page.select_one("#service-path").find_parent("section").find("a", string="Add a referral")
    form = page(None, add["href"])
    assert form.select_one("h1").text == "Add a referral"
    assert [o.text for o in form.select("#service option")][:2] == ["Choose…", "Mental health services"]
    done = page(None, add["href"], method="POST", follow=True, data={
        "service": "income", "provider": "Kela", "contact": "Palvelunumero 020 692 207",
        "referred_on": (TODAY - timedelta(days=2)).isoformat(), "notes": "Perustoimeentulotuki haettu."})
    assert "The referral has been added to the service path." in done.text
    section = done.select_one("#service-path").find_parent("section")
    [item] = section.select(".service-path__item")
    assert item.find("a").text == "Income support (Kela)"
    assert "Referred" in item.text and "Kela" in item.text
    referral = db.session.scalar(select(ServiceReferral))
    assert (referral.status, referral.created_by_id) == (ReferralStatus.REFERRED, world.social_worker.id)
    [created] = _events("service_referral", "create")
    assert (created.user_id, created.young_person_id) == (world.social_worker.id, world.person.id)


def test_a_bad_referral_is_explained_and_nothing_is_saved(page, world):
    form = page(world.social_worker, f"/young-people/{world.person.id}/service-path/new", method="POST",
                status=400, language="en",
                data={"service": "", "referred_on": (TODAY + timedelta(days=3)).isoformat()})
    assert form.select_one("#service-error").text == "Choose the service."
    form = page(None, f"/young-people/{world.person.id}/service-path/new", method="POST", status=400,
                data={"service": "health", "referred_on": (TODAY + timedelta(days=3)).isoformat()})
    assert form.select_one("#referred_on-error").text == "The day cannot be in the future."
    assert _referral_count() == 0


def test_the_worker_records_the_steps_and_the_page_offers_only_those_the_status_allows(page, world):
    referral = make_referral(world.person, referred_on=TODAY - timedelta(days=10))
    db.session.commit()
    url = f"/service-path/{referral.id}"
    detail = page(world.social_worker, url, language="en")
    assert [label.text for label in detail.select("fieldset .hds-radio-button__label")] == [
        "The service started", "Refused: the service will not start", "Followed up: still on its way"]
    page(None, f"{url}/step", method="POST", status=302, data={"step": "start", "happened_on": TODAY.isoformat()})
    detail = page(None, url)
    assert [label.text for label in detail.select("fieldset .hds-radio-button__label")] == [
        "The service ended", "Followed up: still on its way"]
    steps = [li.text for li in detail.select(".timeline li")]
    assert "Referred to the service" in steps[0] and "The service started" in steps[1]
    assert world.social_worker.name in steps[1]
    # A step the status no longer allows (a second tab): refused with a clear message, nothing changes.
    refused = page(None, f"{url}/step", method="POST", status=400,
                   data={"step": "refer", "happened_on": TODAY.isoformat()})
    assert refused.select_one("#step-error").text == "This is not possible while the referral is “Started”."
    db.session.refresh(referral)
    assert (referral.status, len(referral.steps)) == (ReferralStatus.IN_PROGRESS, 2)


def test_refusing_asks_why(page, world):
    referral = make_referral(world.person, referred_on=TODAY - timedelta(days=1))
    db.session.commit()
    form = page(world.social_worker, f"/service-path/{referral.id}/step", method="POST", status=400, language="en",
                data={"step": "refuse", "happened_on": TODAY.isoformat()})
    assert form.select_one("#refusal_reason-error").text == "Choose why the service will not start."
    page(None, f"/service-path/{referral.id}/step", method="POST", status=302,
         data={"step": "refuse", "happened_on": TODAY.isoformat(), "refusal_reason": "young_person_declined"})
    detail = page(None, f"/service-path/{referral.id}")
    assert "The young person did not want the service" in detail.select_one("dl.facts").text


def test_correcting_the_details(page, world):
    referral = make_referral(world.person, referred_on=TODAY)
    db.session.commit()
    form = page(world.social_worker, f"/service-path/{referral.id}/edit", language="en")
    assert form.select_one("#provider")["value"] == "Nuorisoasema"
    page(None, f"/service-path/{referral.id}/edit", method="POST", status=302,
         data={"service": "substance_use", "provider": "A-klinikka", "contact": "", "notes": ""})
    db.session.refresh(referral)
    assert (referral.service, referral.provider, referral.contact) == ("substance_use", "A-klinikka", None)
    [update] = _events("service_referral", "update")
    assert update.detail == {"changed": ["service", "provider", "contact"]}


def test_the_coordinator_and_the_units_staff_read_the_service_path_without_changing_it(page, world):
    referral = make_referral(world.person, referred_on=TODAY)
    referral.notes = "Sosiaalityön muistiinpano."
    db.session.commit()
    for reader in (world.coordinator, world.unit_staff, world.unit_manager):
        person_page = page(reader, f"/young-people/{world.person.id}", language="en")
        section = person_page.select_one("#service-path").find_parent("section")
        assert section.select_one(".service-path__item a").text == "Mental health services"
        assert section.find("a", string="Add a referral") is None
        detail = page(None, f"/service-path/{referral.id}")
        assert detail.select_one("form[action$='/step']") is None
        assert "Nuorisoasema" in detail.text
        assert ("Sosiaalityön muistiinpano." in detail.text) is (reader is world.coordinator)
        page(None, f"/service-path/{referral.id}/step", method="POST", status=403,
             data={"step": "start", "happened_on": TODAY.isoformat()})
    views = _events("service_referral", "view")
    assert [e.user_id for e in views] == [world.coordinator.id, world.unit_staff.id, world.unit_manager.id]
    assert {e.young_person_id for e in views} == {world.person.id}
    assert referral.status == ReferralStatus.REFERRED


def test_a_protected_residents_services_are_not_placed_for_the_unit(page, world):
    world.person.non_disclosure = True
    referral = make_referral(world.person, referred_on=TODAY)
    db.session.commit()
    detail = page(world.unit_staff, f"/service-path/{referral.id}", language="en")
    assert "Nuorisoasema" not in detail.text and "Hoitaja Maija" not in detail.text
    assert "Not shown: non-disclosure for safety" in detail.select_one("dl.facts").text
    person_page = page(None, f"/young-people/{world.person.id}")
    assert "Nuorisoasema" not in person_page.select_one("#service-path").find_parent("section").text
    assert "Nuorisoasema" in page(world.coordinator, f"/service-path/{referral.id}").text


def test_out_of_scope_referrals_answer_404_and_are_recorded_as_refused(page, world):
    others_referral = make_referral(world.outsider, referred_on=TODAY)
    other_unit_staff = make_user(Role.UNIT_STAFF, "PI", units=[make_unit("PI")])
    colleague = make_user(Role.SOCIAL_WORKER, "PI")
    own = make_referral(world.person, referred_on=TODAY)
    db.session.commit()
    page(world.social_worker, f"/service-path/{others_referral.id}", status=404)
    page(world.coordinator, f"/service-path/{others_referral.id}", status=404)  # another county's
    page(other_unit_staff, f"/service-path/{own.id}", status=404)
    page(colleague, f"/service-path/{own.id}", status=404)
    page(colleague, f"/young-people/{world.person.id}/service-path/new", status=404)
    page(colleague, f"/service-path/{own.id}/step", method="POST", status=404,
         data={"step": "start", "happened_on": TODAY.isoformat()})
    refused = _events("service_referral", "out_of_scope")
    assert len(refused) == 5
    assert all(e.young_person_id is None for e in refused)
    assert _events("service_referral", "view") == []


def test_a_referral_without_progress_for_30_days_is_flagged_on_the_workers_front_page(page, world):
    stalled = make_referral(world.person, "income", referred_on=TODAY - timedelta(days=30))
    make_referral(world.person, "health", referred_on=TODAY - timedelta(days=29))
    other = make_person(make_user(Role.SOCIAL_WORKER, "PI"))
    make_referral(other, "education", referred_on=TODAY - timedelta(days=90))
    db.session.commit()
    front = page(world.social_worker, "/", language="en")
    alert = front.select_one("#stalled-title").find_parent("section")
    # The heading says the rule's limit (rules.REFERRAL_NO_PROGRESS_LIMIT), not a number of its own.
    assert alert.select_one("h2").text == "Referrals with no progress in 30 days"
    assert page(world.social_worker, "/", language="sv").select_one("#stalled-title").text == \
        "Remisser utan framsteg på 30 dagar"
    page(world.social_worker, "/", language="en")  # the language choice stays: back to English for the rest
    [item] = alert.select("li")
    assert item.find("a")["href"] == f"/service-path/{stalled.id}"
    assert item.find("a").text == f"{world.person.full_name}: Income support (Kela)"
    assert "no progress in 30 days" in item.text
    person_page = page(None, f"/young-people/{world.person.id}")
    flags = [li.select_one(".hds-status-label--alert") for li in person_page.select(".service-path__item")]
    assert [flag.text if flag else None for flag in flags] == [None, "no progress in 30 days"]
    # A follow-up is progress: the flag goes.
    page(None, f"/service-path/{stalled.id}/step", method="POST", status=302,
         data={"step": "follow_up", "happened_on": TODAY.isoformat()})
    assert page(None, "/").select_one("#stalled-title") is None


def test_the_young_persons_page_reads_the_service_path_in_a_fixed_number_of_queries(app, client, login, world):
    from sqlalchemy import event

    for service in ("health", "income", "education", "employment", "debt_advice"):
        make_referral(world.person, service, referred_on=TODAY - timedelta(days=3))
    db.session.commit()
    login(world.social_worker)
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        client.get(f"/young-people/{world.person.id}")
        five = len(statements)
        make_referral(world.person, "youth_work", referred_on=TODAY)
        db.session.commit()
        statements.clear()
        client.get(f"/young-people/{world.person.id}")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == five
