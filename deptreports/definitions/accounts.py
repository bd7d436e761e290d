"""Department reports (R-17.4): 12. target accounts (目标客户基本信息情况统计表) and 13. the annual
account analysis (年度客户统计分析表). Registered with deptreports.registry.register.

Target accounts: the approved accounts in scope by grade (R-9.3) with their visits, who is
overdue (R-9.8, as visits.overdue computes it), their open demand (enquiries, quotes) and the
contracts signed, then one line per account (the first 500). The annual analysis compares each
account's year (targets.actuals by account) with the year before.
"""

import datetime
from decimal import Decimal

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf, Trim
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.choices import Grade, Kind
from accounts.models import Account
from approvals.choices import DocumentStatus
from contracts.models import SalesContract
from quotes.choices import Outcome
from quotes.models import Enquiry, Quote
from reports.periods import MONTH, YEAR, Period
from reports.tables import BAR, MONEY, PERCENT, TEXT, Chart, Col, Table, totals_of
from targets.actuals import MEASURES, actuals
from visits.choices import VISIT_KINDS
from visits.models import VisitRecord
from visits.overdue import overdue, with_due

from .. import market
from ..registry import ACCOUNTS, Report, register
from ..scope import Scope
from .work import SIGNED

ZERO = Decimal("0.00")
DETAIL_CAP = 500
MISSING_CAP = 200
UNGRADED = ""
GRADES = [(g.value, g.value) for g in Grade] + [(UNGRADED, _("Ungraded"))]

GRADE_COLUMNS = [
    Col("grade", _("Grade"), TEXT),
    Col("accounts", _("Number of accounts")),
    Col("visited", _("Visited")),
    Col("overdue", _("Overdue for a visit")),
    Col("enquiries", _("Open enquiries")),
    Col("quotes", _("Open quotes")),
    Col("contracts", _("Contracts signed")),
]
DETAIL_COLUMNS = [
    Col("name", _("Account"), TEXT),
    Col("grade", _("Grade"), TEXT),
    Col("owner", _("Account owner"), TEXT),
    Col("office", pgettext_lazy("department report", "Branch"), TEXT),
    Col("last_visit", _("Last visit"), TEXT),
    Col("visits", _("Visits in the period")),
    Col("days_overdue", _("Days overdue")),
    Col("demand", _("Demand noted"), TEXT),
]


def _accounts(scope: Scope) -> QuerySet[Account]:
    """The approved accounts in scope; a salesperson's own."""
    return scope.rows(Account.objects.filter(status=DocumentStatus.APPROVED), person="owner")


def _by_grade(qs: QuerySet, grade: str, **measure) -> dict[str, int]:
    rows = qs.order_by().values(grade).annotate(**measure).values_list(grade, *measure)
    return {(g or UNGRADED): n for g, n in rows}


def _person(prefix: str):
    return Coalesce(NullIf(F(f"{prefix}__display_name"), Value("")), F(f"{prefix}__username"))


def _local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def _grades(scope: Scope, period: Period, now: datetime.datetime) -> list[dict]:
    accounts = _accounts(scope)
    ids = accounts.values("pk")
    today = _local_day(now)
    first, after = market.moments(period.start, period.end)
    counted = _by_grade(accounts, "grade", n=Count("pk"))
    visited = _by_grade(
        VisitRecord.objects.filter(
            account__in=ids,
            date__gte=period.start,
            date__lte=period.end,
            kind__in=VISIT_KINDS,
        ),
        "account__grade",
        n=Count("account", distinct=True),
    )
    late = _by_grade(overdue(accounts, now=now), "grade", n=Count("pk"))
    enquiries = _by_grade(
        Enquiry.objects.filter(
            account__in=ids,
            received_on__lte=today,
            deadline__gte=today,
            status__in=(DocumentStatus.DRAFT, DocumentStatus.PENDING, DocumentStatus.APPROVED),
        ),
        "account__grade",
        n=Count("pk"),
    )
    quotes = _by_grade(
        Quote.objects.filter(
            account__in=ids,
            date__lte=today,
            valid_until__gte=today,
            outcome=Outcome.OPEN,
            status__in=(DocumentStatus.PENDING, DocumentStatus.APPROVED),
        ),
        "account__grade",
        n=Count("pk"),
    )
    contracts = _by_grade(
        SalesContract.objects.filter(
            account__in=ids, signed_at__gte=first, signed_at__lt=after, status__in=SIGNED
        ),
        "account__grade",
        n=Count("pk"),
    )
    return [
        {
            "grade": str(label),
            "accounts": counted.get(grade, 0),
            "visited": visited.get(grade, 0),
            "overdue": late.get(grade, 0),
            "enquiries": enquiries.get(grade, 0),
            "quotes": quotes.get(grade, 0),
            "contracts": contracts.get(grade, 0),
        }
        for grade, label in GRADES
    ]


