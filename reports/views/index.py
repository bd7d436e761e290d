"""The reports index (/reports/): every report page the user may open, in one list, so the
menu needs one entry instead of a dozen (R-7)."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext_lazy as _

from staff.choices import Role
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


# the sales department's pages beside its reports, each shown when its app has the page
# (URL names tried in order) to the readers of the department's reports
DEPARTMENT_PAGES = [
    (_("Sales targets"), _("The year's target split by region, branch, salesperson and month."),
     ("targets:index", "targets:page", "targets:list", "targets:home")),
    (_("Work plans"), _("Weekly and monthly work plans, submitted and approved."),
     ("workplans:index", "workplans:list", "workplans:mine", "workplans:home")),
    (_("Dealers"), _("Dealers' purchases, stock checks, receivables and disputes."),
     ("dealers:index", "dealers:list", "dealers:home")),
]  # fmt: skip


def _first_url(names: tuple[str, ...]) -> str | None:
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def department_for(user, offices: list[Office]) -> dict:
    """R-17.4: the department's reports in their groups (deptreports.registry), the director's
    dashboard (leadership and managers) and the department's pages, for whoever may read the
    department's reports in some office."""
    from deptreports import registry
    from deptreports.scope import reads_own_only

    leadership = user.has_role(Role.DIRECTOR, Role.EXECUTIVE)
    if not (leadership or any(may(user, "deptreports.view", o) for o in offices)):
        return {"groups": [], "pages": []}
    reports = registry.ordered()
    groups = []
    for key, label in registry.GROUPS:
        entries = [
            {
                "title": r.title,
                "description": r.description,
                "url": reverse("deptreports:report", kwargs={"key": r.key}),
                "key": r.key,
            }
            for r in reports
            if r.group == key
        ]
        if entries:
            groups.append({"key": key, "title": label, "entries": entries})
    pages = []
    if not reads_own_only(user):
        pages.append(
            {
                "title": _("Sales department dashboard"),
                "description": _(
                    "This month against target, collection, overdue receivables and work "
                    "waiting too long."
                ),
                "url": reverse("deptreports:dashboard"),
            }
        )
    for title, description, names in DEPARTMENT_PAGES:
        url = _first_url(names)
        if url is not None:
            pages.append({"title": title, "description": description, "url": url})
    return {"groups": groups, "pages": pages}


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
    department = department_for(request.user, offices)
    context = {
        "entries": entries,
        "receivable_entries": receivables,
        "department_groups": department["groups"],
        "department_pages": department["pages"],
    }
    return render(request, "reports/index.html", context)


urlpatterns = [path("", index, name="index")]
