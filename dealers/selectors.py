"""Reads of dealers (R-17.5): which dealers a user sees, their purchases (targets.actuals),
stock checks (visits' DealerStock, R-9.7), receivables (receivables.figures, R-15) and
disputes. Every figure is a GROUP BY: a page asks a fixed number of queries, whatever the
number of dealers, contracts or visits."""

import datetime
from decimal import Decimal

from django.db.models import Case, Count, F, Max, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from accounts.choices import Kind
from accounts.models import Account
from accounts.selectors import accounts_visible_to
from receivables.figures import MONEY, with_open_amount
from receivables.models import Invoice
from reports.periods import RANGE, Period
from staff.choices import Role
from targets.actuals import actuals
from visits.models import DealerStock, VisitRecord

from . import rules
from .choices import UNSETTLED
from .models import DealerDispute

LEADERSHIP = (Role.DIRECTOR, Role.EXECUTIVE)
READERS = (Role.SALESPERSON, Role.MANAGER, *LEADERSHIP)
ZERO = Decimal("0.00")
STOCK_LIMIT = 60  # stock lines on the dealer's page, latest first


def dealers_visible_to(user) -> QuerySet[Account]:
    """R-17.5, R-9.1: a salesperson's own and deputised dealers, the branch's for its manager,
    every dealer for the director and the executive; approved accounts of kind dealer."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Account.objects.none()
    if user.has_role(*LEADERSHIP):
        qs = Account.objects.all()
    elif user.has_role(Role.SALESPERSON, Role.MANAGER):
        qs = accounts_visible_to(user)
    else:
        return Account.objects.none()
    return qs.filter(kind=Kind.DEALER, status="approved")


def disputes_visible_to(user) -> QuerySet[DealerDispute]:
    """The disputes of the dealers the user sees."""
    return DealerDispute.objects.filter(dealer__in=dealers_visible_to(user).values("pk"))


# ---------------------------------------------------------------- figures per dealer


def money(value) -> Decimal:
    return Coalesce(value, Value(ZERO), output_field=MONEY)


def receivables_of(account_ids, as_of: datetime.date) -> dict[int, dict]:
    """R-15: each account's open receivable and the part of it past due on `as_of`
    (invoices net of red-letter ones, allocations and write-offs). One query."""
    invoices = Invoice.objects.filter(
        account__in=account_ids, red_of__isnull=True, date__lte=as_of
    ).order_by()
    overdue = Case(When(due_date__lt=as_of, then=F("open_amount")), output_field=MONEY)
    rows = (
        with_open_amount(invoices, as_of)
        .filter(open_amount__gt=0)
        .values("account")
        .annotate(open=money(Sum("open_amount")), overdue=money(Sum(overdue)))
    )
    return {row["account"]: row for row in rows}


def stock_checks_of(account_ids, start: datetime.date, end: datetime.date) -> dict[int, dict]:
    """R-9.7: per dealer, its stock checks (visit records with stock lines) between the days,
    the last one's day and the products found short. One query."""
    short = Q(dealer_stock__quantity__lte=0) | ~Q(dealer_stock__note="")
    rows = (
        VisitRecord.objects.filter(
            account__in=account_ids,
            date__gte=start,
            date__lte=end,
            dealer_stock__isnull=False,
        )
        .order_by()
        .values("account")
        .annotate(
            checks=Count("pk", distinct=True),
            last=Max("date"),
            short=Count("dealer_stock__product", filter=short, distinct=True),
        )
    )
    return {row["account"]: row for row in rows}


def last_checks_of(account_ids) -> dict[int, datetime.date]:
    """The day of each dealer's last stock check, ever. One query."""
    rows = (
        VisitRecord.objects.filter(account__in=account_ids, dealer_stock__isnull=False)
        .order_by()
        .values("account")
        .annotate(last=Max("date"))
    )
    return {row["account"]: row["last"] for row in rows}


def open_disputes_of(account_ids) -> dict[int, int]:
    rows = (
        DealerDispute.objects.filter(dealer__in=account_ids, status__in=UNSETTLED)
        .order_by()
        .values("dealer")
        .annotate(n=Count("pk"))
    )
    return {row["dealer"]: row["n"] for row in rows}


def purchases_by_account(
    office_ids, start: datetime.date, end: datetime.date, by=("account",)
) -> dict[tuple, dict]:
    """Dealers' purchases between the days: contracts signed and shipped value net of returns
    (targets.actuals), keyed by the `by` values."""
    rows = actuals(office_ids=office_ids, start=start, end=end, by=by, account_kind=Kind.DEALER)
    return {tuple(row[d] for d in by): row for row in rows}


