"""Allocation rounds: chosen by a coordinator, solved outside the request, stored whole.

``create_round`` checks what the coordinator chose and queues a job (commit, then
``jobs.start``). The job (``run_round_job``) builds the ``housing-allocation/1`` problem
from the register, solves it with the allocator, asks the allocator why each one left out
was left out and how the greedy method would have done, and only then writes: the problem,
the result and every proposal together, committed with the job's "done". A failure (the
solver, the database) leaves nothing half-stored: the round shows the job's message and can
be run again. ``rerun`` solves the stored problem once more and records whether the result
is identical (housed set, places, objective), as an appeal may ask.

One round per county is open at a time (queued, running, or with decisions to make), so two
rounds never offer the same place.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select

from allocator.matching.api import solve_document
from allocator.reading import InputError
from housing import audit, jobs
from housing.extensions import db
from housing.models import (
    AllocationRound,
    BackgroundJob,
    JobStatus,
    Proposal,
    ProposalDecision,
    Role,
    RoundStatus,
    User,
    utcnow,
)
from housing.services import allocation_policy, round_problem
from housing.services.errors import NotVisible, RuleViolation
from housing.services.round_analysis import Analysis, same_result

ROUND_JOB = "allocation_round"
RERUN_JOB = "allocation_rerun"
DEFAULT_TIME_LIMIT = 30  # seconds for the solver; the allocator's own default
MAX_TIME_LIMIT = 600
JOB_ALLOWANCE = 120  # seconds beyond the solver's limit for reading the register and storing
LOOK_AHEAD = timedelta(days=90)  # the furthest as-of and free-by days from today
OPEN_STATUSES = (RoundStatus.QUEUED, RoundStatus.RUNNING, RoundStatus.DONE)


@dataclass(frozen=True)
class RoundChoice:
    """What a coordinator (or the command line) chose for a round."""

    as_of: date
    free_by: date
    weights: dict[str, int]
    place_ids: list[int] | None = None  # None: every free place
    application_ids: list[int] | None = None  # None: the whole waiting list
    time_limit: int = DEFAULT_TIME_LIMIT


def get_round(user: User, round_id: int) -> AllocationRound:
    """A round of the coordinator's own county."""
    found = db.session.get(AllocationRound, round_id)
    if found is None or user.role != Role.COORDINATOR or found.county_id != user.county_id:
        raise NotVisible("allocation_round", round_id)
    return found


def open_round(county_id: str) -> AllocationRound | None:
    return db.session.scalar(select(AllocationRound).where(
        AllocationRound.county_id == county_id, AllocationRound.status.in_(OPEN_STATUSES))
        .order_by(AllocationRound.id.desc()).limit(1))


def create_round(actor: User | None, county_id: str, choice: RoundChoice, today: date,
                 runner: str | None = None) -> tuple[AllocationRound, BackgroundJob]:
    """A queued round and its job (flushed). ``actor`` None: run from the command line."""
    if actor is not None and (actor.role != Role.COORDINATOR or actor.county_id != county_id):
        raise RuleViolation(_l("Only a housing coordinator of the county can run its rounds."))
    _check_choice(county_id, choice, today)
    started = AllocationRound(
        county_id=county_id, as_of=choice.as_of, free_by=choice.free_by, status=RoundStatus.QUEUED,
        policy=dict(choice.weights), time_limit_seconds=choice.time_limit, run_by_id=actor.id if actor else None,
        run_from="web" if actor is not None else "cli",
        selection={"place_ids": choice.place_ids, "application_ids": choice.application_ids},
    )
    db.session.add(started)
    db.session.flush()
    audit.record(audit.Action.CREATE, object_type="allocation_round", object_id=started.id, user=actor,
                 detail={"as_of": choice.as_of.isoformat(), "free_by": choice.free_by.isoformat()})
    return started, _queue(started, actor, runner)


def _queue(round_: AllocationRound, actor: User | None, runner: str | None) -> BackgroundJob:
    return jobs.create(ROUND_JOB, round_.id, time_limit_seconds=round_.time_limit_seconds + JOB_ALLOWANCE,
                       user=actor, runner=runner or ("cli" if actor is None else None))


