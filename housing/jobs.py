"""Long work outside the request: allocation rounds and weekly schedules.

A page creates a job (``create``), commits, and starts it (``start``). The work runs in a
background thread of the web process by default; with ``HOUSING_REDIS_URL`` set it goes
to RQ workers (``flask --app housing worker``), which scale out over machines. If Redis
cannot be reached the job runs in a thread instead, so pages keep working.

The ``BackgroundJob`` row is the job's whole state. ``run`` claims it atomically (a job
never runs twice), marks the step it is on, and ends it done or failed with a message;
the handler's own writes are committed together with "done", so a failed job stores
nothing half-way. A job whose worker died (killed, out of memory, machine restarted) is
found by ``refresh``: queued too long, or running past its time limit plus a grace, it is
marked failed and can be run again.

Handlers are registered by name in ``HANDLERS``: ``"module:function"``, called as
``function(subject_id, job=job, progress=progress)`` inside an application context; they
flush, never commit. ``progress(step)`` writes on a connection of its own, so call it
before the handler writes anything (SQLite allows one writer at a time).
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Flask, current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from housing.extensions import db
from housing.models.base import utcnow
from housing.models.jobs import BackgroundJob, JobStatus

log = logging.getLogger(__name__)

# kind → "module:function". Each area adds its own line.
HANDLERS: dict[str, str] = {
    "selftest": "housing.jobs:selftest_handler",
    "support_schedule": "housing.services.scheduling:run_schedule_job",
    "allocation_round": "housing.services.rounds:run_round_job",
    "allocation_rerun": "housing.services.rounds:rerun_job",
}

STEP_LABELS = {
    "queued": _l("Waiting for its turn"),
    "building": _l("Collecting the data from the register"),
    "solving": _l("Solving"),
    "storing": _l("Storing the result"),
}

ERROR_LABELS = {
    "failed": _l("The job failed."),
    "no_worker": _l("No worker picked the job up in time. Is a worker running (flask --app housing worker)?"),
    "worker_lost": _l("The job stopped without finishing: its worker was stopped or ran out of memory."),
    "unknown_kind": _l("The job is of an unknown kind."),
}

QUEUE_NAME = "kotipolku"
# A job waiting longer than this for a worker has failed (no worker is running).
QUEUE_GRACE = timedelta(minutes=10)
# A thread starts at once: a job still queued after this lost its process.
THREAD_START_GRACE = timedelta(minutes=2)
# Beyond its time limit, a running job gets this long before it counts as dead.
RUN_GRACE = timedelta(minutes=2)


class JobFailed(Exception):
    """Raised by a handler to end its job as failed with a message the user may read."""

    def __init__(self, message: str, code: str = "failed"):
        super().__init__(message)
        self.code = code


def create(kind: str, subject_id: int, *, time_limit_seconds: int, user: Any = None,
           runner: str | None = None) -> BackgroundJob:
    """A queued job (flushed). Commit, then ``start`` it."""
    if kind not in HANDLERS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = BackgroundJob(
        kind=kind, subject_id=subject_id, status=JobStatus.QUEUED, step="queued",
        runner=runner or ("rq" if current_app.config.get("REDIS_URL") else "thread"),
        time_limit_seconds=int(time_limit_seconds), requested_by_id=getattr(user, "id", None),
    )
    db.session.add(job)
    db.session.flush()
    return job


def start(job: BackgroundJob) -> None:
    """Hand a committed, queued job to its runner."""
    if current_app.config.get("JOBS_INLINE"):  # tests: run now, in this context
        run(job.id)
        return
    if job.runner == "rq" and _enqueue(job):
        return
    if job.runner != "thread":
        _set_runner(job.id, "thread")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    threading.Thread(target=_run_in_app, args=(app, job.id), name=f"job-{job.id}", daemon=True).start()


def run(job_id: int) -> JobStatus:
    """Run one job to its end (the runner's entry point). Returns the final status."""
    if not _claim(job_id):
        return db.session.get(BackgroundJob, job_id).status  # already taken, or failed meanwhile
    job = db.session.get(BackgroundJob, job_id)
    try:
        handler = _handler(job.kind)
        handler(job.subject_id, job=job, progress=lambda step: set_step(job_id, step))
        job.status, job.step, job.finished_at = JobStatus.DONE, None, utcnow()
        db.session.commit()
    except Exception as error:  # any failure ends the job; the detail goes to the log
        db.session.rollback()
        code, detail = _describe(error)
        if not isinstance(error, JobFailed):
            log.exception("job %s (%s) failed", job_id, job.kind)
        _finish_failed(job_id, code, detail)
    return db.session.get(BackgroundJob, job_id).status


def run_in_worker(job_id: int) -> str:
    """What an RQ worker calls: inside the worker's app context, or a new app's."""
    if has_app_context():
        return str(run(job_id))
    from housing import create_app

    with create_app().app_context():
        return str(run(job_id))


def refresh(job: BackgroundJob) -> BackgroundJob:
    """Mark a job whose worker died as failed (flushed). Call before showing a job."""
    now = utcnow()
    if job.status == JobStatus.QUEUED:
        grace = QUEUE_GRACE if job.runner == "rq" else THREAD_START_GRACE
        if job.created_at + grace < now:
            _fail(job, "no_worker" if job.runner == "rq" else "worker_lost", None)
    elif job.status == JobStatus.RUNNING and job.started_at is not None:
        if job.started_at + timedelta(seconds=job.time_limit_seconds) + RUN_GRACE < now:
            _fail(job, "worker_lost", None)
    return job


def latest(kind: str, subject_id: int) -> BackgroundJob | None:
    """The newest job of a subject, refreshed."""
    job = db.session.scalar(
        select(BackgroundJob).where(BackgroundJob.kind == kind, BackgroundJob.subject_id == subject_id)
        .order_by(BackgroundJob.id.desc()).limit(1)
    )
    return refresh(job) if job is not None else None


def set_step(job_id: int, step: str) -> None:
    """Record the step a running job is on, visible at once to every page."""
    with db.engine.begin() as connection:
        connection.execute(update(BackgroundJob).where(BackgroundJob.id == job_id).values(step=step))


def step_label(job: BackgroundJob) -> str:
    return str(STEP_LABELS.get(job.step or "", job.step or ""))


def error_label(job: BackgroundJob) -> str:
    return str(ERROR_LABELS.get(job.error_code or "failed", ERROR_LABELS["failed"]))


def selftest_handler(subject_id: int, *, job: BackgroundJob, progress: Callable[[str], None]) -> None:
    """A job that does nothing but report a step: proves a runner works end to end."""
    progress("solving")
    if subject_id < 0:
        raise JobFailed("asked to fail")


# --- inside --------------------------------------------------------------------------------


def _handler(kind: str) -> Callable[..., None]:
    target = HANDLERS.get(kind)
    if target is None:
        raise JobFailed(kind, code="unknown_kind")
    module, _, function = target.partition(":")
    return getattr(importlib.import_module(module), function)


def _claim(job_id: int) -> bool:
    claimed = db.session.execute(
        update(BackgroundJob)
        .where(BackgroundJob.id == job_id, BackgroundJob.status == JobStatus.QUEUED)
        .values(status=JobStatus.RUNNING, started_at=utcnow(), step="building")
    ).rowcount
    db.session.commit()
    return claimed == 1


def _describe(error: Exception) -> tuple[str, str]:
    if isinstance(error, JobFailed):
        return error.code, str(error)[:2000]
    # The class only: an exception's text may quote data (SQL parameters, names).
    return "failed", type(error).__name__


def _fail(job: BackgroundJob, code: str, detail: str | None) -> None:
    job.status, job.error_code, job.error, job.finished_at = JobStatus.FAILED, code, detail, utcnow()
    db.session.flush()


def _finish_failed(job_id: int, code: str, detail: str | None) -> None:
    job = db.session.get(BackgroundJob, job_id)
    _fail(job, code, detail)
    db.session.commit()


def _set_runner(job_id: int, runner: str) -> None:
    with db.engine.begin() as connection:
        connection.execute(update(BackgroundJob).where(BackgroundJob.id == job_id).values(runner=runner))


def _run_in_app(app: Flask, job_id: int) -> None:
    with app.app_context():
        try:
            run(job_id)
        finally:
            db.session.remove()


def redis_connection(url: str | None = None):
    from redis import Redis

    return Redis.from_url(url or current_app.config["REDIS_URL"], socket_connect_timeout=2, socket_timeout=5)


def _enqueue(job: BackgroundJob) -> bool:
    """Put the job on the RQ queue; False (and a warning in the log) when Redis is down."""
    from redis.exceptions import RedisError
    from rq import Queue

    try:
        queue = Queue(QUEUE_NAME, connection=redis_connection())
        queue.enqueue_call(
            "housing.jobs.run_in_worker", args=(job.id,),
            timeout=job.time_limit_seconds + int(RUN_GRACE.total_seconds()),
            result_ttl=3600, failure_ttl=7 * 24 * 3600,
        )
    except RedisError as error:
        log.warning("Redis unreachable (%s): job %s runs in a thread instead", type(error).__name__, job.id)
        return False
    return True


def work(burst: bool = False) -> None:
    """Run an RQ worker in this process and application context (``flask --app housing worker``).

    A SimpleWorker runs each job in this process: the database pool is not shared across
    a fork, and a worker killed mid-job leaves a job that ``refresh`` marks failed."""
    from rq import Queue, SimpleWorker

    connection = redis_connection()
    SimpleWorker([Queue(QUEUE_NAME, connection=connection)], connection=connection).work(burst=burst)
