"""Allocation rounds for the county's housing coordinator, and the county's allocation policy.

Thin routes: the round's scope (own county), the form, the service, the commit; a round is
run by a background job started after the commit, so the page answers at once and shows the
job's progress (also after a reload).
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, flash, jsonify, redirect, request, url_for
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from housing import audit, jobs, localtime
from housing.auth.permissions import requires
from housing.extensions import db
from housing.models import AllocationRound, Application, County, Proposal, Role, RoundStatus
from housing.services import allocation_policy, proposals, round_problem, round_views, rounds
from housing.services.errors import NotVisible, RuleViolation
from housing.services.waitlist import applicant_id
from housing.web.fields import options
from housing.web.forms import form_page, refuse_change, rendered_and_committed, save_form, show_rule_violation
from housing.web.rounds.forms import WEIGHT_HELP, OverrideForm, PolicyForm, ReasonForm, RoundForm

bp = Blueprint("rounds", __name__, url_prefix="/rounds")


@bp.app_template_filter("iso_datetime")
def iso_datetime(value: str | None) -> str:
    """A moment kept as ISO text in a round's record (its re-run), shown like any other."""
    return format_datetime(datetime.fromisoformat(value), "short") if value else "–"


def _language() -> str:
    return str(get_locale())


@bp.get("/")
@requires("round.view")
def index():
    summaries = round_views.county_rounds(current_user)
    return rendered_and_committed("rounds/index.html", summaries=summaries,
                                  open_round=rounds.open_round(current_user.county_id))


# --------------------------------------------------------------------------- a new round


def _round_form() -> RoundForm:
    form = RoundForm()
    if request.method == "GET":
        policy = allocation_policy.policy_for(current_user.county_id)
        for name, value in allocation_policy.weights_of(policy).items():
            form[name].data = value
        form.as_of.data = form.free_by.data = localtime.today()
    day = form.free_by.data or localtime.today()
    as_of = form.as_of.data or localtime.today()
    places = db.session.scalars(round_problem.places_free_by(current_user.county_id, day)
                                .options(selectinload(round_problem.Place.unit)).order_by(round_problem.Place.id))
    form.place_ids.choices = options((p.id, f"{p.unit.name}: {p.label}") for p in
                                     sorted(places, key=lambda p: (p.unit.name, p.label)))
    waiting = list(db.session.scalars(select(Application).where(Application.id.in_(
        round_problem.waitlisted_by(current_user.county_id, as_of))).options(selectinload(Application.young_person))))
    waiting.sort(key=lambda a: (a.urgency_band, a.need_since, a.tiebreak, a.id))
    form.application_ids.choices = options(
        (a.id, f"{a.young_person.full_name} ({_('band %(band)d', band=a.urgency_band)})") for a in waiting)
    audit.record_list_view((a.young_person_id for a in waiting), object_type="allocation_round_form")
    if request.method == "GET" or request.form.get("action") == "refresh":
        form.place_ids.data = [choice.value for choice in form.place_ids.choices]
    return form


def _choice(form: RoundForm) -> rounds.RoundChoice:
    every_place = set(form.place_ids.data or []) == {choice.value for choice in form.place_ids.choices}
    return rounds.RoundChoice(
        as_of=form.as_of.data, free_by=form.free_by.data, weights=form.weights(),
        place_ids=None if every_place and form.place_ids.data else list(form.place_ids.data or []),
        application_ids=list(form.application_ids.data or []) if form.applications.data == "chosen" else None,
        time_limit=form.time_limit.data)


@bp.route("/new", methods=["GET", "POST"])
@requires("round.run")
def create():
    form = _round_form()
    if request.method == "POST" and request.form.get("action") != "refresh" and form.validate_on_submit():
        try:
            started, job = rounds.create_round(current_user, current_user.county_id, _choice(form), localtime.today())
        except RuleViolation as violation:
            refuse_change(violation, form)
        else:
            db.session.commit()
            jobs.start(job)
            flash(_("The round has started. You can follow it here, or leave the page and come back."), "success")
            return redirect(url_for("rounds.detail", round_id=started.id))
    page = form_page("rounds/form.html", form, weight_help=WEIGHT_HELP, open_round=rounds.open_round(
        current_user.county_id))
    db.session.commit()  # the waiting list shown in the form is audited
    return page


