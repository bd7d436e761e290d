"""Department reports (R-17.4): dealers. Registered with deptreports.registry.register.

9. Dealers' purchases (经销商进货情况统计表): per dealer, and per dealer and product, contracts
   signed and goods shipped (net of returns) in the period against the same period last year.
11. Monthly dealer summary (每月经销商管理汇总表): per dealer, its purchases, stock checks (R-9.7)
   and products found short, receivable and overdue at the period's end (R-15), and disputes
   (R-17.5) opened, open at the end and settled in the period.

Both list the dealers in scope without a stock check in the period, with their salesperson.
Every figure is a GROUP BY (targets.actuals for purchases, one query each for stock checks,
receivables and disputes): a fixed number of queries whatever the number of dealers.
"""

import datetime
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.choices import Kind
from accounts.models import Account
from dealers import rules
from dealers.models import DealerDispute
from dealers.selectors import purchases_by_account, receivables_of, stock_checks_of
from receivables.reports import name_of
from reports.periods import MONTH, Period
from reports.tables import BAR, INT, MONEY, PERCENT, TEXT, Chart, Col, Table, totals_of
from visits.models import VisitRecord

from ..registry import DEALERS, Report, register
from ..scope import Scope

ZERO = Decimal("0.00")


def _dealers(scope: Scope) -> dict[int, dict]:
    """The approved dealers in scope (a salesperson: the ones they own), by id. One query."""
    qs = scope.rows(
        Account.objects.filter(kind=Kind.DEALER, status="approved"), office="office", person="owner"
    )
    rows = (
        qs.annotate(owner_name=name_of("owner__"))
        .values("pk", "name", "owner_name", "office__name")
        .order_by("name", "pk")
    )
    return {row["pk"]: row for row in rows}


def _ident(row: dict) -> dict:
    return {"dealer": row["name"], "salesperson": row["owner_name"], "office": row["office__name"]}


PURCHASE_COLUMNS = [
    Col("signed", pgettext_lazy("dealer", "Signed"), MONEY),
    Col("signed_last", _("Signed last year"), MONEY),
    Col("signed_change", _("Change in signed"), PERCENT),
    Col("shipped", pgettext_lazy("dealer", "Shipped"), MONEY),
    Col("shipped_last", _("Shipped last year"), MONEY),
    Col("shipped_change", _("Change in shipped"), PERCENT),
]
DEALER_COLUMNS = [
    Col("dealer", _("Dealer"), TEXT),
    Col("salesperson", pgettext_lazy("dealer", "Salesperson"), TEXT),
    Col("office", pgettext_lazy("dealer", "Branch"), TEXT),
]


def _with_changes(row: dict) -> dict:
    row["signed_change"] = rules.change(row["signed"], row["signed_last"])
    row["shipped_change"] = rules.change(row["shipped"], row["shipped_last"])
    return row


def _compare(now: dict, before: dict, key) -> dict:
    a, b = now.get(key, {}), before.get(key, {})
    return {
        "signed": a.get("signed", ZERO),
        "shipped": a.get("shipped", ZERO),
        "signed_last": b.get("signed", ZERO),
        "shipped_last": b.get("shipped", ZERO),
    }


def _totals(rows: list[dict], columns: list[Col]) -> dict:
    totals = totals_of(rows, columns, columns[0].key, gettext("Total"))
    if "signed" in totals:
        _with_changes(totals)
    return totals


def build_purchases(scope: Scope, period: Period) -> list[Table]:
    dealers = _dealers(scope)
    last = rules.same_period_last_year(period)
    by_dealer = ("account",)
    by_product = ("account", "product")
    now = purchases_by_account(scope.office_ids, period.start, period.end, by_dealer)
    before = purchases_by_account(scope.office_ids, last.start, last.end, by_dealer)
    rows = []
    for pk, dealer in dealers.items():
        if (pk,) not in now and (pk,) not in before:
            continue
        rows.append(_with_changes({**_ident(dealer), **_compare(now, before, (pk,))}))
    columns = DEALER_COLUMNS + PURCHASE_COLUMNS
    dealer_table = Table(
        "dealers",
        _("Purchases per dealer"),
        columns,
        rows,
        totals=_totals(rows, columns),
        chart=Chart(BAR, "dealer", ("signed", "signed_last", "shipped", "shipped_last")),
        note=_(
            "Contracts signed and goods shipped net of returns, against the same period last year."
        ),
    )
    now_p = purchases_by_account(scope.office_ids, period.start, period.end, by_product)
    before_p = purchases_by_account(scope.office_ids, last.start, last.end, by_product)
    names = {k[1]: r["product_name"] for src in (now_p, before_p) for k, r in src.items()}
    keys = sorted(
        {k for k in (*now_p, *before_p) if k[0] in dealers},
        key=lambda k: (dealers[k[0]]["name"], k[0], names.get(k[1], ""), k[1] or 0),
    )
    product_rows = [
        _with_changes(
            {
                "dealer": dealers[k[0]]["name"],
                "product": names.get(k[1], ""),
                **_compare(now_p, before_p, k),
            }
        )
        for k in keys
    ]
    product_columns = [
        Col("dealer", _("Dealer"), TEXT),
        Col("product", _("Product"), TEXT),
        *PURCHASE_COLUMNS,
    ]
    product_table = Table(
        "products",
        _("Purchases per dealer and product"),
        product_columns,
        product_rows,
        totals=_totals(product_rows, product_columns),
    )
    return [dealer_table, product_table]


