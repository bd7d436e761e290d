"""The department's actual sales (R-17.2), the figures every target, report and dashboard of
the second part compares: contracts signed, shipped value net of returns, invoiced net of
red-letter invoices, and collected net of reversals — grouped by any of branch, region,
salesperson, month, account and product, each measure one GROUP BY in PostgreSQL.

- signed: the lines of contracts signed in the period (a contract that has been signed: signed,
  fulfilled, closed or cancelled after signing), each net of its cancelled quantity at its price;
- shipped: goods shipped in the period at their contract line's price, less goods received back
  on red outbound orders in the period (R-13.5);
- invoiced: invoices dated in the period, less red-letter invoices dated in it (R-14.3); by
  product, an invoice's request lines, a red one's share of its original's lines;
- collected: receipts dated in the period, less reversals (R-15.3); not by product (money is
  received per account, not per product: None).

The salesperson is the contract's owner (signed, shipped, invoiced) and the account's owner
(collected, as the receivables reports count it); the region is the branch's (Office.region);
months and days are the department's local dates (settings.TIME_ZONE).
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, QuerySet, Sum, Value
from django.db.models.functions import NullIf, TruncMonth
from django.utils import timezone

from catalog.models import Product
from contracts.choices import ContractStatus
from contracts.models import ContractLine
from receivables.models import Invoice, InvoiceRequestLine, Receipt
from shipping.models import ShipmentLine
from staff.models import Office, User

MEASURES = ("signed", "shipped", "invoiced", "collected")
DIMENSIONS = ("office", "region", "salesperson", "month", "account", "product")
CENTS = Decimal("0.01")
ZERO = Decimal("0.00")
SIGNED_STATUSES = (
    ContractStatus.SIGNED,
    ContractStatus.FULFILLED,
    ContractStatus.CLOSED,
    ContractStatus.CANCELLED,
)
_MONEY = DecimalField(max_digits=24, decimal_places=6)


def _bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, ...]:
    tz = timezone.get_default_timezone()
    first = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    after = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    return first, after


def _month(path: str, is_datetime: bool):
    if is_datetime:
        return TruncMonth(path, tzinfo=timezone.get_default_timezone())
    return TruncMonth(path)


class _Source:
    """Where one measure's rows are and how each dimension is reached from them."""

    def __init__(
        self,
        qs: QuerySet,
        amount,
        paths: dict[str, str],
        date: str,
        is_datetime: bool,
        conds: dict | None = None,
    ):
        self.qs, self.amount, self.paths = qs, amount, paths
        self.date, self.is_datetime = date, is_datetime
        self.conds = conds or {}

    def totals(self, by, start, end, office_ids, salesperson_id, account_kind, account_id):
        # one filter() call: a path through a many-valued relation (a red invoice of an
        # invoice) must be one join for every condition, not one join per condition
        conds = {**self.conds, f"{self.paths['office']}__in": office_ids}
        if self.is_datetime:
            first, after = _bounds(start, end)
            conds |= {f"{self.date}__gte": first, f"{self.date}__lt": after}
        else:
            conds |= {f"{self.date}__gte": start, f"{self.date}__lte": end}
        if salesperson_id is not None:
            conds[self.paths["salesperson"]] = salesperson_id
        if account_kind is not None:
            conds[f"{self.paths['account']}__kind"] = account_kind
        if account_id is not None:
            conds[self.paths["account"]] = account_id
        qs = self.qs.filter(**conds)
        keys = {
            f"k_{d}": _month(self.date, self.is_datetime) if d == "month" else F(self.paths[d])
            for d in by
        }
        rows = (
            qs.order_by()
            .annotate(**keys)
            .values(*keys)
            .annotate(total=Sum(ExpressionWrapper(self.amount, output_field=_MONEY)))
        )
        return {tuple(_key(row[f"k_{d}"], d) for d in by): row["total"] or ZERO for row in rows}


def _key(value, dimension: str):
    if dimension == "month" and isinstance(value, datetime.datetime):
        return timezone.localtime(value, timezone.get_default_timezone()).date()
    if dimension == "region":
        return value or ""
    return value


def _signed() -> list[_Source]:
    line = ContractLine.objects.filter(
        contract__status__in=SIGNED_STATUSES, contract__signed_at__isnull=False
    )
    amount = F("amount") - F("cancelled_quantity") * F("unit_price")
    paths = {
        "office": "contract__office",
        "region": "contract__office__region",
        "salesperson": "contract__owner",
        "account": "contract__account",
        "product": "product",
    }
    return [_Source(line, amount, paths, "contract__signed_at", True)]