# --------------------------------------------------------------------------- one round


def _detail_page(round_: AllocationRound, forms: dict | None = None, status: int = 200):
    view = round_views.view_round(current_user, round_, request.args.get("tab", "proposed"),
                                  request.args.get("page", 1, type=int), _language())
    return rendered_and_committed("rounds/detail.html", v=view, forms=forms or {}), status


@bp.get("/<int:round_id>")
@requires("round.view")
def detail(round_id: int):
    return _detail_page(rounds.get_round(current_user, round_id))


@bp.get("/<int:round_id>/progress")
@requires("round.view")
def progress(round_id: int):
    """The job's state for the page's script (no personal data)."""
    round_ = rounds.get_round(current_user, round_id)
    job = rounds.refresh(round_)
    db.session.commit()
    if job is None:
        return jsonify(status="none", finished=True)
    return jsonify(status=job.status.value, step=jobs.step_label(job), finished=job.status.finished)


@bp.get("/<int:round_id>/<any(problem, result):which>.json")
@requires("round.view")
def download(round_id: int, which: str):
    round_ = rounds.get_round(current_user, round_id)
    content = rounds.stored_file(round_, which)
    people = db.session.scalars(select(Application.young_person_id).join(
        Proposal, Proposal.application_id == Application.id).where(Proposal.round_id == round_.id))
    audit.record_list_view(people, object_type=f"allocation_round_{which}", action=audit.Action.EXPORT)
    db.session.commit()
    return Response(content, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="round-{round_.id}-{which}.json"'})


def _act(round_id: int, operation, success: str):
    round_ = rounds.get_round(current_user, round_id)
    try:
        started = operation(round_)
    except RuleViolation as violation:
        refuse_change(violation)
        flash(str(violation.message), "error")
    else:
        db.session.commit()
        if started is not None:
            jobs.start(started)
        flash(success, "success")
    return redirect(url_for("rounds.detail", round_id=round_id))


@bp.post("/<int:round_id>/run-again")
@requires("round.run")
def run_again(round_id: int):
    return _act(round_id, lambda r: rounds.run_again(current_user, r), _("The round runs again."))


@bp.post("/<int:round_id>/rerun")
@requires("round.run")
def rerun(round_id: int):
    return _act(round_id, lambda r: rounds.rerun(current_user, r),
                _("The stored problem is being solved again; the comparison appears here."))


@bp.post("/<int:round_id>/close")
@requires("round.decide")
def close(round_id: int):
    return _act(round_id, lambda r: rounds.close_round(current_user, r), _("The round is closed."))


@bp.post("/<int:round_id>/approve-all")
@requires("round.decide")
def approve_all(round_id: int):
    round_ = rounds.get_round(current_user, round_id)
    if round_.status != RoundStatus.DONE:
        flash(_("The round has no proposals waiting for a decision."), "error")
        return redirect(url_for("rounds.detail", round_id=round_id))
    outcome = proposals.approve_all(current_user, round_, localtime.today())
    db.session.commit()
    flash(_("%(count)d offers were sent.", count=len(outcome.sent)), "success")
    for proposal, refusal in outcome.refused:
        flash(_("Number %(number)d: %(reason)s", number=proposal.priority_rank, reason=refusal.message), "error")
    return redirect(url_for("rounds.detail", round_id=round_id))


def _proposal(round_: AllocationRound, proposal_id: int, for_change: bool = True) -> Proposal:
    query = select(Proposal).where(Proposal.id == proposal_id, Proposal.round_id == round_.id)
    found = db.session.scalar(query.with_for_update() if for_change else query)
    if found is None:
        raise NotVisible("proposal", proposal_id)
    return found


@bp.post("/<int:round_id>/proposals/<int:proposal_id>/approve")
@requires("round.decide")
def approve(round_id: int, proposal_id: int):
    return _act(round_id,
                lambda r: proposals.approve(current_user, _proposal(r, proposal_id), localtime.today()) and None,
                _("Approved: the offer has been sent to the social worker."))


@bp.post("/<int:round_id>/proposals/<int:proposal_id>/reject")
@requires("round.decide")
def reject(round_id: int, proposal_id: int):
    round_ = rounds.get_round(current_user, round_id)
    form = ReasonForm(prefix=f"reject-{proposal_id}")
    if form.validate_on_submit():
        try:
            proposals.reject(current_user, _proposal(round_, proposal_id), form.reason.data or "")
        except RuleViolation as violation:
            refuse_change(violation, form)
        else:
            db.session.commit()
            flash(_("The proposal has been rejected: the application stays in the queue."), "success")
            return redirect(url_for("rounds.detail", round_id=round_id))
    return _detail_page(rounds.get_round(current_user, round_id), {proposal_id: form}, status=400)


@bp.route("/<int:round_id>/proposals/<int:proposal_id>/override", methods=["GET", "POST"])
@requires("round.decide")
def override(round_id: int, proposal_id: int):
    round_ = rounds.get_round(current_user, round_id)
    proposal = _proposal(round_, proposal_id, for_change=request.method == "POST")
    choices, analysis = round_views.override_choices(round_, proposal)
    form = OverrideForm()
    form.place_id.choices = options((choice.place.id, choice.place.label) for choice in choices)
    passed_over = []
    if form.validate_on_submit():
        try:
            proposals.override(current_user, proposal, form.place_id.data, form.reason.data or "", localtime.today(),
                               confirmed=form.confirm.data, analysis=analysis)
        except proposals.NeedsConfirmation as question:
            db.session.rollback()
            passed_over = question.passed_over
            show_rule_violation(form, question)
            round_ = rounds.get_round(current_user, round_id)
            proposal = _proposal(round_, proposal_id, for_change=False)
            choices, analysis = round_views.override_choices(round_, proposal)
        except RuleViolation as violation:
            refuse_change(violation, form)
        else:
            db.session.commit()
            flash(_("Another place has been offered, with your reason."), "success")
            return redirect(url_for("rounds.detail", round_id=round_id))
    application = proposal.application
    audit.record(audit.Action.VIEW, object_type="proposal", object_id=proposal.id,
                 young_person_id=application.young_person_id)
    audit.record_list_view((p.application.young_person_id for p in passed_over), object_type="proposal")
    page = form_page("rounds/override.html", form, round=round_, proposal=proposal, choices=choices,
                     passed_over=passed_over, application=application,
                     wishes=round_views.wish_names(application, _language()),
                     applicant=analysis.problem.applicants[analysis.priority(applicant_id(application.id))])
    db.session.commit()
    return page


# --------------------------------------------------------------------------- the county's policy


@bp.get("/policies/")
@requires("policy.edit")
def policies():
    query = select(County).order_by(County.id)
    if current_user.role != Role.ADMIN:
        query = query.where(County.id == current_user.county_id)
    counties = list(db.session.scalars(query))
    return rendered_and_committed("rounds/policies.html", rows=[(c, allocation_policy.policy_for(c.id))
                                                                for c in counties])


@bp.route("/policies/<county_id>", methods=["GET", "POST"])
@requires("policy.edit")
def policy(county_id: str):
    county = db.session.get(County, county_id)
    if county is None or not allocation_policy.may_edit(current_user, county_id):
        raise NotVisible("allocation_policy", county_id)
    current = allocation_policy.policy_for(county_id)
    form = PolicyForm(obj=current)
    done = save_form(form, lambda: allocation_policy.save_policy(current_user, county_id, {
        **form.weights(), "respond_days": form.respond_days.data, "review_body": form.review_body.data}),
        _("The policy has been saved. New rounds start from it."),
        lambda _saved: url_for("rounds.policy", county_id=county_id))
    return done or form_page("rounds/policy.html", form, county=county, policy=current, weight_help=WEIGHT_HELP)
