"""The young people: identity codes that can belong to no one, names, placements, workers.

Each is registered by their responsible social worker through ``services.young_people``,
as on the registration page; a story's data is drawn first, then the worker, then the
turvakielto, then the registration.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from housing import rules
from housing.demo.context import HOME_MUNICIPALITIES, SEED, Demo, ascii_name, birth_date_for_age
from housing.demo.stories import Kind, Story
from housing.demo.texts import (
    FINNISH_FIRST_NAMES,
    FINNISH_LAST_NAMES,
    REFERRAL_NOTES,
    REFERRAL_PROVIDERS,
    STREETS,
    SWEDISH_FIRST_NAMES,
    SWEDISH_LAST_NAMES,
)
from housing.models import PlacementType, ReferralStatus, ServiceReferral
from housing.services import referrals, young_people

TEMPORARY_INDIVIDUAL_NUMBERS = range(900, 1000)  # never given to a real person
SWEDISH_SPEAKING_SHARE = {"PI": 0.05, "HKI": 0.12}
SWEDISH_SHARE_IN_UNITS = {"sv": 0.8, "fi": 0.3}  # by the unit's first language, where it serves in Swedish
WAITLISTED_PARENT_SHARE = 0.12  # young parents among those waiting
DEMO_WORKER_CASELOAD = {
    Kind.WAITLISTED: 8, Kind.RESIDENT: 6, Kind.HOUSED: 3, Kind.OFFERED: 1, Kind.SUBMITTED: 2, Kind.RETURNED: 1,
    Kind.DRAFT: 1, Kind.FORMER_APPLICANT: 1, Kind.FORMER_RESIDENT: 1,
}  # 24: just under the caseload warning of 25
NON_DISCLOSURE = 5
LIVES_IN_PLACE = (Kind.RESIDENT, Kind.HOUSED)
AGES_BY_KIND = {Kind.FORMER_APPLICANT: (18, 24), Kind.FORMER_RESIDENT: (19, 24)}
USUAL_AGES = (17, 22)


def build_people(demo: Demo, stories: list[Story]) -> None:
    used_codes: set[str] = set()
    drafts = [_person_data(demo, story, used_codes) for story in stories]
    _assign_workers(demo, stories)
    protected = {id(story) for story in _non_disclosure(demo, stories)}
    for story, data in zip(stories, drafts, strict=True):
        data["non_disclosure"] = id(story) in protected
        story.person = young_people.create_person(story.worker, data, demo.today)


def _person_data(demo: Demo, story: Story, used_codes: set[str]) -> dict[str, Any]:
    """What the registration form would carry for this young person."""
    gender = _gender(demo, story)
    language = _language(demo, story)
    age = _age(demo, story)
    birth = birth_date_for_age(demo.rng, demo.today, age)
    first, last = _name(demo, gender, language)
    data = dict(
        identity_code=_identity_code(demo, birth, gender, used_codes), first_name=first, last_name=last,
        gender=gender, language=language, children_in_household=_children(demo, story),
        client_plan_date=_client_plan_date(demo), phone=_phone(demo) if demo.rng.random() < 0.9 else None,
        email=_email(demo, first, last), notes=None, housing_lack_recorded_on=None,
    )
    data.update(_home(demo, story))
    data.update(_placement(demo, birth, age))
    return data


def _gender(demo: Demo, story: Story) -> str:
    if story.unit is not None and story.unit.gender_restriction:
        return story.unit.gender_restriction
    return demo.rng.choices(("f", "m", "x"), weights=(48, 48, 4))[0]


def _name(demo: Demo, gender: str, language: str) -> tuple[str, str]:
    swedish = language == "sv"
    name_gender = gender if gender in ("f", "m") else demo.rng.choice(("f", "m"))
    return demo.new_name((SWEDISH_FIRST_NAMES if swedish else FINNISH_FIRST_NAMES)[name_gender],
                         SWEDISH_LAST_NAMES if swedish else FINNISH_LAST_NAMES)


def _email(demo: Demo, first: str, last: str) -> str | None:
    """Some give an address; example.com is reserved, so no mail can reach anyone."""
    if demo.rng.random() >= 0.3:
        return None
    return f"{ascii_name(first)}.{ascii_name(last)}{demo.rng.randint(1, 99)}@example.com"


def _language(demo: Demo, story: Story) -> str:
    if story.unit is not None:
        languages = story.unit.languages
        swedish = "sv" in languages and demo.rng.random() < SWEDISH_SHARE_IN_UNITS[languages[0]]
        return "sv" if swedish else "fi"
    return "sv" if demo.rng.random() < SWEDISH_SPEAKING_SHARE[story.county_id] else "fi"


def _age(demo: Demo, story: Story) -> int:
    low, high = AGES_BY_KIND.get(story.kind, USUAL_AGES)
    if story.unit is not None and story.kind != Kind.FORMER_RESIDENT:
        low, high = max(low, story.unit.min_age or low), min(high, story.unit.max_age or high)
    return demo.rng.randint(low, high)


def _children(demo: Demo, story: Story) -> int:
    if story.place is not None and story.kind != Kind.FORMER_RESIDENT:
        return demo.rng.randint(1, story.place.max_household - 1) if story.place.max_household > 1 else 0
    return 1 if story.kind == Kind.WAITLISTED and demo.rng.random() < WAITLISTED_PARENT_SHARE else 0


def _identity_code(demo: Demo, birth: date, gender: str, used_codes: set[str]) -> str:
    """A valid henkilötunnus with a temporary individual number; odd numbers are given to men."""
    parity = {"m": 1, "f": 0}.get(gender, demo.rng.randint(0, 1))
    numbers = [n for n in TEMPORARY_INDIVIDUAL_NUMBERS if n % 2 == parity]
    ddmmyy = birth.strftime("%d%m%y")
    sign = "A" if birth.year >= 2000 else "-"
    while True:
        number = f"{demo.rng.choice(numbers):03d}"
        code = f"{ddmmyy}{sign}{number}{rules.identity_code_check_character(ddmmyy, number)}"
        if code not in used_codes:
            used_codes.add(code)
            return code


def _client_plan_date(demo: Demo) -> date | None:
    """Most plans are current; some are over a year old (30 §: reviewed yearly) or missing."""
    draw = demo.rng.random()
    if draw < 0.7:
        return demo.days_ago(demo.rng.randint(5, 330))
    return demo.days_ago(demo.rng.randint(380, 720)) if draw < 0.85 else None


def _phone(demo: Demo) -> str:
    return f"{demo.rng.choice(('040', '050', '044'))} {demo.rng.randint(100, 999)} {demo.rng.randint(1000, 9999)}"


def _home(demo: Demo, story: Story) -> dict[str, Any]:
    if story.kind in LIVES_IN_PLACE:
        unit = story.unit
        return {"municipality_code": unit.municipality_code, "address": f"{unit.address}, {story.place.label}"}
    codes, weights = zip(*HOME_MUNICIPALITIES[story.county_id], strict=True)
    code = demo.rng.choices(codes, weights=weights)[0]
    flat = f" {demo.rng.choice('ABC')} {demo.rng.randint(1, 40)}" if demo.rng.random() < 0.7 else ""
    return {"municipality_code": code, "address": f"{demo.rng.choice(STREETS[code])} {demo.rng.randint(1, 60)}{flat}"}


def _placement(demo: Demo, birth: date, age: int) -> dict[str, Any]:
    """Mostly substitute care; some open-care placements, mandatory or discretionary (75 §)."""
    draw = demo.rng.random()
    if draw < 0.78:
        placed_at_age = demo.rng.randint(6, 16)
        start = rules.birthday(birth, placed_at_age) + timedelta(days=demo.rng.randint(0, 300))
        return {"placement_type": PlacementType.SUBSTITUTE_CARE, "placed_alone": True, "placement_start": start,
                "placement_end": rules.birthday(birth, 18) if age >= 18 else None}
    if draw < 0.95:
        alone = demo.rng.random() < 0.8
        months = demo.rng.choice((3, 4, 5, 7, 9, 12, 18)) if alone else demo.rng.choice((6, 10))
        end = max(rules.birthday(birth, 16), demo.days_ago(demo.rng.randint(30, 500)))
        return {"placement_type": PlacementType.OPEN_CARE_PLACEMENT, "placed_alone": alone,
                "placement_start": end - timedelta(days=round(months * 30.5)), "placement_end": end}
    return {"placement_type": PlacementType.OTHER, "placed_alone": False, "placement_start": None,
            "placement_end": None}


def _assign_workers(demo: Demo, stories: list[Story]) -> None:
    """The demo social worker gets a mixed caseload of 24; colleagues share the rest evenly."""
    for county_id, workers in demo.social_workers.items():
        pending = [s for s in stories if s.county_id == county_id]
        demo.rng.shuffle(pending)
        if county_id == "PI":
            quota = dict(DEMO_WORKER_CASELOAD)
            for story in pending:
                if quota.get(story.kind, 0) > 0:
                    quota[story.kind] -= 1
                    story.worker = workers[0]
            pending = [s for s in pending if s.worker is None]
            workers = workers[1:]
        for n, story in enumerate(pending):
            story.worker = workers[n % len(workers)]


def _non_disclosure(demo: Demo, stories: list[Story]) -> list[Story]:
    """A few have a turvakielto; one of them is a waitlisted client of the demo social worker."""
    demo_worker = demo.social_workers["PI"][0]
    own = demo.rng.choice([s for s in stories if s.worker is demo_worker and s.kind == Kind.WAITLISTED])
    others = demo.rng.sample([s for s in stories if s is not own], NON_DISCLOSURE - 1)
    return [own, *others]


# --------------------------------------------------------------------------- service path

REFERRAL_SHARE = 0.5
REFERRAL_STATUS_WEIGHTS = {ReferralStatus.PLANNED: 10, ReferralStatus.REFERRED: 20, ReferralStatus.IN_PROGRESS: 35,
                           ReferralStatus.COMPLETED: 20, ReferralStatus.DECLINED: 15}
FOLLOWED_UP_SHARE = 0.6  # of services under way, followed up in the last 25 days (the rest wait for it)
KELA_WAITING_DAYS = 45  # the demo worker's client waits for Kela's decision: flagged on the front page


def build_referrals(demo: Demo, stories: list[Story]) -> int:
    """Referrals made and followed through ``services.referrals`` by each young person's worker,
    as on the service path's pages, on the days they happened."""
    # Follow-ups draw from a source of their own: the rest of the demo stays as it was.
    follow_ups = random.Random(SEED)
    count = 0
    for story in stories:
        if demo.rng.random() >= REFERRAL_SHARE:
            continue
        for service in demo.rng.sample(sorted(REFERRAL_PROVIDERS), demo.rng.randint(1, 2)):
            _referral(demo, story, service, follow_ups)
            count += 1
    return count + _waiting_for_kela(demo, stories)