def _details(scope: Scope, period: Period, now: datetime.datetime) -> list[dict]:
    """The first DETAIL_CAP accounts by grade then name, each with its figures: one query
    (the visits and the latest demand note are correlated subqueries)."""
    visits = (
        VisitRecord.objects.filter(
            account=OuterRef("pk"),
            date__gte=period.start,
            date__lte=period.end,
            kind__in=VISIT_KINDS,
        )
        .order_by()
        .values("account")
        .annotate(n=Count("pk"))
        .values("n")
    )
    demand = (
        VisitRecord.objects.filter(account=OuterRef("pk"), date__lte=period.end)
        .alias(demand_t=Trim("demand"))
        .exclude(demand_t="")
        .order_by("-date", "-pk")
        .values("demand")[:1]
    )
    rows = (
        with_due(_accounts(scope), now=now)
        .annotate(
            visits=Coalesce(Subquery(visits, output_field=IntegerField()), 0),
            demand_note=Subquery(demand),
            owner_name=_person("owner"),
        )
        .order_by(F("grade").asc(nulls_last=True), "name", "pk")
        .values(
            "name",
            "grade",
            "owner_name",
            "office__name",
            "last_visit",
            "visits",
            "days_overdue",
            "demand_note",
        )[:DETAIL_CAP]
    )
    return [
        {
            "name": row["name"],
            "grade": row["grade"] or gettext("Ungraded"),
            "owner": row["owner_name"],
            "office": row["office__name"],
            "last_visit": row["last_visit"].isoformat() if row["last_visit"] else "",
            "visits": row["visits"],
            "days_overdue": row["days_overdue"] if (row["days_overdue"] or 0) > 0 else None,
            "demand": (row["demand_note"] or "").strip()[: market.NOTE_CHARS],
        }
        for row in rows
    ]


def build_targets(scope: Scope, period: Period) -> list[Table]:
    now = market.as_of(period.end)
    grades = _grades(scope, period, now)
    details = _details(scope, period, now)
    total = sum(row["accounts"] for row in grades)
    note = _("Accounts by grade, then name.")
    if total > len(details):
        note = gettext("The first %(shown)d of %(total)d accounts, by grade then name.") % {
            "shown": len(details),
            "total": total,
        }
    return [
        Table(
            "target-grades",
            _("Accounts by grade"),
            GRADE_COLUMNS,
            grades,
            totals=totals_of(grades, GRADE_COLUMNS, "grade", gettext("Total")),
            chart=Chart(BAR, "grade", ("accounts", "visited", "overdue")),
            note=_(
                "Approved accounts; visited: at least one visit in the period (a phone call "
                "is not a visit); overdue: the last visit is older than the grade's interval; "
                "open enquiries and quotes: not yet past their deadline or validity."
            ),
        ),
        Table("target-accounts", _("Each account"), DETAIL_COLUMNS, details, note=note),
    ]


def missing_targets(scope: Scope, period: Period) -> list[dict]:
    """R-9.8: the accounts in scope overdue for a visit, the longest overdue first, each
    under its owner's name (at most MISSING_CAP)."""
    rows = (
        overdue(_accounts(scope), now=market.as_of(period.end))
        .annotate(owner_name=_person("owner"))
        .values("name", "grade", "owner_name", "office__name", "days_overdue")[:MISSING_CAP]
    )
    return [
        {
            "person": row["owner_name"],
            "office": row["office__name"],
            "what": gettext("A visit to %(account)s (grade %(grade)s), %(days)d days overdue")
            % {"account": row["name"], "grade": row["grade"], "days": row["days_overdue"]},
        }
        for row in rows
    ]


# ------------------------------------------------------------- the annual account analysis

ANNUAL_COLUMNS = [
    Col("account", _("Account"), TEXT),
    Col("office", pgettext_lazy("department report", "Branch"), TEXT),
    Col("grade", _("Grade"), TEXT),
    Col("kind", _("Kind"), TEXT),
    Col("signed", _("Amount signed"), MONEY),
    Col("signed_prev", _("Signed the year before"), MONEY),
    Col("change", _("Change on the year before"), PERCENT),
    Col("shipped", _("Amount shipped"), MONEY),
    Col("shipped_prev", _("Shipped the year before"), MONEY),
    Col("invoiced", _("Amount invoiced"), MONEY),
    Col("invoiced_prev", _("Invoiced the year before"), MONEY),
    Col("collected", _("Amount collected"), MONEY),
    Col("collected_prev", _("Collected the year before"), MONEY),
    Col("visits", _("Visits in the period")),
]
MONEY_KEYS = [c.key for c in ANNUAL_COLUMNS if c.kind == MONEY]
TOP = 20


