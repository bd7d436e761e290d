"""Department reports (R-17.4): sales. Registered with deptreports.registry.register.

- 3 销售情况周统计表 and 4 销售情况月统计表: contracts signed, shipped, invoiced and collected
  (targets.actuals) by product, by account and by branch. Who has not submitted what: the
  salespeople's weekly unpaid reports (R-15.7) of the weeks that ended in the period — the
  salesperson's own account of what is still owed, which these figures of collection sit
  beside (contracts the clerk has not filed are the clerk's queue and the dashboard's figure,
  not a submission of the salespeople these reports are about).
- 10 区域销售情况统计表: per region and per branch the month targets of the period (R-17.1: a
  region's is the sum of its branches' month rows) against signed, shipped, invoiced and
  collected, with the completion (signed ÷ target), and for a period of several months the
  months as a line chart. Who has not submitted what: the branches whose target of a month of
  the period is not split into the month yet.
"""

import datetime
from decimal import Decimal

from django.apps import apps
from django.db.models import Q, Sum
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from receivables.choices import UnpaidPeriod
from receivables.models import UnpaidReport
from receivables.rules import unpaid_period
from reports.periods import MONTH, WEEK, Period
from reports.tables import BAR, LINE, MONEY, PERCENT, TEXT, Chart, Col, Table, totals_of
from staff.models import User
from targets.actuals import actuals

from ..registry import SALES, Report, register
from ..scope import Scope

ZERO = Decimal("0.00")

SIGNED = Col("signed", _("Contracts signed"), MONEY)
SHIPPED = Col("shipped", _("Shipped (net of returns)"), MONEY)
INVOICED = Col("invoiced", _("Invoiced (net of red-letter invoices)"), MONEY)
COLLECTED = Col("collected", _("Collected (net of reversals)"), MONEY)
MEASURES = [SIGNED, SHIPPED, INVOICED, COLLECTED]
TARGET = Col("target", _("Target"), MONEY)
COMPLETION = Col("completion", _("Completion"), PERCENT)


def _figures(scope: Scope, period: Period, by: tuple[str, ...]) -> list[dict]:
    salesperson = scope.salesperson.pk if scope.salesperson is not None else None
    return actuals(
        office_ids=scope.office_ids,
        start=period.start,
        end=period.end,
        by=by,
        salesperson_id=salesperson,
    )


def _labelled(rows: list[dict], key: str, name: str) -> list[dict]:
    return sorted(({**row, key: row.get(name) or ""} for row in rows), key=lambda r: r[key])


def _total_label():
    return gettext("Total")


# ---------------------------------------------------------------- 3 and 4: sales statistics


def sales_tables(scope: Scope, period: Period) -> list[Table]:
    """By product (nothing is collected per product), by account, and per branch."""
    products = _labelled(_figures(scope, period, ("product",)), "label", "product_name")
    accounts = _labelled(_figures(scope, period, ("account",)), "label", "account_name")
    branches = _labelled(_figures(scope, period, ("office",)), "label", "office_name")
    product_cols = [Col("label", _("Product"), TEXT), SIGNED, SHIPPED, INVOICED]
    account_cols = [Col("label", _("Account"), TEXT), *MEASURES]
    branch_cols = [Col("label", pgettext_lazy("department report", "Branch"), TEXT), *MEASURES]
    series = ("signed", "shipped", "invoiced")
    return [
        Table(
            "by-product",
            _("By product"),
            product_cols,
            products,
            totals_of(products, product_cols, "label", _total_label()),
            chart=Chart(BAR, "label", series),
            note=_("Money is collected per account, not per product."),
        ),
        Table(
            "by-account",
            _("By account"),
            account_cols,
            accounts,
            totals_of(accounts, account_cols, "label", _total_label()),
        ),
        Table(
            "by-branch",
            _("Totals by branch"),
            branch_cols,
            branches,
            totals_of(branches, branch_cols, "label", _total_label()),
            chart=Chart(BAR, "label", (*series, "collected")),
        ),
    ]


def _unpaid_weeks(
    period: Period, today: datetime.date
) -> list[tuple[datetime.date, datetime.date]]:
    """The unpaid report's weeks (Monday–Sunday, R-15.7) that end in the period and have ended."""
    weeks = []
    start, end = unpaid_period(UnpaidPeriod.WEEK, period.start)
    while start <= period.end:
        if period.start <= end <= period.end and end < today:
            weeks.append((start, end))
        start += datetime.timedelta(days=7)
        end += datetime.timedelta(days=7)
    return weeks


