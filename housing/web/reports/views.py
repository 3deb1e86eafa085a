"""What each report page shows: its chart, its tables and its CSV table, built from the
service's numbers with the names a person reads (municipalities, units, people).

Names are looked up once per report (one query per kind), never per row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from housing import vocabulary
from housing.extensions import db
from housing.models import County, Municipality, Unit, User, YoungPerson
from housing.services import scope
from housing.services.reports import equity as equity_service
from housing.services.reports.allocation import RoundQuality
from housing.services.reports.caseload import CaseloadReport
from housing.services.reports.equity import EquityReport, EquityRow
from housing.services.reports.occupancy import OccupancyReport, UnitOccupancy
from housing.services.reports.period import Period
from housing.services.reports.support import Delivery, SupportReport
from housing.web.reports import charts
from housing.web.reports.tables import COUNT, DECIMAL, SHARE, TEXT, Column, Table, shown


@dataclass
class ReportView:
    chart: Markup | None
    tables: list[Table]
    csv: Callable[[], Table]  # built only for a download: it can be much longer than the page
    person_ids: list[int] = field(default_factory=list)  # young people named in the rows (audited)


def period_text(period: Period) -> str:
    return f"{format_date(period.first, 'short')}–{format_date(period.last, 'short')}"


def _days(value: float) -> str:
    return shown(DECIMAL, value)


def _count(value: float) -> str:
    return shown(COUNT, value)


# --------------------------------------------------------------------------- equity


def _equity_names(report: EquityReport, language: str) -> dict[str, str]:
    keys = {row.key for row in report.rows}
    names = {equity_service.NOT_SHOWN: _("Not shown (non-disclosure)"), equity_service.TOTAL: _("Whole county")}
    if report.grouping == "municipality":
        names[equity_service.NO_PLACE] = _("A point on the map")
        names |= {m.code: m.name(language) for m in db.session.scalars(
            select(Municipality).where(Municipality.code.in_(keys)))}
    elif report.grouping == "county":
        names[equity_service.NO_PLACE] = _("Not recorded")
        names |= {c.id: c.name(language) for c in db.session.scalars(select(County).where(County.id.in_(keys)))}
    else:
        names |= {key: vocabulary.label(vocabulary.URGENCY_BANDS, int(key)) for key in keys if key.isdigit()}
    return names


def _equity_row(name: str, row: EquityRow) -> list:
    return [name, row.applications, row.offers, row.declined, row.expired,
            row.to_offer.median, row.to_offer.p90, row.to_offer.count,
            row.to_move_in.median, row.to_move_in.p90, row.to_move_in.count,
            row.housed_share, row.measured]


def equity_view(report: EquityReport, period: Period, language: str) -> ReportView:
    names = _equity_names(report, language)
    rows = report.rows if report.grouping == "band" else sorted(
        report.rows, key=lambda r: (r.key == equity_service.NOT_SHOWN, -r.applications, names.get(r.key, r.key)))
    group = {"municipality": _("Wished municipality"), "county": _("County of residence"),
             "band": _("Urgency")}[report.grouping]
    table = Table(_("Waiting times and outcomes"), [
        Column(group, TEXT), Column(_("Applications")), Column(_("Offers")), Column(_("Declined")),
        Column(_("Expired")), Column(_("Days to an offer, median"), DECIMAL),
        Column(_("Days to an offer, 90th percentile"), DECIMAL), Column(_("Offered")),
        Column(_("Days to moving in, median"), DECIMAL), Column(_("Days to moving in, 90th percentile"), DECIMAL),
        Column(_("Moved in")), Column(_("Housed within 90 days"), SHARE), Column(_("Listed 90 days ago or earlier")),
    ], [_equity_row(names.get(r.key, r.key), r) for r in rows], _equity_row(names[equity_service.TOTAL], report.total))
    declines = Table(_("Declined offers by reason"), [
        Column(group, TEXT), Column(_("Declined by"), TEXT), Column(_("Reason"), TEXT), Column(_("Declines"))],
        [[names.get(d.key, d.key), vocabulary.label(vocabulary.DECLINED_BY, d.declined_by) if d.declined_by else "–",
          vocabulary.label(vocabulary.DECLINE_REASONS, d.code) if d.code else "–", d.count] for d in report.declines])
    chart = charts.bar_chart(
        "equity-chart", _("Median waiting time in days"),
        _("Median days from the waiting list to the first offer and to moving in, by %(group)s, for applications "
          "put on the waiting list %(period)s. The table below has the same numbers.",
          group=group.lower(), period=period_text(period)),
        [names.get(r.key, r.key) for r in [report.total, *rows]],
        [charts.Series(_("To an offer"), [r.to_offer.median for r in [report.total, *rows]]),
         charts.Series(_("To moving in"), [r.to_move_in.median for r in [report.total, *rows]])], _days)
    return ReportView(chart, [table, declines], lambda: table)


# --------------------------------------------------------------------------- support delivered


def week_label(monday: date) -> str:
    return _("wk %(number)d", number=monday.isocalendar()[1])


def _delivery_cells(delivery: Delivery) -> list:
    return [delivery.planned_visits, delivery.planned_minutes, delivery.delivered_minutes, delivery.delivered_share,
            delivery.done, delivery.missed, delivery.recorded, delivery.missed_rate, delivery.key_worker_share]


def _delivery_columns() -> list[Column]:
    return [Column(_("Planned visits")), Column(_("Planned minutes")), Column(_("Delivered minutes")),
            Column(_("Delivered of planned"), SHARE), Column(_("Done")), Column(_("Missed")),
            Column(_("Recorded")), Column(_("Missed rate"), SHARE), Column(_("By the key worker"), SHARE)]


def support_names(dimension: str, keys: Iterable[int | None]) -> tuple[dict[int | None, str], set[int]]:
    """Each row's name, and the young people named (for the audit log)."""
    ids = [key for key in keys if key is not None]
    names: dict[int | None, str] = {None: _("Unknown")}
    if dimension == "unit":
        names |= dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids))).all())
    elif dimension == "staff":
        names |= dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())
    else:
        residents, named = _resident_names(ids)
        return names | residents, named
    return names, set()


