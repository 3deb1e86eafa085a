"""Reports (/reports/): each a page with a chart, its numbers in tables, a period filter and a
CSV download. Who sees which is data in ``auth.permissions``; whose numbers, in
``services.scope``. Rows about individual residents are client data: their reads are audited
like any list of young people, and every CSV download is audited."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, current_app, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from housing import audit, localtime, rules
from housing.auth.permissions import can, requires
from housing.extensions import db
from housing.models import Unit
from housing.services import scope
from housing.services.errors import NotVisible
from housing.services.reports.allocation import allocation_report
from housing.services.reports.caseload import caseload_report
from housing.services.reports.equity import equity_report
from housing.services.reports.occupancy import occupancy_report
from housing.services.reports.support import support_report
from housing.web.downloads import csv_response
from housing.web.forms import rendered_and_committed
from housing.web.reports import views
from housing.web.reports.forms import EquityForm, PeriodForm, SupportForm

bp = Blueprint("reports", __name__, url_prefix="/reports")


@dataclass(frozen=True)
class Report:
    name: str  # the endpoint and the CSV file's name
    permission: str
    title: object
    summary: object


REPORTS = (
    Report("equity", "report.equity", _l("Equity"),
           _l("Waiting times to an offer and to moving in, offers, declines and the share housed within 90 days, "
              "by wished municipality, county of residence or urgency.")),
    Report("support", "report.support", _l("Support delivered"),
           _l("Planned against delivered support minutes by week, per unit, staff member or resident; missed "
              "visits and the key worker's share.")),
    Report("caseload", "report.caseload", _l("Caseload"),
           _l("Each social worker's clients month by month against the limit set by law.")),
    Report("occupancy", "report.occupancy", _l("Occupancy"),
           _l("Places lived in, empty-place days per unit and move-outs by reason.")),
    Report("allocation", "report.allocation", _l("Allocation quality"),
           _l("Each round's result next to the greedy method on the same input: housed by urgency and first "
              "wishes.")),
)
BY_NAME = {report.name: report for report in REPORTS}


@bp.get("/")
@requires("report.list")
def index():
    reports = [report for report in REPORTS if can(current_user, report.permission)]
    return render_template("reports/index.html", reports=reports)


def _language() -> str:
    return str(get_locale())


def _page(name: str, form: PeriodForm, build: Callable[[], views.ReportView]):
    """The report's page; with a refused filter, the form and its messages only (400)."""
    report = BY_NAME[name]
    if not form.validate():
        return render_template("reports/report.html", report=report, form=form, view=None), 400
    view = build()
    audit.record_list_view(view.person_ids)
    return rendered_and_committed("reports/report.html", report=report, form=form, view=view,
                                  period=views.period_text(form.period))


def _csv(name: str, form: PeriodForm, build: Callable[[], views.ReportView], **options):
    """The report's main table as a CSV file: its download is on record, and so is each young
    person it names. No identity codes, no places of anyone with a non-disclosure."""
    if not form.validate():
        return render_template("reports/report.html", report=BY_NAME[name], form=form, view=None), 400
    view = build()
    period = form.period
    audit.record(audit.Action.EXPORT, object_type="report", object_id=name,
                 detail={"first": period.first.isoformat(), "last": period.last.isoformat(), **options})
    audit.record_list_view(view.person_ids, action=audit.Action.EXPORT)
    table = view.csv()
    response = csv_response(f"{name}-{period.first.isoformat()}-{period.last.isoformat()}.csv",
                            table.csv_header(), table.csv_rows())
    db.session.commit()
    return response


# --------------------------------------------------------------------------- equity


def _equity(form: EquityForm) -> views.ReportView:
    report = equity_report(current_user.county_id, form.period, form.by.data, localtime.today())
    return views.equity_view(report, form.period, _language())


@bp.get("/equity")
@requires("report.equity")
def equity():
    form = EquityForm(request.args)
    return _page("equity", form, lambda: _equity(form))


@bp.get("/equity.csv")
@requires("report.equity")
def equity_csv():
    form = EquityForm(request.args)
    return _csv("equity", form, lambda: _equity(form), by=form.by.data)


# --------------------------------------------------------------------------- support delivered


def _support_form() -> tuple[SupportForm, list[int]]:
    """The form and the units the report covers: all the user's, or the one chosen (404 if not theirs)."""
    unit_ids = scope.report_unit_ids(current_user)
    units = db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids)).order_by(Unit.name)).all()
    form = SupportForm(request.args).with_units(units)
    chosen = request.args.get("unit", "")
    if chosen:
        if not chosen.isdigit() or int(chosen) not in unit_ids:
            raise NotVisible("unit", chosen)
        unit_ids = [int(chosen)]
    return form, unit_ids


def _support(form: SupportForm, unit_ids: list[int], detailed: bool = False) -> views.ReportView:
    report = support_report(unit_ids, form.period, form.by.data, localtime.now(), detailed)
    return views.support_view(report, form.period)


@bp.get("/support")
@requires("report.support")
def support():
    form, unit_ids = _support_form()
    return _page("support", form, lambda: _support(form, unit_ids))


@bp.get("/support.csv")
@requires("report.support")
def support_csv():
    form, unit_ids = _support_form()
    return _csv("support", form, lambda: _support(form, unit_ids, detailed=True), by=form.by.data, units=unit_ids)


# --------------------------------------------------------------------------- caseload


def _caseload(form: PeriodForm) -> views.ReportView:
    warning_at = current_app.config.get("CASELOAD_WARNING", rules.CASELOAD_WARNING_DEFAULT)
    report = caseload_report(scope.caseload_worker_condition(current_user), form.period, warning_at)
    return views.caseload_view(report)


@bp.get("/caseload")
@requires("report.caseload")
def caseload():
    form = PeriodForm(request.args)
    return _page("caseload", form, lambda: _caseload(form))


@bp.get("/caseload.csv")
@requires("report.caseload")
def caseload_csv():
    form = PeriodForm(request.args)
    return _csv("caseload", form, lambda: _caseload(form))


# --------------------------------------------------------------------------- occupancy


def _occupancy(form: PeriodForm) -> views.ReportView:
    return views.occupancy_view(occupancy_report(scope.report_unit_ids(current_user), form.period), form.period)


@bp.get("/occupancy")
@requires("report.occupancy")
def occupancy():
    form = PeriodForm(request.args)
    return _page("occupancy", form, lambda: _occupancy(form))


@bp.get("/occupancy.csv")
@requires("report.occupancy")
def occupancy_csv():
    form = PeriodForm(request.args)
    return _csv("occupancy", form, lambda: _occupancy(form))


# --------------------------------------------------------------------------- allocation quality


def _allocation(form: PeriodForm) -> views.ReportView:
    return views.allocation_view(allocation_report(current_user.county_id, form.period))


@bp.get("/allocation")
@requires("report.allocation")
def allocation():
    form = PeriodForm(request.args)
    return _page("allocation", form, lambda: _allocation(form))


@bp.get("/allocation.csv")
@requires("report.allocation")
def allocation_csv():
    form = PeriodForm(request.args)
    return _csv("allocation", form, lambda: _allocation(form))