def _people_with_offices(scope: Scope) -> list[tuple[User, str]]:
    """The scope's salespeople with their branches in the scope (two queries)."""
    people = list(scope.people())
    memberships = User.offices.through.objects.filter(
        user_id__in=[p.pk for p in people], office_id__in=scope.office_ids
    ).values_list("user_id", "office__name")
    names: dict[int, list[str]] = {}
    for user_id, name in memberships.order_by("office__name"):
        names.setdefault(user_id, []).append(name)
    return [(p, "、".join(names.get(p.pk, []))) for p in people]


def unpaid_missing(scope: Scope, period: Period, today: datetime.date | None = None) -> list:
    """The salespeople in scope without their weekly unpaid report of a week that ended."""
    from django.utils import timezone

    today = today or timezone.localdate()
    weeks = _unpaid_weeks(period, today)
    if not weeks:
        return []
    people = _people_with_offices(scope)
    done = set(
        UnpaidReport.objects.filter(
            kind=UnpaidPeriod.WEEK,
            start__in=[s for s, _e in weeks],
            salesperson_id__in=[p.pk for p, _o in people],
        ).values_list("salesperson_id", "start")
    )
    rows = []
    for person, offices in people:
        for start, end in weeks:
            if (person.pk, start) not in done:
                what = gettext("Weekly unpaid report, %(start)s – %(end)s") % {
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                }
                rows.append({"person": str(person), "office": offices, "what": what})
    return rows


register(
    Report(
        key="sales-weekly",
        number=3,
        title=_("Weekly sales statistics"),
        description=_(
            "Contracts signed, goods shipped, invoices and money collected in the week, "
            "by product, by account and by branch."
        ),
        group=SALES,
        default_period=WEEK,
        build=sales_tables,
        missing=unpaid_missing,
    )
)
register(
    Report(
        key="sales-monthly",
        number=4,
        title=_("Monthly sales statistics"),
        description=_(
            "Contracts signed, goods shipped, invoices and money collected in the month, "
            "by product, by account and by branch."
        ),
        group=SALES,
        default_period=MONTH,
        build=sales_tables,
        missing=unpaid_missing,
    )
)


# ---------------------------------------------------------------- 10: regional sales


def _target_model():
    """The targets app's model, read defensively (None while it does not exist)."""
    try:
        return apps.get_model("targets", "SalesTarget")
    except LookupError:
        return None


def period_months(period: Period) -> list[tuple[int, int]]:
    """(year, month) of every month the period touches."""
    months, day = [], period.start.replace(day=1)
    while day <= period.end:
        months.append((day.year, day.month))
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return months


def _months_q(months: list[tuple[int, int]]) -> Q:
    q = Q(pk__in=[])
    for year, month in months:
        q |= Q(year=year, month=month)
    return q


def month_targets(scope: Scope, period: Period, group: str) -> dict:
    """The month targets of the period's months summed per `group` (a field of SalesTarget's
    values: "office", "office__region", "year", "month"): the branches' month rows, or the
    salesperson's own when the reader sees only their own (R-17.1). One query."""
    model = _target_model()
    if model is None:
        return {}
    qs = model.objects.filter(
        _months_q(period_months(period)), office_id__in=scope.office_ids, month__isnull=False
    )
    if scope.salesperson is not None:
        qs = qs.filter(salesperson_id=scope.salesperson.pk)
    else:
        qs = qs.filter(salesperson__isnull=True)
    fields = ("year", "month") if group == "month" else (group,)
    rows = qs.order_by().values(*fields).annotate(total=Sum("amount"))
    if group == "month":
        return {datetime.date(r["year"], r["month"], 1): r["total"] for r in rows}
    return {r[group] or "": r["total"] for r in rows}


def _with_target(row: dict, target: Decimal | None) -> dict:
    target = target if target is not None else ZERO
    completion = (row["signed"] / target).quantize(Decimal("0.0001")) if target else None
    return {**row, "target": target, "completion": completion}


def _completion_total(totals: dict) -> dict:
    target = totals.get("target") or ZERO
    totals["completion"] = (
        (totals["signed"] / target).quantize(Decimal("0.0001")) if target else None
    )
    return totals


def _no_region() -> str:
    return gettext("No region")


