"""The written part of the weekly and monthly reports and of the manager's weekly report on
the team (R-7.4): submission, lateness, and the status of every report owed for a period."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from reception.selectors import office_today
from staff.choices import Role
from staff.models import Office
from staff.rules import validate_record_date

from .choices import ReportKind
from .models import PeriodReport
from .periods import MONTH, WEEK, Period, period_of, week_of

ON_TIME, LATE, MISSING, NOT_DUE = "on_time", "late", "missing", "not_due"
STATUS_LABELS = {
    ON_TIME: _("On time"),
    LATE: _("Late"),
    MISSING: _("Missing"),
    NOT_DUE: _("Not yet due"),
}


def report_period(kind: str, day: datetime.date, office: Office) -> Period:
    """R-7.4: the period of a report of `kind` that contains `day`: the report week (ending on
    the office's weekly report weekday) or the calendar month."""
    return period_of(MONTH if kind == ReportKind.MONTHLY else WEEK, day, office)


def period_of_report(report: PeriodReport) -> Period:
    kind = MONTH if report.kind == ReportKind.MONTHLY else WEEK
    return Period(kind, report.period_start, report.period_end)


def is_late(report: PeriodReport, office: Office) -> bool:
    """R-7.4: submitted (first) after the period's last day at the report deadline (17:00)."""
    due = period_of_report(report).due_at(office)
    return report.submitted_at is not None and report.submitted_at > due


def status_of(
    report: PeriodReport | None, period: Period, office: Office, now: datetime.datetime
) -> str:
    """On time or late once submitted; missing (overdue) when not submitted by the due time;
    otherwise not yet due."""
    if report is not None and report.submitted_at is not None:
        return LATE if report.submitted_at > period.due_at(office) else ON_TIME
    return MISSING if now > period.due_at(office) else NOT_DUE


def _validate_period(kind: str, period: Period, office: Office, now: datetime.datetime) -> None:
    if kind not in ReportKind.values:
        raise ValidationError({"kind": [_("Unknown kind of report.")]})
    expected = report_period(kind, period.start, office)
    if (period.start, period.end) != (expected.start, expected.end):
        message = (
            _("A monthly report covers one calendar month.")
            if kind == ReportKind.MONTHLY
            else _("A weekly report covers one report week.")
        )
        raise ValidationError({"period": [message]})
    today = office_today(office, now)
    if period.start > today:
        raise ValidationError({"period": [_("This period has not started yet.")]})
    # a period that ends before the opening is no period of the office's
    validate_record_date(period.end, opened_on=office.opened_on, today=today, field="period")


@transaction.atomic
def report_submit(
    *,
    author,
    office: Office,
    kind: str,
    period: Period,
    summary: str,
    problems: str,
    plan: str,
    now: datetime.datetime,
) -> PeriodReport:
    """R-7.4: the author writes (or rewrites) the report of a period that has started.
    `submitted_at` is the first submission: a later one changes the text and `updated_at`
    only, so that a late report stays late and an on-time one stays on time."""
    _validate_period(kind, period, office, now)
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": [_("Write the summary.")]})
    report, _created = PeriodReport.objects.get_or_create(
        author=author,
        office=office,
        kind=kind,
        period_start=period.start,
        defaults={"period_end": period.end},
    )
    report = PeriodReport.objects.select_for_update().get(pk=report.pk)
    report.summary, report.problems = summary, (problems or "").strip()
    report.plan = (plan or "").strip()
    report.updated_at = now
    if report.submitted_at is None:
        report.submitted_at = now
    report.save(update_fields=["summary", "problems", "plan", "submitted_at", "updated_at"])
    return report


@dataclass
class ReportStatus:
    """One report owed for a period: by whom, the stored report if any, and its status."""

    author: object
    office: Office
    period: Period
    report: PeriodReport | None
    status: str

    @property
    def label(self):
        return STATUS_LABELS[self.status]


def report_statuses(
    *, office: Office, kind: str, period: Period, authors, now: datetime.datetime
) -> list[ReportStatus]:
    """The status of each author's report of `kind` for `period`, in the authors' order: one
    query."""
    people = list(authors)
    reports = {
        r.author_id: r
        for r in PeriodReport.objects.filter(
            office=office,
            kind=kind,
            period_start=period.start,
            author__in=[p.pk for p in people],
        )
    }
    return [
        ReportStatus(
            author=p,
            office=office,
            period=period,
            report=reports.get(p.pk),
            status=status_of(reports.get(p.pk), period, office, now),
        )
        for p in people
    ]


@dataclass
class TeamReportRow:
    """R-7.4: one office's weekly report on the team, for the director's list."""

    office: Office
    period: Period
    managers: list
    reports: list[ReportStatus]
    status: str

    @property
    def label(self):
        return STATUS_LABELS[self.status]


def team_report_rows(*, offices, day: datetime.date, now: datetime.datetime) -> list:
    """The team weekly report of each office for the report week containing `day` (each
    office's own week): the reports its managers wrote, or missing / not yet due when none
    did. Two queries whatever the number of offices (managers, reports)."""
    offices = list(offices)
    periods = {o.pk: week_of(day, o) for o in offices}
    managers: dict[int, list] = {o.pk: [] for o in offices}
    memberships = (
        get_user_model()
        .offices.through.objects.filter(
            office__in=[o.pk for o in offices],
            user__is_active=True,
            user__groups__name=Role.MANAGER,
        )
        .values("office_id", "user__username", "user__display_name")
        .order_by("user__username", "user_id")
        .distinct()
    )
    for m in memberships:
        managers[m["office_id"]].append(m["user__display_name"] or m["user__username"])
    reports: dict[int, list] = {o.pk: [] for o in offices}
    stored = PeriodReport.objects.filter(
        kind=ReportKind.TEAM_WEEKLY, office__in=[o.pk for o in offices]
    ).select_related("author")
    stored = stored.filter(period_start__in={p.start for p in periods.values()})
    by_office = {o.pk: o for o in offices}
    for report in stored.order_by("submitted_at", "pk"):
        office = by_office[report.office_id]
        period = periods[office.pk]
        if report.period_start != period.start:
            continue
        reports[office.pk].append(
            ReportStatus(
                author=report.author,
                office=office,
                period=period,
                report=report,
                status=status_of(report, period, office, now),
            )
        )
    return [
        TeamReportRow(
            office=o,
            period=periods[o.pk],
            managers=managers[o.pk],
            reports=reports[o.pk],
            status=(
                reports[o.pk][0].status if reports[o.pk] else status_of(None, periods[o.pk], o, now)
            ),
        )
        for o in offices
    ]
