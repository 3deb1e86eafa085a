"""Background jobs through faults, with real processes: an RQ worker killed in the middle
of a job (its job ends failed and runs again on another worker), and Redis out of reach
(jobs run in a thread and pages go on working).

Redis: ``HOUSING_TEST_REDIS_URL`` (a database of its own: the queue is emptied here).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest

from housing import jobs
from housing.config import PROJECT_ROOT
from housing.extensions import db
from housing.models import BackgroundJob, JobStatus, utcnow
from tests.housing.test_jobs import REDIS_URL, _wait_until_finished

KIND = "fault_sleeper"
HANDLER = "tests.housing.test_job_faults:sleeping_handler"

# A real worker process: the project's own worker loop, with the test handler registered.
WORKER = f"""
from housing import create_app, jobs
jobs.HANDLERS[{KIND!r}] = {HANDLER!r}
with create_app().app_context():
    jobs.work(burst={{burst}})
"""


def sleeping_handler(subject_id: int, *, job: BackgroundJob, progress) -> None:
    """Reports its step, then works for ``subject_id`` seconds (0: at once)."""
    progress("solving")
    time.sleep(subject_id)


def _redis_or_skip():
    redis = pytest.importorskip("redis")
    connection = jobs.redis_connection(REDIS_URL)
    try:
        connection.ping()
    except redis.exceptions.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    connection.flushdb()
    return connection


def _start_worker(app, burst: bool) -> subprocess.Popen:
    environment = {**os.environ, "HOUSING_ENV": "testing", "HOUSING_REDIS_URL": REDIS_URL,
                   "HOUSING_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]}
    return subprocess.Popen([sys.executable, "-c", WORKER.format(burst=burst)], cwd=PROJECT_ROOT, env=environment,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_for_step(job_id: int, step: str, worker: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.expire_all()
        if db.session.get(BackgroundJob, job_id).step == step:
            return
        assert worker.poll() is None, worker.stderr.read().decode()[-2000:]
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} never reached {step}")


@pytest.fixture
def rq_jobs(app, monkeypatch):
    connection = _redis_or_skip()
    monkeypatch.setitem(jobs.HANDLERS, KIND, HANDLER)
    app.config.update(JOBS_INLINE=False, REDIS_URL=REDIS_URL)
    yield connection
    app.config.update(JOBS_INLINE=True, REDIS_URL=None)
    connection.flushdb()


def test_a_job_whose_worker_is_killed_ends_failed_and_runs_again(app, rq_jobs, monkeypatch):
    worker = _start_worker(app, burst=False)
    try:
        job = jobs.create(KIND, 600, time_limit_seconds=60)
        db.session.commit()
        jobs.start(job)
        _wait_for_step(job.id, "solving", worker)
        worker.send_signal(signal.SIGKILL)  # out of memory, a machine gone: no chance to clean up
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    db.session.expire_all()
    job = db.session.get(BackgroundJob, job.id)
    assert job.status == JobStatus.RUNNING  # nobody finished it …
    assert jobs.refresh(job).status == JobStatus.RUNNING  # … and within its time limit it may still be working

    later = utcnow() + timedelta(seconds=job.time_limit_seconds) + jobs.RUN_GRACE + timedelta(seconds=1)
    with monkeypatch.context() as clock:
        clock.setattr(jobs, "utcnow", lambda: later)
        assert (jobs.refresh(job).status, job.error_code) == (JobStatus.FAILED, "worker_lost")
    db.session.commit()
    assert jobs.error_label(job) == str(jobs.ERROR_LABELS["worker_lost"])

    again = jobs.create(KIND, 0, time_limit_seconds=60)
    db.session.commit()
    jobs.start(again)
    second = _start_worker(app, burst=True)
    assert second.wait(timeout=60) == 0, second.stderr.read().decode()[-2000:]
    assert _wait_until_finished(again.id).status == JobStatus.DONE
    db.session.expire_all()
    assert db.session.get(BackgroundJob, job.id).status == JobStatus.FAILED  # the lost run stays on record


def test_with_redis_out_of_reach_jobs_run_in_a_thread_and_pages_work(app, client, world, monkeypatch):
    monkeypatch.setitem(jobs.HANDLERS, KIND, HANDLER)
    app.config.update(JOBS_INLINE=False, REDIS_URL="redis://127.0.0.1:1/0")  # nothing listens there
    try:
        from tests.housing.conftest import log_in

        log_in(client, world.coordinator)
        with app.test_request_context():  # as a page that starts a round would
            job = jobs.create(KIND, 0, time_limit_seconds=60, user=world.coordinator)
            db.session.commit()
            assert job.runner == "rq"
            jobs.start(job)
        for url in ("/", "/waitlist/", "/applications/", f"/young-people/{world.person.id}", "/healthz"):
            assert client.get(url).status_code == 200, url
        done = _wait_until_finished(job.id)
        assert (done.status, done.runner) == (JobStatus.DONE, "thread")
    finally:
        app.config.update(JOBS_INLINE=True, REDIS_URL=None)