def regional_tables(scope: Scope, period: Period) -> list[Table]:
    regions_target = month_targets(scope, period, "office__region")
    branch_target = month_targets(scope, period, "office")
    regions = [
        _with_target(
            {**row, "label": row["region"] or _no_region()}, regions_target.get(row["region"])
        )
        for row in _figures(scope, period, ("region",))
    ]
    seen = {row["region"] for row in regions}
    for region, target in regions_target.items():  # a target and nothing sold yet
        if region not in seen:
            blank = {m.key: ZERO for m in MEASURES}
            regions.append(
                _with_target({**blank, "region": region, "label": region or _no_region()}, target)
            )
    regions.sort(key=lambda r: r["label"])
    branches = [
        _with_target(
            {**row, "label": row["office_name"], "region_label": row["region"] or _no_region()},
            branch_target.get(row["office"]),
        )
        for row in _figures(scope, period, ("office", "region"))
    ]
    seen_offices = {row["office"] for row in branches}
    names = {o.pk: o for o in scope.offices}
    for office_id, target in branch_target.items():
        if office_id not in seen_offices and office_id in names:
            office = names[office_id]
            blank = {m.key: ZERO for m in MEASURES}
            branches.append(
                _with_target(
                    {**blank, "office": office_id, "label": office.name,
                     "region_label": office.region or _no_region()},
                    target,
                )
            )  # fmt: skip
    branches.sort(key=lambda r: (r["region_label"], r["label"]))
    region_cols = [Col("label", _("Region"), TEXT), TARGET, *MEASURES, COMPLETION]
    branch_cols = [
        Col("label", pgettext_lazy("department report", "Branch"), TEXT),
        Col("region_label", _("Region"), TEXT),
        TARGET,
        *MEASURES,
        COMPLETION,
    ]
    note = ""
    if period.start.day != 1 or (period.end + datetime.timedelta(days=1)).day != 1:
        note = _("The target is that of the whole months the period touches.")
    tables = [
        Table(
            "by-region",
            _("By region"),
            region_cols,
            regions,
            _completion_total(totals_of(regions, region_cols, "label", _total_label())),
            chart=Chart(BAR, "label", ("target", "signed")),
            note=note,
        ),
        Table(
            "by-branch",
            _("By branch"),
            branch_cols,
            branches,
            _completion_total(totals_of(branches, branch_cols, "label", _total_label())),
            chart=Chart(BAR, "label", ("target", "signed")),
            note=note,
        ),
    ]
    if len(period_months(period)) > 1:
        tables.append(_months_table(scope, period))
    return tables


def _months_table(scope: Scope, period: Period) -> Table:
    targets = month_targets(scope, period, "month")
    found = {row["month"]: row for row in _figures(scope, period, ("month",))}
    rows = []
    for year, month in period_months(period):
        first = datetime.date(year, month, 1)
        row = found.get(first) or {m.key: ZERO for m in MEASURES}
        rows.append(_with_target({**row, "label": f"{year}-{month:02d}"}, targets.get(first)))
    cols = [Col("label", _("Month"), TEXT), TARGET, *MEASURES, COMPLETION]
    return Table(
        "by-month",
        _("By month"),
        cols,
        rows,
        _completion_total(totals_of(rows, cols, "label", _total_label())),
        chart=Chart(LINE, "label", ("target", "signed", "shipped", "invoiced", "collected")),
    )


def unsplit_missing(scope: Scope, period: Period) -> list[dict]:
    """The branches (or the salesperson) without a month target for a month of the period."""
    model = _target_model()
    if model is None:
        return []
    months = period_months(period)
    qs = model.objects.filter(
        _months_q(months), office_id__in=scope.office_ids, month__isnull=False
    )
    if scope.salesperson is not None:
        qs = qs.filter(salesperson_id=scope.salesperson.pk)
    else:
        qs = qs.filter(salesperson__isnull=True)
    split = set(qs.values_list("office_id", "year", "month"))
    rows = []
    for office in sorted(scope.offices, key=lambda o: o.name):
        for year, month in months:
            if (office.pk, year, month) in split:
                continue
            what = gettext("Month target of %(month)s not split") % {"month": f"{year}-{month:02d}"}
            person = str(scope.salesperson) if scope.salesperson is not None else ""
            rows.append({"person": person, "office": office.name, "what": what})
    return rows


register(
    Report(
        key="regional-sales",
        number=10,
        title=_("Regional sales"),
        description=_(
            "Each region's and branch's target against contracts signed, goods shipped, "
            "invoices and money collected, with the completion of the target."
        ),
        group=SALES,
        default_period=MONTH,
        build=regional_tables,
        missing=unsplit_missing,
    )
)