def _year_before(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _change(now: Decimal, before: Decimal) -> Decimal | None:
    if not before:
        return None
    return ((now - before) / before).quantize(Decimal("0.0001"))


def _annual_rows(scope: Scope, period: Period) -> list[dict]:
    """One row per account with money in either year or a visit in this one: actuals twice
    (this period, the same days a year before), the visits and the accounts' facts once."""
    person = scope.salesperson.pk if scope.salesperson else None
    args = {"office_ids": scope.office_ids, "by": ("account",), "salesperson_id": person}
    now = {r["account"]: r for r in actuals(start=period.start, end=period.end, **args)}
    before = {
        r["account"]: r
        for r in actuals(start=_year_before(period.start), end=_year_before(period.end), **args)
    }
    visits = dict(
        scope.rows(
            VisitRecord.objects.filter(
                date__gte=period.start, date__lte=period.end, kind__in=VISIT_KINDS
            ),
            person="salesperson",
        )
        .order_by()
        .values("account")
        .annotate(n=Count("pk"))
        .values_list("account", "n")
    )
    ids = set(now) | set(before) | set(visits)
    facts = {
        row["pk"]: row
        for row in Account.objects.filter(pk__in=ids).values(
            "pk", "name", "grade", "kind", "office__name"
        )
    }
    kinds = dict(Kind.choices)
    rows = []
    for pk, fact in facts.items():
        row = {
            "account": fact["name"],
            "office": fact["office__name"],
            "grade": fact["grade"] or gettext("Ungraded"),
            "kind": str(kinds.get(fact["kind"], fact["kind"])),
            "visits": visits.get(pk, 0),
        }
        for measure in MEASURES:
            row[measure] = (now.get(pk, {}).get(measure)) or ZERO
            row[f"{measure}_prev"] = (before.get(pk, {}).get(measure)) or ZERO
        row["change"] = _change(row["signed"], row["signed_prev"])
        rows.append(row)
    rows.sort(key=lambda r: (-r["signed"], -r["signed_prev"], r["account"]))
    return rows


SUBTOTAL_COLUMNS = [
    Col("group", _("Grade or kind"), TEXT),
    Col("accounts", _("Number of accounts")),
    *[c for c in ANNUAL_COLUMNS if c.kind in (MONEY, PERCENT) or c.key == "visits"],
]


def _subtotals(rows: list[dict]) -> list[dict]:
    """Per grade, then per kind: the sums of the accounts' already grouped figures."""
    groups: dict[tuple[int, str], dict] = {}
    kinds = [str(label) for _v, label in Kind.choices]
    order = {str(g or gettext("Ungraded")): n for n, (g, _l) in enumerate(GRADES)}
    for row in rows:
        for key in ((0, row["grade"]), (1, row["kind"])):
            group = groups.setdefault(key, {"group": key[1], "accounts": 0, "visits": 0})
            group["accounts"] += 1
            group["visits"] += row["visits"]
            for money in MONEY_KEYS:
                group[money] = group.get(money, ZERO) + row[money]
    result = []
    for key in sorted(
        groups,
        key=lambda k: (k[0], order.get(k[1], 9) if k[0] == 0 else kinds.index(k[1])),
    ):
        group = groups[key]
        group["change"] = _change(group["signed"], group["signed_prev"])
        if key[0] == 0 and key[1] in Grade.values:
            group["group"] = gettext("Grade %(grade)s") % {"grade": key[1]}
        result.append(group)
    return result


def build_annual(scope: Scope, period: Period) -> list[Table]:
    rows = _annual_rows(scope, period)
    shown = rows[:DETAIL_CAP]
    note = _("Every account with money in either year or a visit in this one, by amount signed.")
    if len(rows) > len(shown):
        note = gettext("The first %(shown)d of %(total)d accounts, by amount signed.") % {
            "shown": len(shown),
            "total": len(rows),
        }
    totals = totals_of(rows, ANNUAL_COLUMNS, "account", gettext("Total"))
    totals["change"] = _change(totals["signed"], totals["signed_prev"])
    subtotals = _subtotals(rows)
    top = [r for r in rows if r["signed"] > 0][:TOP]
    return [
        Table(
            "annual-top",
            _("Top accounts by amount signed"),
            [ANNUAL_COLUMNS[0], ANNUAL_COLUMNS[1], *ANNUAL_COLUMNS[4:7]],
            top,
            chart=Chart(BAR, "account", ("signed", "signed_prev")),
            note=_("The twenty accounts that signed most, against the same days a year before."),
        ),
        Table(
            "annual-groups",
            _("By grade and kind"),
            SUBTOTAL_COLUMNS,
            subtotals,
        ),
        Table(
            "annual-accounts", _("Each account"), ANNUAL_COLUMNS, shown, totals=totals, note=note
        ),
    ]


register(
    Report(
        key="target-accounts",
        number=12,
        title=_("Target accounts: basic information"),
        description=_(
            "The accounts by grade with their visits, who is overdue for a visit, their open "
            "enquiries and quotes and the contracts signed; then each account."
        ),
        group=ACCOUNTS,
        default_period=MONTH,
        build=build_targets,
        missing=missing_targets,
    )
)

register(
    Report(
        key="annual-accounts",
        number=13,
        title=_("Annual account analysis"),
        description=_(
            "Each account's year against the year before: signed, shipped, invoiced and "
            "collected, with its grade and visits, subtotals by grade and kind and the top "
            "accounts."
        ),
        group=ACCOUNTS,
        default_period=YEAR,
        build=build_annual,
        missing=None,
    )
)
