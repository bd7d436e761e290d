"""The weekly and monthly report pages (R-7.4, R-7.5): the salesperson's own report, the
office's compiled team table, reading one written report, the manager's weekly report to the
director, and the director's list of those reports. Every compiled table can be downloaded
as Excel (`?format=xlsx`) and its chart data read as JSON (`?format=json`)."""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from reception.selectors import office_today
from staff.models import Office
from staff.permissions import may, restrict_to_offices
from staff.places import place_for
from staff.selectors import offices_visible_to

from ..choices import ReportKind
from ..figures.salespeople import daily_visits, report_tables, salespeople_figures
from ..models import PeriodReport
from ..period_forms import PeriodReportForm, ReportPeriodForm, WeekForm
from ..periodic import (
    period_of_report,
    report_period,
    report_statuses,
    report_submit,
    status_of,
    team_report_rows,
)
from ..periods import MONTH, WEEK, Period, period_from, week_of
from ..tables import respond

INVALID = 422
WRITE = "reports.write_report"
VIEW = "reports.view_office_reports"
WRITE_TEAM = "reports.write_team_report"
READ_TEAM = "reports.read_team_reports"
TEMPLATES = "reports/periodic/"


def _heading(title, office: Office, period: Period, *more) -> list[str]:
    return [str(title), office.name, str(period), *[str(m) for m in more]]


def _own_period(data, today: datetime.date) -> tuple[str, datetime.date, ReportPeriodForm]:
    """The kind and a day of the salesperson's report; a day after today is today (a report
    is written for a period that has started)."""
    form = ReportPeriodForm(data if ("kind" in data or "date" in data) else None)
    clean = form.cleaned_data if form.is_bound and form.is_valid() else {}
    kind = clean.get("kind") or ReportKind.WEEKLY
    day = min(clean.get("date") or today, today)
    return kind, day, ReportPeriodForm(initial={"kind": kind, "date": day})


def _week_day(data, today: datetime.date, *, clamp: bool) -> tuple[datetime.date, WeekForm]:
    form = WeekForm(data if data.get("date") else None)
    day = (form.cleaned_data.get("date") if form.is_valid() else None) or today
    if clamp:
        day = min(day, today)
    return day, WeekForm(initial={"date": day})