def _resident_names(person_ids: list[int]) -> tuple[dict[int, str], set[int]]:
    """A resident is named as on the unit's page (``services.units.places_with_tenancies``): only
    to someone who may open their page, and a protected one only to those who may see where they
    live (the report ties them to a unit); the others' rows say why they have no name."""
    visible = scope.visible_person_ids(current_user, person_ids)
    names, named = {}, set()
    for person in db.session.scalars(select(YoungPerson).where(YoungPerson.id.in_(person_ids))):
        if person.id not in visible:
            names[person.id] = _("A client of another county")
        elif not scope.sees_protected_address(current_user, person):
            names[person.id] = _("Not shown: non-disclosure for safety")
        else:
            names[person.id] = f"{person.last_name}, {person.first_name}"
            named.add(person.id)
    return names, named


def support_view(report: SupportReport, period: Period) -> ReportView:
    names, named = support_names(report.dimension, report.keys)
    heading = {"unit": _("Unit"), "staff": _("Staff member"), "resident": _("Resident")}[report.dimension]
    weeks = sorted(report.weeks)
    by_week = Table(_("By week"), [Column(_("Week"), TEXT), Column(_("Monday"), TEXT), *_delivery_columns()],
                    [[week_label(w), format_date(w, "short"), *_delivery_cells(report.weeks[w])] for w in weeks],
                    [_("Whole period"), "", *_delivery_cells(report.total)])
    keys = sorted(report.keys, key=lambda key: names.get(key, ""))
    by_key = Table(_("Over the period, by %(what)s", what=heading.lower()),
                   [Column(heading, TEXT), *_delivery_columns()],
                   [[names.get(key, ""), *_delivery_cells(report.keys[key])] for key in keys])
    chart = charts.line_chart(
        "support-chart", _("Planned and delivered minutes by week"),
        _("Support minutes planned in the published weeks and minutes recorded as delivered, week by week, "
          "%(period)s. The table below has the same numbers.", period=period_text(period)),
        [week_label(w) for w in weeks],
        [charts.Series(_("Planned minutes"), [report.weeks[w].planned_minutes for w in weeks]),
         charts.Series(_("Delivered minutes"), [report.weeks[w].delivered_minutes for w in weeks])], _count)
    people = sorted(named)
    return ReportView(chart if weeks else None, [by_week, by_key], lambda: _support_csv(report, heading, names), people)


def _support_csv(report: SupportReport, heading: str, names: dict[int | None, str]) -> Table:
    """Every week of every unit, staff member or resident: the download has what the page sums up."""
    labels = {week: week_label(week) for week in report.weeks}
    cells = sorted(report.cells.items(), key=lambda item: (item[0][0], names.get(item[0][1], "")))
    return Table(heading, [Column(_("Week"), TEXT), Column(_("Monday"), TEXT), Column(heading, TEXT),
                           *_delivery_columns()],
                 [[labels[w], w.isoformat(), names.get(key, ""), *_delivery_cells(cell)] for (w, key), cell in cells])


# --------------------------------------------------------------------------- caseload


def caseload_view(report: CaseloadReport) -> ReportView:
    headers = [Column(format_date(day, "short")) for day in report.days]
    table = Table(_("Clients at the end of each month"), [Column(_("Social worker"), TEXT), *headers,
                                                          Column(_("On the last day"), TEXT)],
                  [[w.name, *(p.clients for p in w.points), _state_text(w.last.state)] for w in report.workers],
                  [_("Limit set by law"), *report.limits, ""])
    last_limit = report.limits[-1] if report.limits else None
    reference = charts.Reference(_("Limit: %(limit)d clients", limit=last_limit), last_limit) if last_limit else None
    chart = charts.bar_chart(
        "caseload-chart", _("Clients on %(day)s", day=format_date(report.days[-1], "short")),
        _("Each social worker's clients on the period's last day against the limit of %(limit)s set by law "
          "(a warning from %(warning)d clients). The table below has every month.",
          limit=last_limit or "–", warning=report.warning_at),
        [w.name for w in report.workers], [charts.Series(_("Clients"), [w.last.clients for w in report.workers])],
        _count, reference)
    csv = Table(table.caption, [Column(_("Social worker"), TEXT), *(Column(d.isoformat()) for d in report.days),
                                Column(_("On the last day"), TEXT)], table.rows, table.total)
    return ReportView(chart if report.workers else None, [table], lambda: csv)


