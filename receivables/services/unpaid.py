"""The unpaid report (未收款项报告表, R-15.7): the salesperson submits it for a week or ten days
with a note, its figures frozen as the ledger shows them that day; finance checks it and the
salesperson is told."""

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied

from common.errors import DomainError
from notifications.services import notify
from staff.permissions import may

from .. import reports, rules
from ..choices import UnpaidPeriod
from ..models import UnpaidReport
from . import base


def report_period(kind: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The week or ten days (旬) of the day; an unknown kind is refused."""
    return rules.unpaid_period(base.choice(kind, "kind", UnpaidPeriod), day)


def figures_day(end: datetime.date, today: datetime.date) -> datetime.date:
    """The day a report's figures are read for: the period's end, or today while it runs."""
    return min(end, today)


def period_text(report: UnpaidReport) -> str:
    return f"{report.start.isoformat()} – {report.end.isoformat()}"


@transaction.atomic
def unpaid_report_submit(
    *, actor, office, kind: str, day: datetime.date, note: str, now: datetime.datetime
) -> UnpaidReport:
    """The salesperson's report of the period containing `day`, once per salesperson, kind
    and period: the open and overdue totals of their accounts at the period's end (today
    while the period runs), kept as they are now."""
    if not may(actor, "receivables.submit_unpaid", office):
        raise PermissionDenied(_("Only a salesperson of the branch submits an unpaid report."))
    start, end = report_period(kind, day)
    today = base.today(office, now)
    if start > today:
        raise DomainError(_("This period has not started yet."), code="not_started")
    note = base.text(note, "note", required=False)
    if UnpaidReport.objects.filter(salesperson=actor, kind=kind, start=start).exists():
        raise DomainError(
            _("You have already submitted your unpaid report for this period."),
            code="already_submitted",
        )
    totals = reports.unpaid_totals(office=office, as_of=figures_day(end, today), owner=actor)
    try:
        with transaction.atomic():
            return UnpaidReport.objects.create(
                office=office,
                salesperson=actor,
                kind=kind,
                start=start,
                end=end,
                open_total=totals["open"],
                overdue_total=totals["overdue"],
                note=note,
                submitted_at=now,
            )
    except IntegrityError:  # the same report submitted twice at once
        raise DomainError(
            _("You have already submitted your unpaid report for this period."),
            code="already_submitted",
        ) from None


@transaction.atomic
def unpaid_report_check(
    *, actor, report: UnpaidReport, note: str, now: datetime.datetime
) -> UnpaidReport:
    """Finance of the branch checks a submitted report, once, with a note; the salesperson is
    told."""
    report = base.lock(report)
    if not may(actor, "receivables.check_unpaid", report.office):
        raise PermissionDenied(_("Only finance of the branch checks unpaid reports."))
    if report.checked_at is not None:
        raise DomainError(_("This report is already checked."), code="already_checked")
    report.checked_by = actor
    report.checked_at = now
    report.check_note = base.text(note, "note", required=False)
    report.save(update_fields=["checked_by", "checked_at", "check_note"])
    notify(
        kind="unpaid_report_checked",
        params={"period": period_text(report)},
        now=now,
        url=reverse("receivables:unpaid", args=[report.pk]),
        recipient_id=report.salesperson_id,
    )
    return report
