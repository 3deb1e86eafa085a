"""From an approved proposal to a young person moving in, on the pages the people use: the
social worker prints the decision and records answers, the unit records the move-in, a
transfer and a move-out are done, and the application's history shows every step."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from housing import localtime
from housing.extensions import db
from housing.models import ApplicationStatus, MoveRequest, Offer, OfferStatus, Role, Tenancy
from housing.services import proposals
from tests.factories import apply_for, make_person, make_place, make_unit, make_user, run_round

TODAY = localtime.today()


@pytest.fixture
def offered(app):
    """Two young people of one worker, each offered a place by an approved round."""
    class County:
        coordinator = make_user(Role.COORDINATOR, "PI")
        worker = make_user(Role.SOCIAL_WORKER, "PI", name="Sanna Sosiaalityöntekijä")
        unit = make_unit("PI", name="Kotiranta", address="Kotirannantie 4", postal_code="33900", languages=["fi", "sv"])
        other_unit = make_unit("PI", name="Tammela")
        manager = make_user(Role.UNIT_MANAGER, "PI", units=[unit, other_unit])
        staff = make_user(Role.UNIT_STAFF, "PI", units=[unit])

    county = County()
    county.places = [make_place(county.unit, label="Huone 1"), make_place(county.unit, label="Huone 2")]
    county.spare = make_place(county.other_unit, label="A 1")
    county.people = [make_person(county.worker, "PI", first_name=first, last_name="Nuori", language=language,
                                 address="Piilotie 5", non_disclosure=first == "Ella")
                     for first, language in (("Ella", "sv"), ("Onni", "fi"))]
    county.applications = [apply_for(person, coordinator=county.coordinator, own_words="Lähellä koulua.",
                                     need_since=TODAY - timedelta(days=20 - n))
                            for n, person in enumerate(county.people)]
    db.session.commit()
    solved = run_round(county.coordinator, place_ids=[p.id for p in county.places])
    proposals.approve_all(county.coordinator, solved, TODAY)
    db.session.commit()
    county.offers = [db.session.scalar(select(Offer).where(Offer.application_id == a.id))
                     for a in county.applications]
    return county


def test_the_social_worker_prints_the_decision_in_the_young_persons_language(page, offered):
    offer = offered.offers[0]
    decision = page(offered.worker, f"/offers/{offer.id}/decision")
    assert decision.select_one("html")["lang"] == "sv"  # Ella's language of service
    assert "Besvärsanvisning" in decision.text and "Kotiranta, Huone" in decision.text
    assert page(None, f"/offers/{offer.id}/decision?lang=fi").find("h2", string="Muutoksenhakuohje")
    english = page(None, f"/offers/{offer.id}/decision?lang=en")
    assert english.find("h2", string="Appeal instructions") and "within 30 days" in english.text
    assert "Kotirannantie 4" in english.text and "Piilotie" not in english.text  # the home's address, never hers
    assert "Sanna Sosiaalityöntekijä" in english.text


def test_the_answers_are_recorded_and_the_unit_records_the_move_in(page, client, login, offered):
    accepted, declined = offered.offers
    bad = page(offered.worker, f"/offers/{declined.id}/decline", method="POST", status=400, language="en",
               data={"declined_by": "young_person", "decline_code": "other", "decline_reason": ""})
    assert "Describe the reason in a few words." in bad.text
    page(None, f"/offers/{declined.id}/decline", method="POST", status=302,
         data={"declined_by": "young_person", "decline_code": "location", "decline_reason": "Liian kaukana."})
    page(None, f"/offers/{accepted.id}/accept", method="POST", status=302, data={"move_in": TODAY.isoformat()})
    db.session.expire_all()
    assert (accepted.status, declined.status) == (OfferStatus.ACCEPTED, OfferStatus.DECLINED)
    assert offered.applications[1].status == ApplicationStatus.WAITLISTED
    moves_page = page(offered.staff, "/moves/", language="en")
    row = moves_page.select_one("table tbody tr").text  # Ella is protected: the unit sees the place, not her name
    assert "Huone" in row and "Not shown: non-disclosure for safety" in row and "Ella" not in row
    tenancy = db.session.scalar(select(Tenancy).where(Tenancy.offer_id == accepted.id))
    page(None, f"/moves/tenancies/{tenancy.id}/move-in", method="POST", status=302,
         data={"day": TODAY.isoformat(), "back": "moves"})
    db.session.expire_all()
    assert tenancy.actual_move_in == TODAY and offered.applications[0].status == ApplicationStatus.HOUSED


def test_a_transfer_and_a_move_out_on_the_pages_and_the_whole_history(page, offered):
    offer = offered.offers[1]
    page(offered.worker, f"/offers/{offer.id}/accept", method="POST", status=302, data={"move_in": TODAY.isoformat()})
    tenancy = db.session.scalar(select(Tenancy).where(Tenancy.offer_id == offer.id))
    page(offered.staff, f"/moves/tenancies/{tenancy.id}/move-in", method="POST", status=302,
         data={"day": TODAY.isoformat()})
    page(offered.manager, f"/moves/tenancies/{tenancy.id}/transfer", method="POST", status=302,
         data={"code": "less_support", "text": "Pärjää jo kevyemmällä tuella.",
               "target_unit_id": str(offered.other_unit.id), "wanted": (TODAY + timedelta(days=20)).isoformat()})
    request = db.session.scalar(select(MoveRequest))
    form = page(offered.coordinator, f"/moves/transfers/{request.id}", language="en")
    assert form.select_one("select[name=place_id] option[selected]")["value"] == str(offered.spare.id)
    page(None, f"/moves/transfers/{request.id}", method="POST", status=302,
         data={"place_id": str(offered.spare.id), "day": (TODAY + timedelta(days=20)).isoformat(),
               "decision": "approve"})
    new = db.session.scalar(select(Tenancy).where(Tenancy.place_id == offered.spare.id))
    page(offered.staff, f"/moves/tenancies/{new.id}", status=404)  # not the staff's unit
    page(offered.manager, f"/moves/tenancies/{new.id}/move-in", method="POST", status=400,
         data={"day": (TODAY + timedelta(days=20)).isoformat()})  # not yet
    page(offered.worker, f"/moves/tenancies/{tenancy.id}/move-out", method="POST", status=400, language="en",
         data={"day": TODAY.isoformat(), "code": "own_rental_home"})  # the move-in was today
    history = page(offered.coordinator, f"/applications/{offered.applications[1].id}", language="en")
    text = " ".join(history.select_one("table.history").text.split())
    for step in ("Offer sent: Huone", "Offer accepted", "Moved in: Huone", "Transfer asked for: Ready for lighter",
                 "Transfer approved: A 1, Tammela"):
        assert step in text, step


def test_someone_elses_offer_is_out_of_reach(page, offered):
    other_worker = make_user(Role.SOCIAL_WORKER, "PI")
    db.session.commit()
    page(other_worker, f"/offers/{offered.offers[0].id}", status=404)
    page(other_worker, f"/offers/{offered.offers[0].id}/accept", method="POST", status=404)
    page(offered.staff, f"/offers/{offered.offers[0].id}", status=403)