def _check_choice(county_id: str, choice: RoundChoice, today: date) -> None:
    busy = open_round(county_id)
    if busy is not None:
        raise RuleViolation(_l("Round %(number)d is still open: make its decisions and close it first.",
                               number=busy.id))
    if choice.as_of > today + LOOK_AHEAD:
        raise RuleViolation(_l("Choose an as-of day within 90 days."), field="as_of")
    if not choice.as_of <= choice.free_by <= choice.as_of + LOOK_AHEAD:
        raise RuleViolation(_l("Choose a day from the as-of day to 90 days after it."), field="free_by")
    allocation_policy.check_weights(choice.weights)
    if not 1 <= choice.time_limit <= MAX_TIME_LIMIT:
        raise RuleViolation(_l("Enter from 1 to %(max)d seconds.", max=MAX_TIME_LIMIT), field="time_limit")
    if choice.place_ids is not None:
        free = set(db.session.scalars(round_problem.places_free_by(county_id, choice.free_by).with_only_columns(
            round_problem.Place.id)))
        if not choice.place_ids or not set(choice.place_ids) <= free:
            raise RuleViolation(_l("Choose at least one place, from the places free by that day."), field="place_ids")
    if choice.application_ids is not None:
        waiting = set(db.session.scalars(round_problem.waitlisted_by(county_id, choice.as_of)))
        if not choice.application_ids or not set(choice.application_ids) <= waiting:
            raise RuleViolation(_l("Choose at least one application from the waiting list."),
                                field="application_ids")


def run_again(actor: User, round_: AllocationRound) -> BackgroundJob:
    """A failed round is queued again with what was chosen for it (flushed; commit, then start)."""
    if round_.status != RoundStatus.FAILED:
        raise RuleViolation(_l("Only a round that failed can be run again."))
    busy = open_round(round_.county_id)
    if busy is not None:
        raise RuleViolation(_l("Round %(number)d is still open: make its decisions and close it first.",
                               number=busy.id))
    round_.status, round_.error = RoundStatus.QUEUED, None
    audit.record(audit.Action.UPDATE, object_type="allocation_round", object_id=round_.id, user=actor,
                 detail={"step": "run_again"})
    return _queue(round_, actor, None)


def refresh(round_: AllocationRound) -> BackgroundJob | None:
    """The round's latest job; a round whose job failed is marked failed with its message (flushed)."""
    job = jobs.latest(ROUND_JOB, round_.id)
    if job is not None and job.status == JobStatus.FAILED and round_.status in (RoundStatus.QUEUED,
                                                                               RoundStatus.RUNNING):
        round_.status, round_.error = RoundStatus.FAILED, job.error or jobs.error_label(job)
        db.session.flush()
    return job


def spec_of(round_: AllocationRound) -> round_problem.RoundInput:
    selection = round_.selection or {}
    return round_problem.RoundInput(
        county_id=round_.county_id, as_of=round_.as_of, free_by=round_.free_by or round_.as_of,
        policy=round_.policy, place_ids=selection.get("place_ids"), application_ids=selection.get("application_ids"))


# --------------------------------------------------------------------------- the job


def run_round_job(round_id: int, *, job: BackgroundJob, progress: Callable[[str], None]) -> None:
    """Build, solve, explain, then store everything at once (``housing.jobs`` commits it)."""
    round_ = db.session.get(AllocationRound, round_id)
    if round_ is None or round_.status != RoundStatus.QUEUED:
        raise jobs.JobFailed("the round is not waiting to be run")
    problem = round_problem.build_problem(spec_of(round_))
    progress("solving")
    try:
        result = solve_document(problem, float(round_.time_limit_seconds))
    except InputError as error:  # the register holds something the format refuses: say what
        raise jobs.JobFailed("; ".join(error.problems)[:2000]) from None
    analysis = Analysis(problem)
    pair_of = analysis.pair_of(result)
    explanations = analysis.explanations(pair_of)
    comparison = analysis.comparison(pair_of)
    progress("storing")
    _store(round_, problem, result, analysis, pair_of, explanations, comparison)


