"""Round pages as the coordinator uses them: start a round, follow it, review, decide; the
county's policy; the files; and the same round from the command line and on RQ workers."""

from __future__ import annotations

import json
import os
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from housing import jobs, localtime
from housing.extensions import db
from housing.models import (
    AllocationRound,
    ApplicationStatus,
    AuditEvent,
    BackgroundJob,
    JobStatus,
    Offer,
    ProposalDecision,
    Role,
    RoundStatus,
)
from housing.services import rounds
from tests.factories import apply_for, make_person, make_place, make_unit, make_user, run_round

TODAY = localtime.today()
REDIS_URL = os.environ.get("HOUSING_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def county(app):
    class County:
        coordinator = make_user(Role.COORDINATOR, "PI")
        worker = make_user(Role.SOCIAL_WORKER, "PI")
        unit = make_unit("PI", name="Kotiranta")
        places = [make_place(unit, label="Huone 1"), make_place(unit, label="Huone 2")]

    county = County()
    county.queue = [apply_for(make_person(county.worker, "PI", first_name=name, last_name="Jonottaja"),
                              coordinator=county.coordinator, need_since=TODAY - timedelta(days=30 - n),
                              own_words=f"{name} haluaa asua lähellä koulua.")
                    for n, name in enumerate(("Aada", "Bea", "Cecilia"))]
    db.session.commit()
    return county


def _form(county, **changes):
    data = {"as_of": TODAY.isoformat(), "free_by": TODAY.isoformat(), "applications": "all", "time_limit": "30",
            "w_wish": "100", "w_services": "20", "w_over": "30", "w_km": "1", "w_spare": "10",
            "place_ids": [str(p.id) for p in county.places]}
    data.update(changes)
    return data


def test_the_coordinator_runs_a_round_and_sees_its_proposals(page, client, county):
    form = page(county.coordinator, "/rounds/new")
    assert [box["value"] for box in form.select("input[name=place_ids][checked]")] == \
        [str(p.id) for p in county.places]
    assert form.select_one("input[name=w_wish]")["value"] == "100"
    response = client.post("/rounds/new", data=_form(county))
    assert response.status_code == 302
    solved = db.session.scalar(select(AllocationRound))
    assert response.headers["Location"] == f"/rounds/{solved.id}"
    shown = page(None, f"/rounds/{solved.id}", language="en")
    assert "Ready for decisions" in shown.select_one("h1").text
    names = [a.text for a in shown.select("article.proposal h3 a")]
    assert names == ["Aada Jonottaja", "Bea Jonottaja"]
    assert "Aada haluaa asua lähellä koulua." in shown.select_one("article.proposal").text
    assert shown.select_one("table.comparison") is not None
    others = page(None, f"/rounds/{solved.id}?tab=not_housed", language="en")
    [left_out] = others.select("article.proposal")
    assert "Cecilia" in left_out.text and "went to applicants ahead of them" in left_out.text
    seen = set(db.session.scalars(select(AuditEvent.young_person_id).where(
        AuditEvent.object_type == "allocation_round", AuditEvent.action == "list")))
    assert seen == {a.young_person_id for a in county.queue}


def test_bad_choices_are_named_next_to_their_fields(page, county):
    shown = page(county.coordinator, "/rounds/new", method="POST", status=400, language="en",
                 data=_form(county, free_by=(TODAY - timedelta(days=1)).isoformat()))
    assert "Choose a day from the as-of day" in shown.select_one("#free_by-error").text
    shown = page(None, "/rounds/new", method="POST", status=400, language="en", data=_form(county, w_km="-3"))
    assert shown.select_one("#w_km-error") is not None
    assert db.session.scalar(select(AllocationRound)) is None


def test_a_running_round_shows_its_progress_after_a_reload(app, page, client, county):
    app.config["JOBS_INLINE"] = False
    try:
        started, job = rounds.create_round(county.coordinator, "PI", rounds.RoundChoice(
            TODAY, TODAY, {"w_wish": 100, "w_services": 20, "w_over": 30, "w_km": 1, "w_spare": 10}), TODAY)
        db.session.commit()  # not started: as if a worker had not taken it yet
        shown = page(county.coordinator, f"/rounds/{started.id}", language="en")
        box = shown.select_one("[data-progress-url]")
        assert box["data-progress-url"] == f"/rounds/{started.id}/progress"
        assert "Waiting for its turn" in box.text
        state = client.get(f"/rounds/{started.id}/progress").get_json()
        assert state == {"status": "queued", "step": state["step"], "finished": False}
        jobs.run(job.id)
        assert client.get(f"/rounds/{started.id}/progress").get_json()["finished"] is True
        assert "Ready for decisions" in page(None, f"/rounds/{started.id}", language="en").select_one("h1").text
    finally:
        app.config["JOBS_INLINE"] = True


def test_decisions_on_the_page_approve_reject_and_approve_the_rest(page, client, county):
    solved = run_round(county.coordinator)
    first, second = sorted((p for p in solved.proposals if p.place_id), key=lambda p: p.priority_rank)
    refused = page(county.coordinator, f"/rounds/{solved.id}/proposals/{first.id}/reject", method="POST",
                   status=400, language="en", data={f"reject-{first.id}-reason": ""})
    assert "Say why the proposal is rejected." in refused.select_one(f"#reject-{first.id}-reason-error").text
    page(None, f"/rounds/{solved.id}/proposals/{first.id}/reject", method="POST", status=302,
         data={f"reject-{first.id}-reason": "Ei sovi turvallisuussuunnitelmaan."})
    page(None, f"/rounds/{solved.id}/approve-all", method="POST", status=302)
    db.session.expire_all()
    assert (first.decision, second.decision) == (ProposalDecision.REJECTED, ProposalDecision.APPROVED)
    assert [o.application_id for o in db.session.scalars(select(Offer))] == [second.application_id]
    page(None, f"/rounds/{solved.id}/close", method="POST", status=302)
    db.session.expire_all()
    assert db.session.get(AllocationRound, solved.id).status == RoundStatus.CLOSED


def test_an_override_on_the_page_asks_to_confirm_an_inversion_and_flags_it_in_red(page, county):
    solved = run_round(county.coordinator)
    first, second, third = sorted(solved.proposals, key=lambda p: p.priority_rank)
    page(county.coordinator, f"/rounds/{solved.id}/proposals/{first.id}/reject", method="POST", status=302,
         data={f"reject-{first.id}-reason": "Sairaalassa."})
    url = f"/rounds/{solved.id}/proposals/{third.id}/override"
    form = page(None, url, language="en")
    assert {i["value"] for i in form.select("input[name=place_id]")} == {str(p.id) for p in county.places}
    assert form.select_one("label[for=reason] .hds-text-input__required") is not None  # the reason is required
    missing = page(None, url, method="POST", status=400, language="en", data={"place_id": str(first.place_id)})
    assert "Say why another place is offered." in missing.select_one("#reason-error").text
    asked = page(None, url, method="POST", status=400, language="en",
                 data={"place_id": str(first.place_id), "reason": "Koulu alkaa maanantaina."})
    assert "Aada Jonottaja" in asked.select_one(".inversion-warning").text
    assert asked.select_one("input[name=confirm]") is not None
    page(None, url, method="POST", status=302, data={"place_id": str(first.place_id), "confirm": "y",
                                                     "reason": "Koulu alkaa maanantaina."})
    shown = page(None, f"/rounds/{solved.id}?tab=not_housed", language="en")
    flagged = shown.select_one("article.proposal--inverted")
    assert "Cecilia" in flagged.text and "Aada Jonottaja" in flagged.select_one(".inversion").text
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "proposal", AuditEvent.action
                                                       == "update", AuditEvent.object_id == str(third.id)))
    assert event.detail["passed_over"] == [county.queue[0].id]


