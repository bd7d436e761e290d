"""Department reports (R-17.4): plans. Registered with deptreports.registry.register.

- 1 周工作计划表 (key `weekly-plans`) and 2 月工作计划表 (key `monthly-plans`): per salesperson
  and branch in scope, the work plans (R-17.3) of the weeks or months that overlap the period:
  their status, when first submitted, how many were late, the visits planned in them, their
  target amounts, and the visits of the period done and missed (R-9.7: the outcomes of the
  visit plans' lines, PlannedVisit); a chart of planned against done per salesperson.
- Who has not submitted what: every salesperson concerned (scope.people()) without a plan
  handed in (pending or approved) for a week or month of the period whose plan was due by now.

Every figure comes from GROUP BY queries: five for the tables and two for the missing list,
whatever the number of salespeople, plans and lines.
"""

import datetime
from decimal import Decimal

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from reports.periods import MONTH, WEEK, Period
from reports.tables import BAR, INT, MONEY, TEXT, Chart, Col, Table, totals_of
from staff.models import User
from visits.models import PlannedVisit
from workplans import rules
from workplans.choices import SUBMITTED, PlanKind, PlanStatus
from workplans.models import WorkPlan, WorkPlanVisit

from ..registry import PLANS, Report, register
from ..scope import Scope

CENT = Decimal("0.01")
COLUMNS = [
    Col("person", pgettext_lazy("work plans report", "Salesperson"), TEXT),
    Col("office", pgettext_lazy("work plans report", "Branch"), TEXT),
    Col("status", pgettext_lazy("work plans report", "Plan status"), TEXT),
    Col("submitted_at", pgettext_lazy("work plans report", "Submitted at"), TEXT),
    Col("plans", pgettext_lazy("work plans report", "Plans"), INT),
    Col("submitted", pgettext_lazy("work plans report", "Handed in"), INT),
    Col("late", pgettext_lazy("work plans report", "Late"), INT),
    Col("planned", pgettext_lazy("work plans report", "Planned visits"), INT),
    Col("target", pgettext_lazy("work plans report", "Target amount"), MONEY),
    Col("done", pgettext_lazy("work plans report", "Visits done"), INT),
    Col("missed", pgettext_lazy("work plans report", "Visits missed"), INT),
]


def _name(display_name: str, username: str) -> str:
    return display_name or username


def _pairs(scope: Scope) -> list[tuple]:
    """(user id, name, office id, office name) of every salesperson concerned in each branch
    of the scope: one query."""
    people = scope.people().order_by().values("pk")
    return list(
        User.offices.through.objects.filter(user_id__in=people, office_id__in=scope.office_ids)
        .values_list("user_id", "user__display_name", "user__username", "office_id", "office__name")
        .order_by("user__display_name", "user__username", "user_id", "office__name")
    )


def _plans(scope: Scope, period: Period, kind: str):
    """The live plans of `kind` whose period overlaps the report's."""
    qs = WorkPlan.objects.filter(
        kind=kind, period_start__lte=period.end, period_end__gte=period.start
    ).exclude(status=PlanStatus.CANCELLED)
    return scope.rows(qs, person="author")


def _status_text(counts: dict[str, int]) -> str:
    labels = dict(PlanStatus.choices)
    if not counts:
        return pgettext("work plans report", "No plan")
    if len(counts) == 1 and sum(counts.values()) == 1:
        return str(labels[next(iter(counts))])
    return " / ".join(f"{labels[s]} {n}" for s, n in sorted(counts.items()) if n)