def _referral(demo: Demo, story: Story, service: str, follow_ups: random.Random) -> ServiceReferral:
    status = demo.rng.choices(list(REFERRAL_STATUS_WEIGHTS), weights=list(REFERRAL_STATUS_WEIGHTS.values()))[0]
    worker = story.worker
    details = {"service": service, "provider": REFERRAL_PROVIDERS[service][story.county_id],
               "notes": REFERRAL_NOTES.get(status)}
    if status == ReferralStatus.PLANNED:
        return referrals.add(worker, story.person, details, demo.today)
    referred_on = demo.days_ago(demo.rng.randint(5, 240))
    referral = referrals.add(worker, story.person, {**details, "referred_on": referred_on}, demo.today)
    days_since = (demo.today - referred_on).days
    if status in (ReferralStatus.IN_PROGRESS, ReferralStatus.COMPLETED):
        started_on = referred_on + timedelta(days=demo.rng.randint(1, min(30, days_since)))
        referrals.take_step(worker, referral, "start", started_on, demo.today)
    if status == ReferralStatus.COMPLETED:
        days_running = (demo.today - started_on).days
        referrals.take_step(worker, referral, "end", started_on + timedelta(days=demo.rng.randint(0, days_running)),
                            demo.today)
    elif status == ReferralStatus.DECLINED:
        refused_on = referred_on + timedelta(days=demo.rng.randint(1, min(20, days_since)))
        referrals.take_step(worker, referral, "refuse", refused_on, demo.today, refusal_reason="young_person_declined")
    elif status == ReferralStatus.IN_PROGRESS and follow_ups.random() < FOLLOWED_UP_SHARE:
        checked_on = max(started_on, demo.days_ago(follow_ups.randint(0, 25)))
        referrals.take_step(worker, referral, "follow_up", checked_on, demo.today)
    return referral


def _waiting_for_kela(demo: Demo, stories: list[Story]) -> int:
    """The demo social worker's waitlisted client applied for Kela's support 45 days ago and
    nothing has been heard since: the front page flags it."""
    worker = demo.social_workers["PI"][0]
    story = next(s for s in stories if s.worker is worker and s.kind == Kind.WAITLISTED)
    referrals.add(worker, story.person, {"service": "income", "provider": REFERRAL_PROVIDERS["income"]["PI"],
                                         "referred_on": demo.days_ago(KELA_WAITING_DAYS)}, demo.today)
    return 1
