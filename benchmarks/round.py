"""Benchmark of an allocation round end to end (issue 10).

    python benchmarks/round.py postgresql://postgres@127.0.0.1/DATABASE [--repeat 3]

Builds one county with 5,000 applications on the waiting list and 2,000 free places in the
named database (its ``public`` schema is dropped and made again by the real Alembic
revisions: give it a database of its own), from the allocator's own generator
(``allocator.matching.generate``, seed 1): the same units, places and applicants the
allocation benchmark solves, written into the register. Then it runs the round as the
command line does (``rounds.create_round`` and the job, in this process) and reports:

- *end to end*: creating the round, then the whole job: building the problem from the
  database, solving, asking the allocator why each one left out was left out and how the
  greedy method would have done, and storing the problem, the result and 5,000 proposals
  (committed);
- *solver*: the allocator's own time for the stored result (``stats.seconds``);
- the parts: building the problem, the analysis (explanations and greedy), storing.

Target (issue 10): end to end under 10 s, and within twice the solver's time plus 2 s.
Unit staff hours are set so they never bind (every unit could take its places' largest
needs), as in the allocation benchmark's 5,000 × 2,000 row; ``--side-constraints`` uses the
generator's unit limits and not-with pairs instead (CP-SAT, up to its time limit).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from housing import localtime

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import delete, insert, select, text  # noqa: E402

from allocator.matching.generate import AS_OF, generate_problem  # noqa: E402
from housing import create_app, jobs, rules  # noqa: E402
from housing.extensions import db  # noqa: E402
from housing.models import (  # noqa: E402
    AllocationRound,
    Application,
    ApplicationStatus,
    BackgroundJob,
    LocationWish,
    Place,
    PlacementType,
    Unit,
    UnitType,
    YoungPerson,
)
from housing.services import allocation_policy, round_problem, rounds  # noqa: E402
from housing.services.round_analysis import Analysis  # noqa: E402

TODAY = localtime.today()
HOURS_PER_PLACE = 12  # the largest need an applicant has: such units never run out of hours


def build_county(document: dict, side_constraints: bool) -> None:
    """Units, places, young people, applications and wishes from a generated problem, in bulk."""
    shift = TODAY - AS_OF  # the generator's dates are relative to its own as-of day
    now = datetime.now(UTC)
    places_of: dict[str, int] = {}
    for place in document["places"]:
        places_of[place["unit"]] = places_of.get(place["unit"], 0) + 1
    first_place = {}
    for place in document["places"]:
        first_place.setdefault(place["unit"], place)
    unit_rows = [_unit(u, first_place.get(u["id"]), places_of.get(u["id"], 0), side_constraints, now)
                 for u in document["units"]]
    db.session.execute(insert(Unit), unit_rows)
    unit_ids = dict(zip([u["id"] for u in document["units"]], db.session.scalars(
        select(Unit.id).order_by(Unit.id)), strict=True))
    db.session.execute(insert(Place), [
        {"unit_id": unit_ids[p["unit"]], "label": p["id"], "bedrooms": max(1, p["max_household"] - 1),
         "max_household": p["max_household"], "accessible": p["accessible"], "out_of_use": False,
         "created_at": now, "updated_at": now} for p in document["places"]])
    applicants = document["applicants"]
    db.session.execute(insert(YoungPerson), [_person(n, a, now) for n, a in enumerate(applicants)])
    people = db.session.scalars(select(YoungPerson.id).order_by(YoungPerson.id)).all()
    db.session.execute(insert(Application), [_application(a, pid, shift, now)
                                             for a, pid in zip(applicants, people, strict=True)])
    applications = db.session.scalars(select(Application.id).order_by(Application.id)).all()
    db.session.execute(insert(LocationWish), [
        {"application_id": aid, "rank": rank, "lat": wish["lat"], "lon": wish["lon"]}
        for a, aid in zip(applicants, applications, strict=True) for rank, wish in enumerate(a["locations"])])
    db.session.commit()


def _unit(unit: dict, place: dict | None, places: int, side_constraints: bool, now: datetime) -> dict:
    lat, lon = (place["lat"], place["lon"]) if place else (61.5, 23.76)
    hours = unit["support_hours"] if side_constraints and unit["support_hours"] is not None \
        else HOURS_PER_PLACE * max(1, places)
    return {"name": unit["id"], "unit_type": UnitType.SUPPORTED_HOUSING_UNIT, "county_id": "PI",
            "municipality_code": "837", "lat": lat, "lon": lon, "support_level": unit["support_level"],
            "services": unit["services"], "staff_support_hours": hours, "min_age": unit["min_age"],
            "max_age": unit["max_age"], "gender_restriction": unit["gender"], "languages": unit["languages"] or [],
            "active": True, "created_at": now, "updated_at": now}


def _person(n: int, applicant: dict, now: datetime) -> dict:
    birth = rules.birthday(TODAY, -applicant["age"]) - timedelta(days=n % 300)  # that age on the as-of day
    return {"identity_code": f"B{n:010d}", "first_name": f"Nuori{n}", "last_name": f"Sukunimi{n}",
            "birth_date": birth, "gender": applicant["gender"], "language": applicant["language"] or "fi",
            "placing_county_id": "PI", "residence_county_id": "PI", "placement_type": PlacementType.SUBSTITUTE_CARE,
            "placed_alone": True, "children_in_household": applicant["household"] - 1, "non_disclosure": False,
            "created_at": now, "updated_at": now}


def _application(applicant: dict, person_id: int, shift: timedelta, now: datetime) -> dict:
    need_since = date.fromisoformat(applicant["need_since"]) + shift
    band = applicant["band"]
    return {"young_person_id": person_id, "status": ApplicationStatus.WAITLISTED, "support_level":
            applicant["support_level"], "needs": applicant["needs"], "support_hours": applicant["support_hours"],
            "urgency_band": band, "urgency_ground": {1: "no_home", 2: "housing_ends_soon", 3: None}[band],
            "urgency_reason": None if band == 3 else "Kuvaus.", "need_since": need_since,
            "max_distance_km": applicant["max_distance_km"], "household_size": applicant["household"],
            "needs_accessible": applicant["needs_accessible"], "acceptable_unit_types": [], "consent": True,
            "tiebreak": applicant["tiebreak"], "submitted_at": now - timedelta(days=3),
            "waitlisted_at": now - timedelta(days=1), "created_at": now - timedelta(days=4), "updated_at": now}


def run_once(time_limit: int) -> dict[str, float]:
    """One round as the command line runs it, with the time of each part."""
    weights = allocation_policy.defaults_weights()
    choice = rounds.RoundChoice(as_of=TODAY, free_by=TODAY, weights=weights, time_limit=time_limit)
    parts: dict[str, float] = {}
    timed = _instrument(parts)
    started = time.perf_counter()
    solved_round, job = rounds.create_round(None, "PI", choice, TODAY)
    db.session.commit()
    jobs.run(job.id)
    parts["end to end"] = time.perf_counter() - started
    timed.restore()
    finished = db.session.get(AllocationRound, solved_round.id)
    assert finished.result is not None, finished.error
    parts["solver"] = finished.result["stats"]["seconds"]
    parts["housed"] = len(finished.result["assignments"])
    parts["status"] = finished.result["status"]
    parts["proposals"] = len(finished.proposals)
    db.session.execute(delete(AllocationRound))  # the next run starts from the same register
    db.session.execute(delete(BackgroundJob))
    db.session.commit()
    db.session.expunge_all()
    return parts


class _instrument:
    """Wrap the job's parts to time them (building, analysis, storing), without changing them."""

    def __init__(self, parts: dict[str, float]):
        self.saved = [(round_problem, "build_problem"), (rounds, "Analysis"), (rounds, "_store")]
        self.originals = [getattr(module, name) for module, name in self.saved]
        rounds.round_problem.build_problem = self._timed(round_problem.build_problem, parts, "build problem")
        rounds._store = self._timed(rounds._store, parts, "store")
        analysis_class = Analysis

        def analysis(problem):
            started = time.perf_counter()
            made = analysis_class(problem)
            made.explanations = self._timed(made.explanations, parts, "explain")
            made.comparison = self._timed(made.comparison, parts, "greedy comparison")
            parts["eligibility (analysis)"] = time.perf_counter() - started
            return made

        rounds.Analysis = analysis

    @staticmethod
    def _timed(function, parts, name):
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                parts[name] = parts.get(name, 0.0) + time.perf_counter() - started
        return timed

    def restore(self) -> None:
        for (module, name), original in zip(self.saved, self.originals, strict=True):
            setattr(module, name, original)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("database_url", help="a PostgreSQL database of its own: its public schema is rebuilt")
    parser.add_argument("--applicants", type=int, default=5000)
    parser.add_argument("--places", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--time-limit", type=int, default=30)
    parser.add_argument("--side-constraints", action="store_true")
    args = parser.parse_args()
    app = create_app({"ENV": "testing", "DATABASE_URL": args.database_url, "JOBS_INLINE": True})
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        upgrade()
        from housing.services.reference import load_reference_data

        load_reference_data()
        db.session.commit()
        started = time.perf_counter()
        build_county(generate_problem(args.applicants, args.places, seed=1,
                                      side_constraints=args.side_constraints), args.side_constraints)
        with db.engine.begin() as connection:
            connection.execute(text("ANALYZE"))
        print(f"{args.applicants:,} applications on the waiting list and {args.places:,} places written in "
              f"{time.perf_counter() - started:.1f} s; {args.repeat} rounds\n")
        runs = [run_once(args.time_limit) for _ in range(args.repeat)]
    keys = ["end to end", "solver", "build problem", "eligibility (analysis)", "explain", "greedy comparison", "store"]
    print("| part | " + " | ".join(f"run {n + 1}, s" for n in range(len(runs))) + " | median, s |")
    print("|---|" + "---:|" * (len(runs) + 1))
    for key in keys:
        values = [run.get(key, 0.0) for run in runs]
        print(f"| {key} | " + " | ".join(f"{v:.2f}" for v in values) + f" | {statistics.median(values):.2f} |")
    end, solver = statistics.median(r["end to end"] for r in runs), statistics.median(r["solver"] for r in runs)
    print(f"\n{runs[0]['status']}, {runs[0]['housed']:,} housed, {runs[0]['proposals']:,} proposals stored. "
          f"End to end {end:.2f} s; bound 2 × solver + 2 s = {2 * solver + 2:.2f} s: "
          f"{'within' if end <= min(10.0, 2 * solver + 2) else 'NOT within'} the target.")


if __name__ == "__main__":
    main()
