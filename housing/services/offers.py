"""Offers of a place: an administrative decision with a day to answer by.

An offer is made when the coordinator approves (or overrides) a round's proposal; only then
does anything reach the young person or their worker. The social worker records the answer:
acceptance gives the young person a planned tenancy (the unit records the move-in later);
a decline (by the young person or by the unit, with a reason) or an offer left unanswered
past its day (``expire_overdue``, run by ``flask --app housing expire-offers``) returns the
application to the waiting list at its old place in the queue, and the place is free again.

At most one offer per place and per application waits for an answer: checked here for a
clear message, and by partial unique indexes for approvals at the same moment.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from housing import audit, localtime, vocabulary
from housing.extensions import db
from housing.models import (
    Application,
    Offer,
    OfferStatus,
    Place,
    Proposal,
    Tenancy,
    User,
    YoungPerson,
    utcnow,
)
from housing.services import applications, scope, tenancies
from housing.services.errors import RuleViolation

LATEST_MOVE_IN = timedelta(days=180)  # an accepted move-in this far after the offer's first day at most


def first_free_day(place: Place, today: date) -> date:
    """The first day the place is free for a new resident: after the last tenancy, not before today."""
    last_end = db.session.scalar(
        select(func.max(func.coalesce(Tenancy.actual_move_out, Tenancy.planned_move_out)))
        .where(Tenancy.place_id == place.id))
    return max(day for day in (today, place.available_from, last_end) if day is not None)


def send_offer(actor: User, application: Application, place: Place, *, today: date, respond_days: int,
               proposal: Proposal | None = None, at: datetime | None = None) -> Offer:
    """Offer the place (it must be free, with no other offer waiting), and mark the application offered."""
    tenancies.lock_place(place.id)
    if db.session.scalar(select(Offer.id).where(Offer.place_id == place.id, Offer.status == OfferStatus.PENDING)):
        raise RuleViolation(_l("Another offer of this place is waiting for an answer."), field="place_id")
    move_in = first_free_day(place, today)
    clash = tenancies.overlapping_tenancy(place.id, move_in, None)
    if clash is not None:
        raise RuleViolation(_l("The place is taken from %(day)s: it cannot be offered.",
                               day=clash.move_in.strftime("%d.%m.%Y")), field="place_id")
    at = at or utcnow()
    applications.mark_offered(actor, application, at=at)
    offer = Offer(application_id=application.id, place_id=place.id, proposal_id=proposal.id if proposal else None,
                  status=OfferStatus.PENDING, sent_at=at, created_at=at, move_in_on=move_in, created_by_id=actor.id,
                  respond_by=today + timedelta(days=respond_days))
    db.session.add(offer)
    try:
        db.session.flush()
    except IntegrityError:  # another approval of the place or the application won the race
        raise RuleViolation(_l("The place or the young person got another offer at the same moment. "
                               "Reload the page to see it.")) from None
    audit.record(audit.Action.CREATE, object_type="offer", object_id=offer.id,
                 young_person_id=application.young_person_id, user=actor,
                 detail={"place": place.id, "respond_by": offer.respond_by.isoformat()})
    return offer


def _check_answerable(actor: User, offer: Offer) -> None:
    if offer.status != OfferStatus.PENDING:
        raise RuleViolation(_l("The offer has already been answered (%(status)s).",
                               status=vocabulary.label(vocabulary.OFFER_STATUSES, offer.status.value)))
    if not scope.handles_applications_of(actor, offer.application.young_person):
        raise RuleViolation(_l("Only the responsible social worker or the county's housing coordinator can "
                               "record the answer."))


def accept(actor: User, offer: Offer, move_in: date | None, at: datetime | None = None,
           today: date | None = None) -> Tenancy:
    """The young person takes the place: a planned tenancy from the day they move in (by
    default the first day the place is free, and not before today)."""
    _check_answerable(actor, offer)
    move_in = move_in or max(offer.move_in_on, today or localtime.today())
    if move_in is None or move_in < offer.move_in_on:
        raise RuleViolation(_l("The place is free from %(day)s: choose that day or a later one.",
                               day=offer.move_in_on.strftime("%d.%m.%Y")), field="move_in")
    if move_in > offer.move_in_on + LATEST_MOVE_IN:
        raise RuleViolation(_l("Choose a day within six months of the day the place is free."), field="move_in")
    person = offer.application.young_person
    elsewhere = tenancies.living_somewhere(person.id, move_in)
    if elsewhere is not None and elsewhere.ends is None:
        raise RuleViolation(_l("The young person lives in another place with no move-out day. Record the "
                               "move-out there first."), field="move_in")
    at = at or utcnow()
    offer.status, offer.responded_at, offer.responded_recorded_by_id = OfferStatus.ACCEPTED, at, actor.id
    tenancy = tenancies.start_tenancy(person, offer.place, move_in, offer=offer, application=offer.application)
    audit.record(audit.Action.UPDATE, object_type="offer", object_id=offer.id, young_person_id=person.id, user=actor,
                 detail={"answer": "accepted", "move_in": move_in.isoformat()})
    return tenancy


def decline(actor: User, offer: Offer, declined_by: str, code: str, text: str | None,
            at: datetime | None = None) -> None:
    """The young person (or the unit) says no: back to the waiting list at the same place."""
    _check_answerable(actor, offer)
    if declined_by not in vocabulary.DECLINED_BY:
        raise RuleViolation(_l("Choose who declined."), field="declined_by")
    if code not in vocabulary.DECLINE_REASONS_BY[declined_by]:
        raise RuleViolation(_l("Choose a reason from the list."), field="decline_code")
    text = (text or "").strip() or None
    if code == "other" and text is None:
        raise RuleViolation(_l("Describe the reason in a few words."), field="decline_reason")
    at = at or utcnow()
    offer.status, offer.responded_at, offer.responded_recorded_by_id = OfferStatus.DECLINED, at, actor.id
    offer.declined_by, offer.decline_code, offer.decline_reason = declined_by, code, text
    reason = f"{vocabulary.label(vocabulary.DECLINED_BY, declined_by)}: " \
             f"{vocabulary.label(vocabulary.DECLINE_REASONS, code)}{'. ' + text if text else ''}"
    applications.back_to_waitlist(actor, offer.application, reason, at=at)
    audit.record(audit.Action.UPDATE, object_type="offer", object_id=offer.id,
                 young_person_id=offer.application.young_person_id, user=actor,
                 detail={"answer": "declined", "by": declined_by, "code": code})


def expire_overdue(today: date, at: datetime | None = None) -> list[Offer]:
    """Offers whose answer day has passed: expired, and their applications back in the queue."""
    overdue = list(db.session.scalars(
        select(Offer).where(Offer.status == OfferStatus.PENDING, Offer.respond_by < today)
        .order_by(Offer.respond_by, Offer.id).with_for_update()))
    at = at or utcnow()
    for offer in overdue:
        offer.status, offer.expired_at = OfferStatus.EXPIRED, at
        applications.back_to_waitlist(None, offer.application, str(_l(
            "The offer was not answered by %(day)s.", day=offer.respond_by.strftime("%d.%m.%Y"))), at=at)
        audit.record(audit.Action.UPDATE, object_type="offer", object_id=offer.id,
                     young_person_id=offer.application.young_person_id, detail={"answer": "expired"})
    return overdue


def withdraw_open_offers(application: Application) -> None:
    """The application ended: its unanswered offer is withdrawn, and an accepted one whose
    move-in has not happened is undone (the planned tenancy goes), so the place is free again."""
    for offer in db.session.scalars(select(Offer).where(
            Offer.application_id == application.id, Offer.status.in_([OfferStatus.PENDING, OfferStatus.ACCEPTED]))):
        planned = db.session.scalars(select(Tenancy).where(Tenancy.offer_id == offer.id)).all()
        if offer.status == OfferStatus.ACCEPTED and any(t.moved_in for t in planned):
            continue
        for tenancy in planned:
            db.session.delete(tenancy)
        offer.status = OfferStatus.WITHDRAWN
    db.session.flush()


def declines_of(application_ids: list[int]) -> dict[int, int]:
    """How many offers the young person has declined on each application (a unit's refusal is
    not theirs to count); shown with the application and in rounds."""
    if not application_ids:
        return {}
    return dict(db.session.execute(
        select(Offer.application_id, func.count()).where(Offer.application_id.in_(application_ids),
                                                         Offer.status == OfferStatus.DECLINED,
                                                         Offer.declined_by == "young_person")
        .group_by(Offer.application_id)).all())


def get_offer(user: User, offer_id: int, for_change: bool = False) -> Offer:
    """An offer of an application the user handles (its worker, its county's coordinator)."""
    query = (select(Offer).join(Application, Application.id == Offer.application_id)
             .join(YoungPerson, YoungPerson.id == Application.young_person_id)
             .where(Offer.id == offer_id, scope.application_condition(user)))
    offer = db.session.scalar(query.with_for_update(of=Offer) if for_change else query)
    if offer is None:
        from housing.services.errors import NotVisible

        raise NotVisible("offer", offer_id)
    return offer
