"""A believable demo: Pirkanmaa and Helsinki with units, young people, applications and staff.

``seed()`` builds it once (a second call finds ``admin@demo.fi`` and changes nothing). All
data is fictional: names are drawn at random, identity codes use the temporary individual
numbers 900–999 that are never given to a person, phone numbers are made up. Dates are
relative to today, so the demo always looks current; the random source has a fixed seed.

Accounts, units and places, the young people and their housing applications are made
through their services (``services.accounts``, ``services.units``, ``services.young_people``,
``services.applications``), and so are the allocation rounds, offers, tenancies and moves:
real rounds are run and decided for both counties (``demo.rounds``), the answers recorded, the
move-ins and move-outs made (``services.rounds``, ``proposals``, ``offers``, ``tenancies``,
``moves``); support plans, published weeks and visit records come through ``services.support``,
schedules and visits. So the demo holds only states the product can reach. Seeding is not a
user processing client data, so it writes no audit events (``audit.building_demo``). Running a
round or planning a week is a job, and a job commits: the caller commits the rest.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from housing import audit
from housing.demo.applications import build_applications
from housing.demo.context import Demo
from housing.demo.people import build_people, build_referrals
from housing.demo.rounds import build_rounds, plan_round_days
from housing.demo.staff import NAMED_ACCOUNTS, build_coordinators, build_staff
from housing.demo.stories import plan_stories
from housing.demo.support import build_support
from housing.demo.tenancies import build_move_requests, build_tenancies, plan_move_outs
from housing.demo.units import build_units
from housing.extensions import db
from housing.models import ApplicationStatus, User
from housing.services.reference import load_reference_data

MARKER_ACCOUNT = "admin@demo.fi"


def seed() -> str:
    """Build the demo data (flushed, not committed) and say what was built."""
    if db.session.scalar(select(User.id).where(User.email == MARKER_ACCOUNT)) is not None:
        return f"Demo data is already in place ({MARKER_ACCOUNT} exists); nothing was changed."
    with audit.building_demo():
        load_reference_data()
        demo = Demo.start()
        build_coordinators(demo)  # the coordinators add their counties' units …
        build_units(demo)
        build_staff(demo)  # … and the unit roles are made for those units
        stories = plan_stories(demo)
        build_people(demo, stories)
        plan_round_days(demo, stories)
        build_tenancies(demo, stories)
        build_applications(demo, stories)
        db.session.flush()
        allocation_rounds = build_rounds(demo, stories)
        plan_move_outs(demo, stories)
        referrals = build_referrals(demo, stories)
        move_requests = build_move_requests(demo, stories)
        db.session.flush()
        support = build_support(demo, stories)  # last: planning a week commits what came before
        db.session.flush()
    return _summary(demo, stories, support, referrals, move_requests, allocation_rounds)


def _summary(demo: Demo, stories, support, referrals: int, move_requests: int, allocation_rounds: int) -> str:
    places = [place for unit_places in demo.places.values() for place in unit_places]
    tenancies = [s.tenancy for s in stories if s.tenancy is not None]
    occupied = sum(1 for tenancy in tenancies if tenancy.is_current(demo.today))
    statuses = Counter(app.status for story in stories for app in story.applications)
    by_status = ", ".join(f"{status.value} {statuses[status]}" for status in ApplicationStatus)
    logins = ", ".join(account.email for account in NAMED_ACCOUNTS)
    return (
        f"Demo data: {len(demo.units)} units with {len(places)} places ({occupied} lived in today), "
        f"{len(stories)} young people, {sum(statuses.values())} applications ({by_status}), "
        f"{allocation_rounds} allocation rounds, {len(tenancies)} tenancies, {support.plans} support plans, "
        f"{support.schedules} published weekly schedules with {support.visits} visits ({support.records} recorded), "
        f"{referrals} service referrals, "
        f"{move_requests} move requests and {len(demo.accounts)} staff accounts. "
        f"Log in as {logins} (or any firstname.lastname@demo.fi) with the password \"demo\"."
    )