# ---------------------------------------------------------------- the pages


def dealer_list(user, *, today: datetime.date, limit: int) -> list[dict]:
    """The dealers the user sees (by name, at most `limit`) with this year's purchases, the
    open and overdue receivable, the last stock check and the open disputes."""
    dealers = list(
        dealers_visible_to(user).select_related("office", "owner").order_by("name", "pk")[:limit]
    )
    ids = [d.pk for d in dealers]
    offices = sorted({d.office_id for d in dealers})
    bought = purchases_by_account(offices, today.replace(month=1, day=1), today) if ids else {}
    owed = receivables_of(ids, today) if ids else {}
    checks = last_checks_of(ids) if ids else {}
    disputes = open_disputes_of(ids) if ids else {}
    out = []
    for dealer in dealers:
        figures = bought.get((dealer.pk,), {})
        debt = owed.get(dealer.pk, {})
        out.append(
            {
                "dealer": dealer,
                "signed": figures.get("signed", ZERO),
                "shipped": figures.get("shipped", ZERO),
                "open": debt.get("open", ZERO),
                "overdue": debt.get("overdue", ZERO),
                "last_check": checks.get(dealer.pk),
                "open_disputes": disputes.get(dealer.pk, 0),
            }
        )
    return out


def purchases_by_month(dealer: Account, *, year: int, until: datetime.date) -> list[dict]:
    """R-17.5: the dealer's purchases by month and product of `year` up to `until`, each beside
    the same month of the year before (contracts signed, shipped value net of returns)."""
    end = until if until.year == year else datetime.date(year, 12, 31)
    start = datetime.date(year, 1, 1)
    last_start = datetime.date(year - 1, 1, 1)
    last_end = rules.same_period_last_year(Period(RANGE, start, end)).end
    by = ("product", "month")
    now_rows = actuals(
        office_ids=[dealer.office_id], start=start, end=end, by=by, account_id=dealer.pk
    )
    before_rows = actuals(
        office_ids=[dealer.office_id],
        start=last_start,
        end=last_end,
        by=by,
        account_id=dealer.pk,
    )
    table: dict[tuple, dict] = {}
    for row in now_rows:
        key = (row["month"].month, row["product"])
        table.setdefault(key, _blank(row))
        table[key]["signed"], table[key]["shipped"] = row["signed"], row["shipped"]
    for row in before_rows:
        key = (row["month"].month, row["product"])
        table.setdefault(key, _blank(row))
        table[key]["signed_last"] = row["signed"]
        table[key]["shipped_last"] = row["shipped"]
    rows = []
    for (month, _product), row in sorted(table.items(), key=lambda kv: (kv[0][0], kv[1]["name"])):
        row["month"] = datetime.date(year, month, 1)
        row["change"] = rules.change(row["signed"], row["signed_last"])
        rows.append(row)
    return rows


def _blank(row: dict) -> dict:
    return {
        "product": row["product"],
        "name": row["product_name"],
        "signed": ZERO,
        "shipped": ZERO,
        "signed_last": ZERO,
        "shipped_last": ZERO,
    }


def totals_of(rows: list[dict]) -> dict:
    keys = ("signed", "shipped", "signed_last", "shipped_last")
    totals = {k: sum((r[k] for r in rows), ZERO) for k in keys}
    totals["change"] = rules.change(totals["signed"], totals["signed_last"])
    return totals


def stock_lines(dealer: Account, *, limit: int = STOCK_LIMIT) -> list[DealerStock]:
    """R-9.7: the dealer's stock per product from its visit records, latest check first."""
    lines = list(
        DealerStock.objects.filter(record__account=dealer)
        .select_related("record", "record__salesperson", "product")
        .order_by("-record__date", "-record_id", "product__code", "pk")[:limit]
    )
    for line in lines:
        line.is_short = rules.is_short(line.quantity, line.note)
    return lines


def receivable_of(dealer: Account, as_of: datetime.date) -> dict:
    found = receivables_of([dealer.pk], as_of).get(dealer.pk, {})
    return {"open": found.get("open", ZERO), "overdue": found.get("overdue", ZERO)}


def disputes_of(dealer: Account) -> list[DealerDispute]:
    return list(
        DealerDispute.objects.filter(dealer=dealer)
        .select_related(
            "other_dealer", "recorded_by", "escalated_by", "settled_by", "office", "dealer__office"
        )
        .order_by("-recorded_at", "-pk")
    )