def _submit(request, form: PeriodReportForm, **kwargs) -> bool:
    """Call the service with the form's text; its errors go onto the form."""
    if not form.is_valid():
        return False
    try:
        report_submit(
            author=request.user,
            summary=form.cleaned_data["summary"],
            problems=form.cleaned_data["problems"],
            plan=form.cleaned_data["plan"],
            **kwargs,
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
        return False
    return True


def _url(name: str, **params) -> str:
    return f"{reverse(name)}?{urlencode(params)}"


@login_required
@require_http_methods(["GET", "POST"])
def my_report(request: HttpRequest) -> HttpResponse:
    """R-7.4: the salesperson's weekly or monthly report: their own compiled reception and
    performance figures, and the written part, due on the period's last day at 17:00."""
    place = place_for(request, WRITE)
    office, now = place.office, timezone.now()
    today = office_today(office, now)
    kind, day, picker = _own_period(
        request.POST if request.method == "POST" else request.GET, today
    )
    period = report_period(kind, day, office)
    report = PeriodReport.objects.filter(
        author=request.user, office=office, kind=kind, period_start=period.start
    ).first()
    status = 200
    if request.method == "POST":
        form = PeriodReportForm(request.POST)
        kwargs = {"office": office, "kind": kind, "period": period, "now": now}
        if _submit(request, form, **kwargs):
            return redirect(
                _url("reports:my_report", office=office.pk, kind=kind, date=period.start)
            )
        status = INVALID
    else:
        form = PeriodReportForm(instance=report)
    rows = salespeople_figures(office, period, [request.user.pk], now=now)
    tables = report_tables(rows, office, totals=False)
    title = ReportKind(kind).label
    context = {
        "place": place,
        "office": office,
        "kind": kind,
        "period": period,
        "picker": picker,
        "report": report,
        "status": status_of(report, period, office, now),
        "due_at": period.due_at(office),
        "form": form,
    }
    return respond(
        request,
        f"{TEMPLATES}my_report.html",
        context,
        tables,
        filename=f"{title} {request.user} {period.start}",
        heading=_heading(title, office, period, request.user),
        status=status,
    )


@login_required
@require_GET
def team(request: HttpRequest) -> HttpResponse:
    """R-7.4, R-7.5: every salesperson's compiled figures for any period, with the team
    totals, the charts, and for a week or a month the status of each written report."""
    place = place_for(request, VIEW)
    office, now = place.office, timezone.now()
    period, period_form = period_from(request.GET, office, office_today(office, now))
    rows = salespeople_figures(office, period, now=now)
    people = [row["user"] for row in rows]
    daily = daily_visits(office, period, [p.pk for p in people])
    tables = report_tables(rows, office, daily=daily)
    kind = {WEEK: ReportKind.WEEKLY, MONTH: ReportKind.MONTHLY}.get(period.kind)
    statuses = (
        report_statuses(office=office, kind=kind, period=period, authors=people, now=now)
        if kind
        else []
    )
    title = _("Team report")
    context = {
        "place": place,
        "office": office,
        "period": period,
        "period_form": period_form,
        "extra_params": [],
        "statuses": statuses,
        "report_kind": kind,
        "due_at": period.due_at(office),
        "may_read": may(request.user, READ_TEAM, office),
    }
    return respond(
        request,
        f"{TEMPLATES}team.html",
        context,
        tables,
        filename=f"{title} {office.name} {period.start}",
        heading=_heading(title, office, period),
    )


def _readable_report(request: HttpRequest, pk: int) -> PeriodReport:
    """The author, the office's managers and the director read a report; another office's is
    not there (404); anyone else of the office is refused (403)."""
    report = (
        restrict_to_offices(PeriodReport.objects.select_related("office", "author"), request.user)
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404
    if report.author_id != request.user.pk and not may(request.user, READ_TEAM, report.office):
        raise PermissionDenied
    return report


@login_required
@require_GET
def period_report(request: HttpRequest, pk: int) -> HttpResponse:
    """R-7.4: one written report with the figures compiled for its period: the author's own
    row, or the whole team for a manager's weekly report."""
    report = _readable_report(request, pk)
    office, now = report.office, timezone.now()
    period = period_of_report(report)
    if report.kind == ReportKind.TEAM_WEEKLY:
        rows = salespeople_figures(office, period, now=now)
        daily = daily_visits(office, period, [row["salesperson_id"] for row in rows])
        tables = report_tables(rows, office, daily=daily)
    else:
        rows = salespeople_figures(office, period, [report.author_id], now=now)
        tables = report_tables(rows, office, totals=False)
    title = report.get_kind_display()
    context = {
        "office": office,
        "report": report,
        "period": period,
        "status": status_of(report, period, office, now),
        "due_at": period.due_at(office),
    }
    return respond(
        request,
        f"{TEMPLATES}period_report.html",
        context,
        tables,
        filename=f"{title} {report.author} {period.start}",
        heading=_heading(title, office, period, report.author),
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_report(request: HttpRequest) -> HttpResponse:
    """R-7.4: the manager's weekly report to the director: the team's compiled tables, the
    status of each salesperson's weekly report, and the manager's written part."""
    place = place_for(request, WRITE_TEAM)
    office, now = place.office, timezone.now()
    today = office_today(office, now)
    data = request.POST if request.method == "POST" else request.GET
    day, picker = _week_day(data, today, clamp=True)
    period = week_of(day, office)
    kind = ReportKind.TEAM_WEEKLY
    report = PeriodReport.objects.filter(
        author=request.user, office=office, kind=kind, period_start=period.start
    ).first()
    status = 200
    if request.method == "POST":
        form = PeriodReportForm(request.POST)
        kwargs = {"office": office, "kind": kind, "period": period, "now": now}
        if _submit(request, form, **kwargs):
            return redirect(_url("reports:team_report", office=office.pk, date=period.start))
        status = INVALID
    else:
        form = PeriodReportForm(instance=report)
    rows = salespeople_figures(office, period, now=now)
    people = [row["user"] for row in rows]
    daily = daily_visits(office, period, [p.pk for p in people])
    tables = report_tables(rows, office, daily=daily)
    statuses = report_statuses(
        office=office, kind=ReportKind.WEEKLY, period=period, authors=people, now=now
    )
    title = ReportKind.TEAM_WEEKLY.label
    context = {
        "place": place,
        "office": office,
        "period": period,
        "picker": picker,
        "report": report,
        "status": status_of(report, period, office, now),
        "due_at": period.due_at(office),
        "form": form,
        "statuses": statuses,
    }
    return respond(
        request,
        f"{TEMPLATES}team_report.html",
        context,
        tables,
        filename=f"{title} {office.name} {period.start}",
        heading=_heading(title, office, period, request.user),
        status=status,
    )


@login_required
@require_GET
def team_reports(request: HttpRequest) -> HttpResponse:
    """R-7.4: the week's team reports of every office the user reads them for (the director:
    all; a manager: their offices): submitted on time, late, missing or not yet due."""
    offices = [
        o
        for o in offices_visible_to(request.user).filter(is_active=True).order_by("name", "pk")
        if may(request.user, READ_TEAM, o)
    ]
    if not offices:
        raise PermissionDenied
    now = timezone.now()
    day, picker = _week_day(request.GET, office_today(offices[0], now), clamp=False)
    context = {
        "day": day,
        "picker": picker,
        "rows": team_report_rows(offices=offices, day=day, now=now),
    }
    return render(request, f"{TEMPLATES}team_reports.html", context)


urlpatterns = [
    path("my-report/", my_report, name="my_report"),
    path("team/", team, name="team"),
    path("period-reports/<int:pk>/", period_report, name="period_report"),
    path("team-report/", team_report, name="team_report"),
    path("team-reports/", team_reports, name="team_reports"),
]
