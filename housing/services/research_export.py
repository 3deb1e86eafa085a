"""The research export (aftercare policy, recommendation 5): outcome data, pseudonymised.

The cohort is the housing applications made in a period (drafts never sent are not part of
it), optionally of one placing county; with them go every round they took part in, the
offers they got and the tenancies they led to, whenever those happened, so each path is
whole. One CSV file per entity, linked by pseudonymous ids:

- ids are random and new for each export, but stable within one: the same young person,
  application, round, offer, tenancy or unit has the same id in every file of that export,
  and another export gives them other ids (two exports cannot be linked by id);
- no names, identity codes, free text (reasons, own words, notes), addresses, coordinates or
  birth dates: a young person's age is given in whole years on the day of each event;
- the municipality is kept (of residence, of a unit, of a wish), except for young people
  under non-disclosure (turvakielto, DESIGN.md §3: their location is never exported): for
  them every municipality, the unit's id and the distance to a wish are left empty, so
  that no row places them; the rest of their path stays in the data, unmarked.

Column names are stable English codes (a research file is read by programs) and values are
codes of ``housing.vocabulary``. Each query joins what its file needs: no query per row.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from housing import audit, rules
from housing.extensions import db
from housing.localtime import LOCAL_TIME
from housing.models import (
    AllocationRound,
    Application,
    ApplicationStatus,
    LocationWish,
    Offer,
    Place,
    Proposal,
    Tenancy,
    Unit,
    User,
    YoungPerson,
)
from housing.services.errors import RuleViolation


class Pseudonyms:
    """Random ids for one export: ``of("P", 17)`` is the same string every time in this export."""

    def __init__(self) -> None:
        self._given: dict[tuple[str, Any], str] = {}
        self._taken: set[str] = set()

    def of(self, kind: str, key: Any) -> str | None:
        if key is None:
            return None
        if (kind, key) not in self._given:
            value = f"{kind}{secrets.token_hex(5)}"  # 40 random bits; drawn again on the rare clash
            while value in self._taken:
                value = f"{kind}{secrets.token_hex(5)}"
            self._taken.add(value)
            self._given[(kind, key)] = value
        return self._given[(kind, key)]


@dataclass(frozen=True)
class ExportFile:
    name: str
    header: list[str]
    rows: list[list[Any]]


@dataclass(frozen=True)
class ResearchExport:
    first_day: date
    last_day: date
    county_id: str | None
    files: list[ExportFile]

    @property
    def row_counts(self) -> dict[str, int]:
        return {file.name: len(file.rows) for file in self.files}


def _local_day(moment: datetime | None) -> date | None:
    return moment.astimezone(LOCAL_TIME).date() if moment else None


def _age(birth: date, day: date | None) -> int | None:
    return rules.age_on(birth, day) if day else None


def _check_period(first_day: date | None, last_day: date | None, today: date) -> None:
    if first_day is None:
        raise RuleViolation(_l("Enter the first day of the period."), field="first_day")
    if last_day is None:
        raise RuleViolation(_l("Enter the last day of the period."), field="last_day")
    if last_day < first_day:
        raise RuleViolation(_l("The period cannot end before it begins."), field="last_day")
    if last_day > today:
        raise RuleViolation(_l("The period cannot end in the future."), field="last_day")


def build(actor: User, first_day: date | None, last_day: date | None, county_id: str | None,
          today: date) -> ResearchExport:
    """The export of applications made from ``first_day`` to ``last_day`` (inclusive), audited."""
    _check_period(first_day, last_day, today)
    cohort = _cohort(first_day, last_day, county_id)
    names = Pseudonyms()
    files = [_applications(cohort, names), _proposals(cohort, names), _rounds(cohort, names),
             _offers(cohort, names), _tenancies(cohort, names)]
    export = ResearchExport(first_day, last_day, county_id, files)
    people = db.session.scalars(select(Application.young_person_id).where(Application.id.in_(cohort)).distinct())
    # Each young person in it may ask who has processed their data: one event each, as for any
    # export, and one for the export itself with its period and sizes (no ids in its detail).
    audit.record_list_view(people, object_type="research_export", action=audit.Action.EXPORT)
    audit.record(audit.Action.EXPORT, object_type="research_export", user=actor, detail={
        "first_day": first_day.isoformat(), "last_day": last_day.isoformat(), "county": county_id,
        "rows": export.row_counts})
    return export


def _cohort(first_day: date, last_day: date, county_id: str | None) -> Any:
    """Subquery: ids of the applications made in the period (Finland's days) that were sent."""
    starts = datetime.combine(first_day, time(), LOCAL_TIME).astimezone(UTC)
    ends = datetime.combine(last_day + timedelta(days=1), time(), LOCAL_TIME).astimezone(UTC)
    query = (select(Application.id).join(YoungPerson, YoungPerson.id == Application.young_person_id)
             .where(Application.created_at >= starts, Application.created_at < ends,
                    Application.status != ApplicationStatus.DRAFT))
    if county_id:
        query = query.where(YoungPerson.placing_county_id == county_id)
    return query


def _codes(values: list[str] | None) -> str:
    return "|".join(values or [])


APPLICATION_COLUMNS = [
    "application_id", "person_id", "placing_county", "municipality", "age_at_application", "gender", "language",
    "placement_type", "entitlement", "children_in_household", "created_on", "submitted_on", "waitlisted_on",
    "status", "urgency_band", "urgency_ground", "need_since", "support_level", "support_hours", "needs",
    "household_size", "needs_accessible", "acceptable_unit_types", "max_distance_km", "wished_municipalities",
]


def _applications(cohort: Any, names: Pseudonyms) -> ExportFile:
    rows = db.session.execute(
        select(Application, YoungPerson).join(YoungPerson, YoungPerson.id == Application.young_person_id)
        .where(Application.id.in_(cohort)).order_by(Application.created_at, Application.id)
    ).all()
    wishes = _wished_municipalities(cohort)
    out = []
    for application, person in rows:
        protected = person.non_disclosure
        created = _local_day(application.created_at)
        entitlement = rules.aftercare_entitlement(person.placement_type.value, person.placement_start,
                                                  person.placement_end, person.placed_alone)
        out.append([
            names.of("A", application.id), names.of("P", person.id), person.placing_county_id,
            None if protected else person.municipality_code, _age(person.birth_date, created), person.gender,
            person.language, person.placement_type.value, entitlement.value, person.children_in_household,
            created, _local_day(application.submitted_at), _local_day(application.waitlisted_at),
            application.status.value, application.urgency_band, application.urgency_ground, application.need_since,
            application.support_level, application.support_hours, _codes(application.needs),
            application.household_size, application.needs_accessible, _codes(application.acceptable_unit_types),
            application.max_distance_km, None if protected else _codes(wishes.get(application.id)),
        ])
    return ExportFile("applications.csv", APPLICATION_COLUMNS, out)


def _wished_municipalities(cohort: Any) -> dict[int, list[str]]:
    wished: dict[int, list[str]] = defaultdict(list)
    for application_id, code in db.session.execute(
        select(LocationWish.application_id, LocationWish.municipality_code)
        .where(LocationWish.application_id.in_(cohort), LocationWish.municipality_code.is_not(None))
        .order_by(LocationWish.application_id, LocationWish.rank)
    ):
        wished[application_id].append(code)
    return wished


def _unit_columns(unit: Unit | None, protected: bool, names: Pseudonyms) -> list[Any]:
    if unit is None:
        return [None, None, None, None]
    return [None if protected else names.of("U", unit.id), unit.unit_type.value, unit.support_level,
            None if protected else unit.municipality_code]


UNIT_COLUMNS = ["unit_id", "unit_type", "unit_support_level", "unit_municipality"]
PROPOSAL_COLUMNS = ["round_id", "application_id", "person_id", "age_at_round", "priority_rank", "housed",
                    "not_housed_reason", "fit", "wish_rank", "km_from_wish", *UNIT_COLUMNS, "decision"]


def _proposals(cohort: Any, names: Pseudonyms) -> ExportFile:
    rows = db.session.execute(
        select(Proposal, AllocationRound.as_of, YoungPerson, Unit)
        .join(AllocationRound, AllocationRound.id == Proposal.round_id)
        .join(Application, Application.id == Proposal.application_id)
        .join(YoungPerson, YoungPerson.id == Application.young_person_id)
        .outerjoin(Place, Place.id == Proposal.place_id).outerjoin(Unit, Unit.id == Place.unit_id)
        .where(Proposal.application_id.in_(cohort)).order_by(AllocationRound.as_of, Proposal.round_id,
                                                             Proposal.priority_rank)
    ).all()
    out = []
    for proposal, as_of, person, unit in rows:
        protected = person.non_disclosure
        km = None if protected or proposal.km is None else round(proposal.km)
        out.append([
            names.of("R", proposal.round_id), names.of("A", proposal.application_id), names.of("P", person.id),
            _age(person.birth_date, as_of), proposal.priority_rank, proposal.place_id is not None, proposal.reason,
            proposal.fit, proposal.wish_rank, km, *_unit_columns(unit, protected, names), proposal.decision.value,
        ])
    return ExportFile("round_proposals.csv", PROPOSAL_COLUMNS, out)


ROUND_COLUMNS = ["round_id", "county", "as_of", "free_by", "status", "solver_status", "seconds", "gap",
                 "applications", "housed"]


def _rounds(cohort: Any, names: Pseudonyms) -> ExportFile:
    """Every round a cohort application took part in, with the round's own sizes (all its applicants)."""
    sizes = (select(Proposal.round_id, func.count().label("applications"),
                    func.count(Proposal.place_id).label("housed")).group_by(Proposal.round_id).subquery())
    rows = db.session.execute(
        select(AllocationRound, sizes.c.applications, sizes.c.housed)
        .join(sizes, sizes.c.round_id == AllocationRound.id)
        .where(AllocationRound.id.in_(select(Proposal.round_id).where(Proposal.application_id.in_(cohort))))
        .order_by(AllocationRound.as_of, AllocationRound.id)
    ).all()
    out = [[names.of("R", r.id), r.county_id, r.as_of, r.free_by, r.status.value, r.solver_status,
            None if r.seconds is None else round(r.seconds, 2), r.gap, applications, housed]
           for r, applications, housed in rows]
    return ExportFile("rounds.csv", ROUND_COLUMNS, out)


OFFER_COLUMNS = ["offer_id", "application_id", "person_id", "round_id", "age_at_offer", *UNIT_COLUMNS,
                 "place_bedrooms", "place_accessible", "sent_on", "respond_by", "status", "answered_on",
                 "declined_by", "decline_reason_code"]


def _offers(cohort: Any, names: Pseudonyms) -> ExportFile:
    rows = db.session.execute(
        select(Offer, Proposal.round_id, YoungPerson, Place, Unit)
        .join(Application, Application.id == Offer.application_id)
        .join(YoungPerson, YoungPerson.id == Application.young_person_id)
        .join(Place, Place.id == Offer.place_id).join(Unit, Unit.id == Place.unit_id)
        .outerjoin(Proposal, Proposal.id == Offer.proposal_id)
        .where(Offer.application_id.in_(cohort)).order_by(Offer.sent_at, Offer.id)
    ).all()
    out = []
    for offer, round_id, person, place, unit in rows:
        sent = _local_day(offer.sent_at)
        out.append([
            names.of("O", offer.id), names.of("A", offer.application_id), names.of("P", person.id),
            names.of("R", round_id), _age(person.birth_date, sent), *_unit_columns(unit, person.non_disclosure, names),
            place.bedrooms, place.accessible, sent, offer.respond_by, offer.status.value,
            _local_day(offer.responded_at), offer.declined_by, offer.decline_code,
        ])
    return ExportFile("offers.csv", OFFER_COLUMNS, out)


TENANCY_COLUMNS = ["tenancy_id", "person_id", "application_id", "offer_id", "age_at_move_in", *UNIT_COLUMNS,
                   "move_in", "actual_move_in", "planned_move_out", "actual_move_out", "end_reason_code"]


def _tenancies(cohort: Any, names: Pseudonyms) -> ExportFile:
    rows = db.session.execute(
        select(Tenancy, YoungPerson, Unit)
        .join(YoungPerson, YoungPerson.id == Tenancy.young_person_id)
        .join(Place, Place.id == Tenancy.place_id).join(Unit, Unit.id == Place.unit_id)
        .where(Tenancy.application_id.in_(cohort)).order_by(Tenancy.move_in, Tenancy.id)
    ).all()
    out = [[
        names.of("T", tenancy.id), names.of("P", person.id), names.of("A", tenancy.application_id),
        names.of("O", tenancy.offer_id), _age(person.birth_date, tenancy.move_in),
        *_unit_columns(unit, person.non_disclosure, names), tenancy.move_in, tenancy.actual_move_in,
        tenancy.planned_move_out, tenancy.actual_move_out, tenancy.end_code,
    ] for tenancy, person, unit in rows]
    return ExportFile("tenancies.csv", TENANCY_COLUMNS, out)