def test_rerun_shows_the_stored_problem_solves_identically(page, county):
    solved = run_round(county.coordinator)
    page(county.coordinator, f"/rounds/{solved.id}/rerun", method="POST", status=302)
    shown = page(None, f"/rounds/{solved.id}", language="en")
    assert "identical" in shown.select_one(".rerun").text


def test_the_files_are_exactly_as_stored_and_their_download_is_audited(client, login, county):
    solved = run_round(county.coordinator)
    login(county.coordinator)
    for which in ("problem", "result"):
        response = client.get(f"/rounds/{solved.id}/{which}.json")
        assert response.status_code == 200 and response.data == rounds.stored_file(solved, which)
        assert json.loads(response.data) == getattr(solved, which)
        assert "attachment" in response.headers["Content-Disposition"]
    exported = db.session.scalars(select(AuditEvent.object_type).where(AuditEvent.action == "export"))
    assert set(exported) == {"allocation_round_problem", "allocation_round_result"}


def test_another_countys_coordinator_gets_nothing(page, county):
    solved = run_round(county.coordinator)
    neighbour = make_user(Role.COORDINATOR, "KH")
    db.session.commit()
    for url in (f"/rounds/{solved.id}", f"/rounds/{solved.id}/problem.json", f"/rounds/{solved.id}/progress"):
        page(neighbour, url, status=404)
    assert "Jonottaja" not in page(neighbour, "/rounds/").text