def _state_text(state) -> str:
    return {"ok": _("Within the limit"), "warning": _("Near the limit"), "over_limit": _("Over the limit")}[str(state)]


# --------------------------------------------------------------------------- occupancy


def _occupancy_cells(name: str, unit: UnitOccupancy) -> list:
    return [name, unit.places, unit.occupied_at_end, unit.place_days, unit.occupied_days, unit.empty_days,
            unit.occupancy]


def occupancy_view(report: OccupancyReport, period: Period) -> ReportView:
    names = dict(db.session.execute(select(Unit.id, Unit.name).where(
        Unit.id.in_([u.unit_id for u in report.units]))).all())
    units = sorted(report.units, key=lambda u: names.get(u.unit_id, ""))
    table = Table(_("Places and empty-place days by unit"), [
        Column(_("Unit"), TEXT), Column(_("Places in use")),
        Column(_("Occupied on %(day)s", day=format_date(period.last, "short"))), Column(_("Place-days")),
        Column(_("Occupied days")), Column(_("Empty-place days")), Column(_("Occupancy"), SHARE)],
        [_occupancy_cells(names.get(u.unit_id, ""), u) for u in units], _occupancy_cells(_("All units"), report.total))
    move_outs = Table(_("Move-outs by reason"), [Column(_("Unit"), TEXT), Column(_("Reason"), TEXT),
                                                 Column(_("Move-outs"))],
                      [[names.get(m.unit_id, ""), vocabulary.label(vocabulary.MOVE_OUT_REASONS, m.code) if m.code
                        else _("Not recorded"), m.count] for m in report.move_outs])
    chart = charts.bar_chart(
        "occupancy-chart", _("Empty-place days by unit"),
        _("Days the units' places in use stood empty, %(period)s. The table below has the same numbers.",
          period=period_text(period)),
        [names.get(u.unit_id, "") for u in units],
        [charts.Series(_("Empty-place days"), [u.empty_days for u in units])], _count)
    return ReportView(chart if units else None, [table, move_outs], lambda: table)


# --------------------------------------------------------------------------- allocation quality


def _pair(optimal, greedy) -> list:
    return [optimal, greedy]


def allocation_view(rounds: list[RoundQuality]) -> ReportView:
    allocator, greedy = _("allocator"), _("greedy")
    columns = [Column(_("Round"), TEXT), Column(_("As of"), TEXT), Column(_("Applicants")), Column(_("Places"))]
    for what in (_("Housed"), _("Band 1 housed"), _("Band 2 housed"), _("Band 3 housed")):
        columns += [Column(f"{what}: {allocator}"), Column(f"{what}: {greedy}")]
    columns += [Column(f"{_('First wish')}: {allocator}", SHARE), Column(f"{_('First wish')}: {greedy}", SHARE),
                Column(f"{_('Mean distance, km')}: {allocator}", DECIMAL),
                Column(f"{_('Mean distance, km')}: {greedy}", DECIMAL),
                Column(_("Approved")), Column(_("Overridden")), Column(_("Rejected")), Column(_("Not decided"))]
    rows = []
    for r in rounds:
        row = [_("Round %(id)d", id=r.round_id), format_date(r.as_of, "short"), r.applicants, r.places,
               *_pair(r.optimal.housed, r.greedy.housed)]
        for band in ("1", "2", "3"):
            row += _pair(r.optimal.housed_by_band[band], r.greedy.housed_by_band[band])
        row += [*_pair(r.optimal.first_wish_rate, r.greedy.first_wish_rate),
                *_pair(r.optimal.mean_km, r.greedy.mean_km),
                *(r.decisions.get(d, 0) for d in ("approved", "overridden", "rejected", "pending"))]
        rows.append(row)
    table = Table(_("Rounds next to the greedy method"), columns, rows)
    labels = [f"{_('Round %(id)d', id=r.round_id)}, {format_date(r.as_of, 'short')}" for r in rounds]
    chart = charts.bar_chart(
        "allocation-chart", _("Housed in each round"),
        _("Applicants housed by the allocator and by the greedy method (the next place to the applicant ranked "
          "highest) on the same input, round by round. The table below also has the bands and first wishes."),
        labels, [charts.Series(_("Allocator"), [r.optimal.housed for r in rounds]),
                 charts.Series(_("Greedy method"), [r.greedy.housed for r in rounds])], _count)
    return ReportView(chart if rounds else None, [table], lambda: table)