def _today() -> datetime.date:
    return timezone.localdate()


def _disputes(dealer_ids, first: datetime.datetime, after: datetime.datetime) -> dict[int, dict]:
    """Per dealer: disputes recorded in the period, open at its end, settled in it. One query."""
    unsettled_at_end = Q(settled_at__isnull=True) | Q(settled_at__gte=after)
    rows = (
        DealerDispute.objects.filter(dealer__in=dealer_ids, recorded_at__lt=after)
        .order_by()
        .values("dealer")
        .annotate(
            opened=Count("pk", filter=Q(recorded_at__gte=first)),
            open=Count("pk", filter=unsettled_at_end),
            settled=Count("pk", filter=Q(settled_at__gte=first, settled_at__lt=after)),
        )
    )
    return {row["dealer"]: row for row in rows}


SUMMARY_COLUMNS = [
    *DEALER_COLUMNS,
    Col("signed", pgettext_lazy("dealer", "Signed"), MONEY),
    Col("shipped", pgettext_lazy("dealer", "Shipped"), MONEY),
    Col("checks", _("Stock checks"), INT),
    Col("short", _("Products short"), INT),
    Col("receivable", _("Receivable"), MONEY),
    Col("overdue", _("Overdue"), MONEY),
    Col("disputes_opened", _("Disputes opened"), INT),
    Col("disputes_open", pgettext_lazy("dealer", "Disputes open"), INT),
    Col("disputes_settled", _("Disputes settled"), INT),
]


def build_summary(scope: Scope, period: Period) -> list[Table]:
    dealers = _dealers(scope)
    ids = list(dealers)
    bought = purchases_by_account(scope.office_ids, period.start, period.end)
    checks = stock_checks_of(ids, period.start, period.end)
    as_of = min(period.end, _today())
    owed = receivables_of(ids, as_of)
    office = scope.offices[0] if scope.offices else scope.visible[0]
    first, after = period.bounds(office)
    disputes = _disputes(ids, first, after)
    rows = []
    for pk, dealer in dealers.items():
        figures, check = bought.get((pk,), {}), checks.get(pk, {})
        debt, dispute = owed.get(pk, {}), disputes.get(pk, {})
        rows.append(
            {
                **_ident(dealer),
                "signed": figures.get("signed", ZERO),
                "shipped": figures.get("shipped", ZERO),
                "checks": check.get("checks", 0),
                "short": check.get("short", 0),
                "receivable": debt.get("open", ZERO),
                "overdue": debt.get("overdue", ZERO),
                "disputes_opened": dispute.get("opened", 0),
                "disputes_open": dispute.get("open", 0),
                "disputes_settled": dispute.get("settled", 0),
            }
        )
    table = Table(
        "summary",
        _("Dealers this period"),
        SUMMARY_COLUMNS,
        rows,
        totals=totals_of(rows, SUMMARY_COLUMNS, "dealer", gettext("Total")),
        chart=Chart(BAR, "dealer", ("signed", "shipped", "receivable", "overdue")),
        note=_(
            "Receivable and overdue on the period's last day (today for a period not over); "
            "disputes open at the period's end."
        ),
    )
    return [table]


def missing_stock_checks(scope: Scope, period: Period) -> list[dict]:
    """The dealers in scope without a stock check (a visit record with the dealer's stock) in
    the period, with their salesperson. One query."""
    checked = VisitRecord.objects.filter(
        account=OuterRef("pk"),
        date__gte=period.start,
        date__lte=period.end,
        dealer_stock__isnull=False,
    )
    qs = scope.rows(
        Account.objects.filter(kind=Kind.DEALER, status="approved"), office="office", person="owner"
    )
    rows = (
        qs.filter(~Exists(checked))
        .annotate(owner_name=name_of("owner__"))
        .values("name", "owner_name", "office__name")
        .order_by("owner_name", "name", "pk")
    )
    return [
        {
            "person": row["owner_name"],
            "office": row["office__name"],
            "what": gettext("Stock check of %(dealer)s") % {"dealer": row["name"]},
        }
        for row in rows
    ]


register(
    Report(
        key="dealer-purchases",
        number=9,
        title=_("Dealers' purchases"),
        description=_(
            "Each dealer's contracts signed and goods shipped, by product, against the same "
            "period last year."
        ),
        group=DEALERS,
        default_period=MONTH,
        build=build_purchases,
        missing=missing_stock_checks,
    )
)

register(
    Report(
        key="dealer-summary",
        number=11,
        title=_("Monthly dealer summary"),
        description=_(
            "Each dealer's purchases, stock checks, receivable and disputes in the period."
        ),
        group=DEALERS,
        default_period=MONTH,
        build=build_summary,
        missing=missing_stock_checks,
    )
)