def build_plans(scope: Scope, period: Period, kind: str) -> list[Table]:
    zero = {"plans": 0, "submitted": 0, "late": 0, "planned": 0, "done": 0, "missed": 0}
    rows: dict[tuple[int, int], dict] = {}
    for user_id, display, username, office_id, office_name in _pairs(scope):
        rows[(user_id, office_id)] = {
            "person": _name(display, username),
            "office": office_name,
            **zero,
            "target": 0,
            "statuses": {},
            "submitted_at": None,
        }
    plans = _plans(scope, period, kind)
    aggregates = plans.values(
        "author", "author__display_name", "author__username", "office", "office__name"
    ).annotate(
        n=Count("pk"),
        handed=Count("pk", filter=Q(status__in=SUBMITTED)),
        late_n=Count("pk", filter=Q(late=True)),
        target_sum=Sum("target_amount"),
        last=Max("submitted_at"),
    )
    for a in aggregates.order_by():
        row = rows.setdefault(
            (a["author"], a["office"]),
            {
                "person": _name(a["author__display_name"], a["author__username"]),
                "office": a["office__name"],
                **zero,
                "statuses": {},
            },
        )
        row.update(
            plans=a["n"],
            submitted=a["handed"],
            late=a["late_n"],
            target=a["target_sum"],
            submitted_at=a["last"],
        )
    for s in plans.values("author", "office", "status").annotate(n=Count("pk")).order_by():
        if (s["author"], s["office"]) in rows:
            rows[(s["author"], s["office"])]["statuses"][s["status"]] = s["n"]
    lines = (
        WorkPlanVisit.objects.filter(plan__in=plans.values("pk"))
        .values("plan__author", "plan__office")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for line in lines:
        if (line["plan__author"], line["plan__office"]) in rows:
            rows[(line["plan__author"], line["plan__office"])]["planned"] = line["n"]
    outcomes = (
        scope.rows(
            PlannedVisit.objects.filter(day__gte=period.start, day__lte=period.end),
            office="plan__office",
            person="plan__salesperson",
        )
        .values("plan__salesperson", "plan__office")
        .annotate(
            done_n=Count("pk", filter=Q(outcome="done")),
            missed_n=Count("pk", filter=Q(outcome="missed")),
        )
        .order_by()
    )
    for o in outcomes:
        key = (o["plan__salesperson"], o["plan__office"])
        if key in rows:
            rows[key].update(done=o["done_n"], missed=o["missed_n"])
    zones = {o.pk: o.tzinfo for o in scope.offices}
    out = []
    for (_user, office_id), row in sorted(
        rows.items(), key=lambda kv: (kv[1]["person"], kv[1]["office"], kv[0])
    ):
        row["status"] = _status_text(row.pop("statuses"))
        moment = row.get("submitted_at")
        row["submitted_at"] = (
            timezone.localtime(moment, zones.get(office_id)).strftime("%Y-%m-%d %H:%M")
            if moment
            else ""
        )
        row["target"] = Decimal(row.get("target") or 0).quantize(CENT)
        out.append(row)
    table = Table(
        "plans",
        _("Weekly work plans") if kind == PlanKind.WEEKLY else _("Monthly work plans"),
        COLUMNS,
        out,
        totals=totals_of(out, COLUMNS, "person", _("Total")),
        chart=Chart(BAR, "person", ("planned", "done")),
        note=_(
            "Plans of the weeks or months that overlap the period; visits done and missed are "
            "the visit plans' visits of the period's days."
        ),
    )
    return [table]


def period_starts(kind: str, period: Period) -> list[datetime.date]:
    """The first day of every week (Monday) or month that overlaps the period."""
    starts = []
    day = rules.period_of(kind, period.start)[0]
    while day <= period.end:
        starts.append(day)
        day = rules.next_period_start(kind, day)
    return starts


def missing_plans(scope: Scope, period: Period, kind: str, now=None) -> list[dict]:
    """Every salesperson concerned without a plan handed in (pending or approved) for a week
    or month of the period whose plan was due by `now`."""
    now = now or timezone.now()
    offices = {o.pk: o for o in scope.offices}
    people: dict[int, dict] = {}
    for user_id, display, username, office_id, office_name in _pairs(scope):
        entry = people.setdefault(
            user_id,
            {"person": _name(display, username), "offices": [], "office": offices.get(office_id)},
        )
        entry["offices"].append(office_name)
    starts = period_starts(kind, period)
    handed = set(
        WorkPlan.objects.filter(
            kind=kind,
            status__in=SUBMITTED,
            period_start__in=starts,
            office_id__in=scope.office_ids,
            author_id__in=list(people),
        ).values_list("author_id", "period_start")
    )
    out = []
    for user_id, entry in people.items():
        for start in starts:
            if (user_id, start) in handed or entry["office"] is None:
                continue
            if rules.due_at(kind, start, entry["office"]) >= now:  # not owed before it is due
                continue
            end = rules.period_of(kind, start)[1]
            words = (
                gettext("Weekly work plan %(first)s – %(last)s")
                if kind == PlanKind.WEEKLY
                else gettext("Monthly work plan %(first)s – %(last)s")
            )
            out.append(
                {
                    "person": entry["person"],
                    "office": "、".join(entry["offices"]),
                    "what": words % {"first": start.isoformat(), "last": end.isoformat()},
                }
            )
    return out


register(
    Report(
        key="weekly-plans",
        number=1,
        title=_("Weekly work plans"),
        description=_(
            "Each salesperson's weekly work plan: whether it was handed in on time and approved, "
            "the visits planned, the target, and the visits done and missed."
        ),
        group=PLANS,
        default_period=WEEK,
        build=lambda scope, period: build_plans(scope, period, PlanKind.WEEKLY),
        missing=lambda scope, period: missing_plans(scope, period, PlanKind.WEEKLY),
    )
)
register(
    Report(
        key="monthly-plans",
        number=2,
        title=_("Monthly work plans"),
        description=_(
            "Each salesperson's monthly work plan: whether it was handed in on time and "
            "approved, the accounts to visit, the target, and the visits done and missed."
        ),
        group=PLANS,
        default_period=MONTH,
        build=lambda scope, period: build_plans(scope, period, PlanKind.MONTHLY),
        missing=lambda scope, period: missing_plans(scope, period, PlanKind.MONTHLY),
    )
)
