"""The reports index (/reports/): every report page the user may open, in one list, so the
menu needs one entry instead of a dozen (R-7)."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from staff.models import Office
from staff.permissions import may
from staff.selectors import offices_visible_to


@dataclass(frozen=True)
class Entry:
    title: object
    description: object
    url_name: str
    actions: tuple[str, ...]  # any of these, in any of the user's offices


ENTRIES = [
    Entry(
        _("Work diary"),
        _("Today's diary, due at 17:00."),
        "reports:diary",
        ("reports.write_diary",),
    ),
    Entry(
        _("My weekly and monthly reports"),
        _("Due Sunday and the month's last day at 17:00."),
        "reports:my_report",
        ("reports.write_report",),
    ),
    Entry(
        _("Dashboard"),
        _("Today's reception, rotation fairness, claims, holds and targets."),
        "reports:dashboard",
        ("reports.view_dashboard",),
    ),
    Entry(
        _("Diaries"),
        _("The office's diaries of a day, with your replies."),
        "reports:diaries",
        ("reports.view_diaries",),
    ),
    Entry(
        _("Daily meeting"),
        _("Minutes of the 18:00 meeting and problems raised."),
        "reports:meeting",
        ("reports.keep_minutes",),
    ),
    Entry(
        _("Escalated problems"),
        _("Problems escalated to leadership until they are closed."),
        "reports:escalations",
        ("reports.view_escalations",),
    ),
    Entry(
        _("Team report"),
        _("Every salesperson's reception and performance for any period."),
        "reports:team",
        ("reports.view_office_reports",),
    ),
    Entry(
        _("Weekly report to the director"),
        _("The manager's weekly report on the team."),
        "reports:team_report",
        ("reports.write_team_report",),
    ),
    Entry(
        _("Team weekly reports"),
        _("The managers' weekly reports of every office."),
        "reports:team_reports",
        ("reports.read_team_reports",),
    ),
    Entry(
        _("Front desk counts"),
        _("Walk-ins and calls per source channel and day."),
        "reports:front_desk",
        ("reports.view_channels",),
    ),
    Entry(
        _("Channel evaluation"),
        _("New customers → visits → holds → subscriptions."),
        "reports:channels",
        ("reports.view_channels",),
    ),
    Entry(_("Fines"), _("Diary fines of the month."), "reports:fines", ("reports.view_fines",)),
    Entry(
        _("Leave and rest days"),
        _("The calendar of days off: no diary is owed."),
        "reports:days_off",
        ("reports.manage_days_off", "reports.write_diary"),
    ),
]


# the receivables reports, a group of their own (a salesperson reads their own daily
# collection and unpaid figures; the branch's readers every report)
RECEIVABLE_ENTRIES = [
    Entry(
        _("Aging of receivables"),
        _("What each customer owes, by days past due, beside its ledger balance."),
        "receivables:report_aging",
        ("receivables.office",),
    ),
    Entry(
        _("Receivables journal"),
        _("The ledger lines of a day or period, with opening and closing balances."),
        "receivables:report_journal",
        ("receivables.office",),
    ),
    Entry(
        _("Daily collection report"),
        _("Money received per salesperson and method."),
        "receivables:report_collections",
        ("receivables.office", "receivables.submit_unpaid"),
    ),
    Entry(
        _("Collection rate"),
        _("Received against what fell due, per salesperson and branch."),
        "receivables:report_rate",
        ("receivables.office",),
    ),
    Entry(
        _("Unpaid report"),
        _("Weekly and ten-day unpaid amounts, submitted by salespeople and checked by finance."),
        "receivables:report_unpaid",
        ("receivables.office", "receivables.submit_unpaid"),
    ),
]


def entries_for(user, offices: list[Office], entries: list[Entry] = ENTRIES) -> list[dict]:
    return [
        {"title": e.title, "description": e.description, "url": reverse(e.url_name)}
        for e in entries
        if any(may(user, action, office) for action in e.actions for office in offices)
    ]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    offices = list(offices_visible_to(request.user))
    entries = entries_for(request.user, offices)
    receivables = entries_for(request.user, offices, RECEIVABLE_ENTRIES)
    context = {"entries": entries, "receivable_entries": receivables}
    return render(request, "reports/index.html", context)


urlpatterns = [path("", index, name="index")]