def test_the_policy_is_edited_as_data_by_the_coordinator_and_the_administrator(page, county):
    admin = make_user(Role.ADMIN)
    db.session.commit()
    data = {"w_wish": "80", "w_services": "25", "w_over": "30", "w_km": "2", "w_spare": "10", "respond_days": "10",
            "review_body": "Pirkanmaan hyvinvointialueen yksilöasioiden jaosto, PL 272, 33101 Tampere"}
    refused = page(county.coordinator, "/rounds/policies/PI", method="POST", status=400, language="en",
                   data={**data, "respond_days": "0"})
    assert refused.select_one("#respond_days-error") is not None
    page(None, "/rounds/policies/PI", method="POST", status=302, data=data)
    page(None, "/rounds/policies/HKI", status=404)
    page(admin, "/rounds/policies/HKI", method="POST", status=302, data={**data, "w_wish": "120"})
    form = page(county.coordinator, "/rounds/new")
    assert form.select_one("input[name=w_wish]")["value"] == "80"


def test_the_command_line_runs_a_round_and_writes_its_files_as_stored(app, county, tmp_path):
    result = app.test_cli_runner().invoke(args=["allocation-round", "--county", "PI", "--as-of", TODAY.isoformat(),
                                                "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    solved = db.session.scalar(select(AllocationRound))
    assert f"Round {solved.id} (PI, as of {TODAY}): OPTIMAL, 3 applications, 2 places, 2 housed" in result.output
    assert solved.run_from == "cli" and solved.run_by_id is None
    assert db.session.scalar(select(BackgroundJob.runner)) == "cli"
    for which in ("problem", "result"):
        assert (tmp_path / f"{which}.json").read_bytes() == rounds.stored_file(solved, which)
    again = app.test_cli_runner().invoke(args=["allocation-round", "--county", "PI"])
    assert again.exit_code != 0 and "Kierros 1 on vielä auki" in again.output  # the default language
    assert db.session.scalar(select(func.count()).select_from(AllocationRound)) == 1


def test_the_command_line_expires_overdue_offers(app, county):
    solved = run_round(county.coordinator)
    from housing.services import proposals

    offer = proposals.approve(county.coordinator, next(p for p in solved.proposals if p.place_id),
                              TODAY - timedelta(days=10))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["expire-offers"])
    assert result.exit_code == 0 and "1 offer(s) expired." in result.output
    db.session.expire_all()
    assert offer.status.value == "expired"
    assert offer.application.status == ApplicationStatus.WAITLISTED


def test_a_round_runs_on_an_rq_worker(app, county):
    redis = pytest.importorskip("redis")
    app.config.update(JOBS_INLINE=False, REDIS_URL=REDIS_URL)
    try:
        connection = jobs.redis_connection(REDIS_URL)
        try:
            connection.ping()
        except redis.exceptions.RedisError:
            pytest.skip("no Redis on 127.0.0.1:6379")
        connection.flushdb()
        started, job = rounds.create_round(county.coordinator, "PI", rounds.RoundChoice(
            TODAY, TODAY, {"w_wish": 100, "w_services": 20, "w_over": 30, "w_km": 1, "w_spare": 10}), TODAY)
        db.session.commit()
        assert job.runner == "rq"
        jobs.start(job)
        db.session.expire_all()
        assert db.session.get(BackgroundJob, job.id).status == JobStatus.QUEUED
        jobs.work(burst=True)
        db.session.expire_all()
        assert db.session.get(BackgroundJob, job.id).status == JobStatus.DONE
        finished = db.session.get(AllocationRound, started.id)
        assert finished.status == RoundStatus.DONE and len(finished.proposals) == 3
    finally:
        app.config.update(JOBS_INLINE=True, REDIS_URL=None)
