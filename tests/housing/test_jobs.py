"""Background jobs: every runner (inline, thread, RQ on the local Redis) takes a job to its
end; a job runs once; a failure stores nothing half-way; a dead worker's job is marked failed."""

from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest

from housing import jobs
from housing.extensions import db
from housing.models import BackgroundJob, JobStatus, Unit
from housing.models.base import utcnow
from tests.factories import make_unit

REDIS_URL = os.environ.get("HOUSING_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _wait_until_finished(job_id: int, seconds: float = 20) -> BackgroundJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.expire_all()
        job = db.session.get(BackgroundJob, job_id)
        if job.status.finished:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish: {job.status}")


@pytest.fixture
def not_inline(app):
    app.config["JOBS_INLINE"] = False
    yield app
    app.config["JOBS_INLINE"] = True


def test_an_inline_job_runs_to_done(app):
    job = jobs.create("selftest", 1, time_limit_seconds=5)
    db.session.commit()
    jobs.start(job)
    db.session.expire_all()
    assert job.status == JobStatus.DONE and job.started_at and job.finished_at and job.step is None


def test_a_thread_job_runs_to_done(not_inline):
    job = jobs.create("selftest", 1, time_limit_seconds=5)
    db.session.commit()
    assert job.runner == "thread"
    jobs.start(job)
    assert _wait_until_finished(job.id).status == JobStatus.DONE


def test_a_failing_handler_ends_failed_and_its_writes_are_undone(app, monkeypatch):
    unit = make_unit(name="Before")
    db.session.commit()

    def rename_then_fail(subject_id, *, job, progress):
        db.session.get(Unit, subject_id).name = "Half-way"
        db.session.flush()
        raise RuntimeError("Aino Testinen 010106A905P")  # text that must not reach the job row

    monkeypatch.setitem(jobs.HANDLERS, "failing", "tests.housing.test_jobs:HANDLER")
    monkeypatch.setattr("tests.housing.test_jobs.HANDLER", rename_then_fail, raising=False)
    job = jobs.create("failing", unit.id, time_limit_seconds=5)
    db.session.commit()
    jobs.start(job)
    db.session.expire_all()
    assert job.status == JobStatus.FAILED and job.error_code == "failed"
    assert job.error == "RuntimeError"  # the class only, never the message
    assert db.session.get(Unit, unit.id).name == "Before"


def test_a_handler_can_fail_with_a_message_for_the_user(app):
    job = jobs.create("selftest", -1, time_limit_seconds=5)
    db.session.commit()
    jobs.start(job)
    db.session.expire_all()
    assert (job.status, job.error) == (JobStatus.FAILED, "asked to fail")
    assert jobs.error_label(job) == str(jobs.ERROR_LABELS["failed"])


def test_a_job_runs_only_once(app):
    job = jobs.create("selftest", 1, time_limit_seconds=5)
    db.session.commit()
    assert jobs.run(job.id) == JobStatus.DONE
    finished_at = db.session.get(BackgroundJob, job.id).finished_at
    assert jobs.run(job.id) == JobStatus.DONE
    assert db.session.get(BackgroundJob, job.id).finished_at == finished_at


def test_a_job_whose_worker_died_is_marked_failed_and_can_be_run_again(app):
    running = jobs.create("selftest", 1, time_limit_seconds=60)
    waiting = jobs.create("selftest", 1, time_limit_seconds=60, runner="rq")
    db.session.flush()
    running.status, running.started_at = JobStatus.RUNNING, utcnow() - timedelta(seconds=60) - jobs.RUN_GRACE
    running.started_at -= timedelta(seconds=1)
    waiting.created_at = utcnow() - jobs.QUEUE_GRACE - timedelta(seconds=1)
    db.session.commit()
    assert jobs.latest("selftest", 1).id == waiting.id
    assert (waiting.status, waiting.error_code) == (JobStatus.FAILED, "no_worker")
    assert (jobs.refresh(running).status, running.error_code) == (JobStatus.FAILED, "worker_lost")
    again = jobs.create("selftest", 1, time_limit_seconds=60)
    db.session.commit()
    jobs.start(again)
    assert again.status == JobStatus.DONE


def test_a_fresh_running_job_is_left_alone(app):
    job = jobs.create("selftest", 1, time_limit_seconds=60)
    db.session.flush()
    job.status, job.started_at = JobStatus.RUNNING, utcnow() - timedelta(seconds=30)
    assert jobs.refresh(job).status == JobStatus.RUNNING


def test_the_rq_path_runs_a_job_on_a_worker(not_inline):
    redis = pytest.importorskip("redis")
    not_inline.config["REDIS_URL"] = REDIS_URL
    try:
        connection = jobs.redis_connection(REDIS_URL)
        try:
            connection.ping()
        except redis.exceptions.RedisError:
            pytest.skip("no Redis on 127.0.0.1:6379")
        connection.flushdb()
        job = jobs.create("selftest", 1, time_limit_seconds=5)
        db.session.commit()
        assert job.runner == "rq"
        jobs.start(job)
        db.session.expire_all()
        assert db.session.get(BackgroundJob, job.id).status == JobStatus.QUEUED  # waits for a worker
        jobs.work(burst=True)
        assert _wait_until_finished(job.id).status == JobStatus.DONE
    finally:
        not_inline.config["REDIS_URL"] = None


def test_with_redis_down_a_job_falls_back_to_a_thread(not_inline):
    not_inline.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    try:
        job = jobs.create("selftest", 1, time_limit_seconds=5)
        db.session.commit()
        jobs.start(job)
        done = _wait_until_finished(job.id)
        assert (done.status, done.runner) == (JobStatus.DONE, "thread")
    finally:
        not_inline.config["REDIS_URL"] = None


def test_an_unknown_kind_is_refused_at_creation(app):
    with pytest.raises(ValueError):
        jobs.create("nonsense", 1, time_limit_seconds=5)