def _shipped() -> list[_Source]:
    order = "shipment__order__"
    paths = {
        "office": f"{order}office",
        "region": f"{order}office__region",
        "salesperson": f"{order}contract__owner",
        "account": f"{order}contract__account",
        "product": "order_line__product",
    }
    value = F("quantity") * F("order_line__contract_line__unit_price")
    out = ShipmentLine.objects.filter(**{f"{order}red": False})
    back = ShipmentLine.objects.filter(**{f"{order}red": True})
    date = "shipment__shipped_at"
    return [_Source(out, value, paths, date, True), _Source(back, -value, paths, date, True)]


def _invoiced(by_product: bool) -> list[_Source]:
    paths = {
        "office": "office",
        "region": "office__region",
        "salesperson": "contract__owner",
        "account": "account",
        "product": "product",
    }
    if not by_product:
        blue = Invoice.objects.filter(red_of__isnull=True)
        red = Invoice.objects.filter(red_of__isnull=False)
        return [
            _Source(blue, F("amount"), paths, "date", False),
            _Source(red, -F("amount"), paths, "date", False),
        ]
    # by product: an invoice asked for by lines counts its request's lines; one asked for by
    # amount, and a red-letter invoice, is shared over its contract's lines in proportion to
    # their amounts
    inv = "request__invoice__"
    line_paths = {k: f"{inv}{v}" for k, v in paths.items() if k != "product"}
    line_paths["product"] = "product"
    by_lines = _Source(
        InvoiceRequestLine.objects.all(), F("amount"), line_paths, f"{inv}date", False
    )
    shared = "contract__invoices__"
    shared_paths = {k: f"{shared}{v}" for k, v in paths.items() if k != "product"}
    shared_paths |= {"product": "product", "salesperson": "contract__owner"}
    share = F(f"{shared}amount") * F("amount") / NullIf(F("contract__total"), Value(ZERO))
    lines = ContractLine.objects.all()
    blue = {f"{shared}red_of__isnull": True, f"{shared}request__lines__isnull": True}
    red = {f"{shared}red_of__isnull": False}
    return [
        by_lines,
        _Source(lines, share, shared_paths, f"{shared}date", False, blue),
        _Source(lines, -share, shared_paths, f"{shared}date", False, red),
    ]


def _collected() -> list[_Source]:
    paths = {
        "office": "office",
        "region": "office__region",
        "salesperson": "account__owner",
        "account": "account",
    }
    got = Receipt.objects.filter(reversal_of__isnull=True)
    back = Receipt.objects.filter(reversal_of__isnull=False)
    return [
        _Source(got, F("amount"), paths, "date", False),
        _Source(back, -F("amount"), paths, "date", False),
    ]


def actuals(
    *,
    office_ids: Iterable[int],
    start: datetime.date,
    end: datetime.date,
    by: tuple[str, ...],
    salesperson_id: int | None = None,
    account_kind: str | None = None,
    account_id: int | None = None,
) -> list[dict]:
    """One dict per group of `by` with the four measures (see the module's docstring), the
    groups ordered by their keys; names for office, salesperson, account and product."""
    unknown = set(by) - set(DIMENSIONS)
    if unknown:
        raise ValueError(f"unknown dimensions {sorted(unknown)}")
    office_ids = list(office_ids)
    by_product = "product" in by
    sources = {
        "signed": _signed(),
        "shipped": _shipped(),
        "invoiced": _invoiced(by_product),
        "collected": None if by_product else _collected(),
    }
    args = (by, start, end, office_ids, salesperson_id, account_kind, account_id)
    figures: dict[tuple, dict] = {}
    for measure, parts in sources.items():
        if parts is None:
            continue
        for part in parts:
            for key, total in part.totals(*args).items():
                row = figures.setdefault(key, {})
                row[measure] = row.get(measure, ZERO) + total
    rows = []
    for key in sorted(figures, key=_sort_key):
        found = figures[key]
        row = dict(zip(by, key, strict=True))
        for measure in MEASURES:
            if measure == "collected" and by_product:
                row[measure] = None
            else:
                row[measure] = Decimal(found.get(measure, ZERO)).quantize(CENTS)
        rows.append(row)
    _name(rows, by)
    return rows


def _sort_key(key: tuple) -> tuple:
    return tuple((v is None, str(v) if not isinstance(v, int) else f"{v:012d}") for v in key)


def _name(rows: list[dict], by: tuple[str, ...]) -> None:
    """The names of the grouped offices, people, accounts and products: one query each."""
    from accounts.models import Account

    models = {"office": Office, "salesperson": User, "account": Account, "product": Product}
    for dimension, model in models.items():
        if dimension not in by:
            continue
        ids = {row[dimension] for row in rows if row[dimension] is not None}
        names = {obj.pk: str(obj) for obj in model.objects.filter(pk__in=ids)} if ids else {}
        for row in rows:
            row[f"{dimension}_name"] = names.get(row[dimension], "")


def total_of(rows: list[dict], measure: str) -> Decimal:
    return sum((row[measure] or ZERO for row in rows), ZERO)
