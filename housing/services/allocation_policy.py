"""A county's published allocation policy: fit weights, days to answer an offer, review body.

Each round starts from its county's weights and keeps its own copy, so changing the policy
never changes what an earlier round decided. A county without a row uses the defaults of
FORMATS.md §1 and 7 days to answer.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from allocator.matching.problem import Policy
from housing import audit, rules
from housing.extensions import db
from housing.models import AllocationPolicy, Role, User
from housing.services.errors import NotVisible, RuleViolation

WEIGHTS = ("w_wish", "w_services", "w_over", "w_km", "w_spare")
MAX_WEIGHT = 1000  # keeps every fit far inside the allocator's range
MAX_REVIEW_BODY = 1000


def defaults() -> dict[str, Any]:
    standard = Policy()
    return {**{name: getattr(standard, name) for name in WEIGHTS},
            "respond_days": rules.OFFER_RESPOND_DAYS_DEFAULT, "review_body": None}


def defaults_weights() -> dict[str, int]:
    return {name: value for name, value in defaults().items() if name in WEIGHTS}


def policy_for(county_id: str) -> AllocationPolicy:
    """The county's policy, or an unsaved one with the defaults."""
    policy = db.session.get(AllocationPolicy, county_id)
    return policy if policy is not None else AllocationPolicy(county_id=county_id, **defaults())


def weights_of(policy: AllocationPolicy) -> dict[str, int]:
    return {name: getattr(policy, name) for name in WEIGHTS}


def may_edit(actor: User, county_id: str) -> bool:
    """Administrators set any county's policy; a coordinator their own county's."""
    return actor.role == Role.ADMIN or (actor.role == Role.COORDINATOR and actor.county_id == county_id)


def check_weights(data: dict[str, Any]) -> dict[str, int]:
    """Whole numbers from 0 to 1,000, each problem next to its field."""
    checked = {}
    for name in WEIGHTS:
        value = data.get(name)
        if value is None or not 0 <= value <= MAX_WEIGHT:
            raise RuleViolation(_l("Enter a whole number from 0 to %(max)d.", max=MAX_WEIGHT), field=name)
        checked[name] = int(value)
    return checked


def save_policy(actor: User, county_id: str, data: dict[str, Any]) -> AllocationPolicy:
    if not may_edit(actor, county_id):
        raise NotVisible("allocation_policy", county_id)
    weights = check_weights(data)
    days = data.get("respond_days")
    if days is None or not 1 <= days <= 60:
        raise RuleViolation(_l("Enter a number of days from 1 to 60."), field="respond_days")
    review_body = (data.get("review_body") or "").strip() or None
    if review_body and len(review_body) > MAX_REVIEW_BODY:
        raise RuleViolation(_l("Write at most %(limit)d characters.", limit=MAX_REVIEW_BODY), field="review_body")
    policy = db.session.get(AllocationPolicy, county_id)
    if policy is None:
        policy = AllocationPolicy(county_id=county_id)
        db.session.add(policy)
    values = {**weights, "respond_days": int(days), "review_body": review_body}
    changed = [name for name, value in values.items() if getattr(policy, name) != value]
    for name, value in values.items():
        setattr(policy, name, value)
    policy.updated_by_id = actor.id
    db.session.flush()
    audit.record(audit.Action.UPDATE, object_type="allocation_policy", object_id=county_id, user=actor,
                 detail={"changed": changed})
    return policy