def _store(round_: AllocationRound, problem: dict[str, Any], result: dict[str, Any], analysis: Analysis,
           pair_of: Any, explanations: dict[str, dict[str, Any]], comparison: dict[str, Any]) -> None:
    round_.problem, round_.result, round_.comparison = problem, result, comparison
    round_.solver_status, round_.gap = result["status"], result["stats"].get("gap")
    round_.seconds, round_.finished_at = result["stats"].get("seconds"), utcnow()
    round_.status, round_.error = RoundStatus.DONE, None
    assigned = {entry["applicant"]: entry for entry in result["assignments"]}
    details = {entry["applicant"]: entry["detail"] for entry in result["unassigned"]}
    rows = []
    for rank, applicant in enumerate(problem["applicants"], start=1):
        code = applicant["id"]
        # Every row has every key, so the rows go in a few multi-row INSERTs (a thousand at a time).
        row = {"round_id": round_.id, "application_id": round_problem.number_of(code), "priority_rank": rank,
               "decision": ProposalDecision.PENDING.value, "place_id": None, "fit": None, "parts": None,
               "wish_rank": None, "km": None, "reason": None, "detail": None, "facts": None}
        entry = assigned.get(code)
        if entry is not None:
            match = analysis.match(int(pair_of[analysis.priority(code)]))
            row.update(place_id=round_problem.number_of(entry["place"]), fit=entry["fit"], parts=entry["parts"],
                       wish_rank=match.rank, km=round(match.km, 2))
        else:
            row.update(reason=explanations[code]["reason"], detail=details.get(code),
                       facts=explanations[code]["facts"])
        rows.append(row)
    if rows:
        db.session.execute(insert(Proposal.__table__), rows)
    db.session.flush()
    audit.record(audit.Action.UPDATE, object_type="allocation_round", object_id=round_.id,
                 detail={"step": "solved", "status": result["status"], "housed": len(assigned),
                         "applicants": len(rows)})


# --------------------------------------------------------------------------- re-run, close


def rerun(actor: User, round_: AllocationRound) -> BackgroundJob:
    """Queue a re-run of the stored problem (flushed; commit, then ``jobs.start``)."""
    if round_.problem is None or round_.result is None:
        raise RuleViolation(_l("The round has no stored result to compare with yet."))
    audit.record(audit.Action.UPDATE, object_type="allocation_round", object_id=round_.id, user=actor,
                 detail={"step": "rerun"})
    return jobs.create(RERUN_JOB, round_.id, time_limit_seconds=round_.time_limit_seconds + JOB_ALLOWANCE,
                       user=actor)


def rerun_job(round_id: int, *, job: BackgroundJob, progress: Callable[[str], None]) -> None:
    round_ = db.session.get(AllocationRound, round_id)
    progress("solving")
    again = solve_document(round_.problem, float(round_.time_limit_seconds))
    progress("storing")
    round_.rerun = {"at": utcnow().isoformat(), "by": job.requested_by_id,
                    "seconds": again["stats"].get("seconds"), **same_result(round_.result, again)}
    db.session.flush()


def close_round(actor: User, round_: AllocationRound, at: datetime | None = None) -> None:
    """Every proposed match has its decision: the round is over (its offers live on)."""
    if round_.status != RoundStatus.DONE:
        raise RuleViolation(_l("Only a round with its proposals ready can be closed."))
    undecided = db.session.scalar(select(Proposal.id).where(
        Proposal.round_id == round_.id, Proposal.place_id.is_not(None),
        Proposal.decision == ProposalDecision.PENDING).limit(1))
    if undecided is not None:
        raise RuleViolation(_l("Some proposed matches still wait for a decision: approve or reject them first."))
    round_.status, round_.closed_at, round_.closed_by_id = RoundStatus.CLOSED, at or utcnow(), actor.id
    db.session.flush()
    audit.record(audit.Action.UPDATE, object_type="allocation_round", object_id=round_.id, user=actor,
                 detail={"step": "closed"})


# --------------------------------------------------------------------------- files


def stored_file(round_: AllocationRound, which: str) -> bytes:
    """``problem.json`` or ``result.json`` exactly as stored: the page's download and the
    command's ``--output`` give the same bytes."""
    document = round_.problem if which == "problem" else round_.result
    if document is None:
        raise NotVisible("allocation_round_file", round_.id)
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def describe(round_: AllocationRound) -> str:
    """One line for the command line and logs: id, status and counts (no personal data)."""
    if round_.result is None:
        return f"Round {round_.id} ({round_.county_id}, as of {round_.as_of}): {round_.status.value}" + (
            f" – {round_.error}" if round_.error else "")
    result = round_.result
    bands = result["objective"]["housed_by_band"]
    return (f"Round {round_.id} ({round_.county_id}, as of {round_.as_of}): {result['status']}, "
            f"{len(round_.problem['applicants'])} applications, {len(round_.problem['places'])} places, "
            f"{len(result['assignments'])} housed (band 1/2/3: {bands['1']}/{bands['2']}/{bands['3']}), "
            f"{len(result['unassigned'])} not housed, {result['stats']['seconds']} s.")
