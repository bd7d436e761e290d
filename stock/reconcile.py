"""The stock invariants (R-10.3), for `manage.py reconcile`: every balance equals the sum of its
ledger lines, and neither a balance nor any line's balance after it is below zero (the CHECKs
hold both; a constraint dropped or a row written around them is reported here). That each
outbound order's moves are its shipments is shipping.reconcile's."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, Exists, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from .models import StockBalance, StockMove

QTY = DecimalField(max_digits=14, decimal_places=3)


@dataclass(frozen=True)
class Mismatch:
    kind: str
    ref: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind} {self.ref}: {self.detail}"


def stock_mismatches(offices=None) -> list[Mismatch]:
    """Each (warehouse, product) whose balance ≠ SUM(moves), a ledger without a balance row
    included: two GROUP BY queries."""
    scope = Q() if offices is None else Q(warehouse__office__in=offices)
    moved = (
        StockMove.objects.filter(warehouse=OuterRef("warehouse"), product=OuterRef("product"))
        .values("warehouse", "product")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    zero = Value(Decimal("0"), output_field=QTY)
    rows = (
        StockBalance.objects.filter(scope)
        .annotate(moved=Coalesce(Subquery(moved, output_field=QTY), zero))
        .exclude(on_hand=Coalesce(Subquery(moved, output_field=QTY), zero))
        .order_by("warehouse_id", "product_id")
        .values_list("warehouse__code", "product__code", "on_hand", "moved")
    )
    found = [
        Mismatch("stock", f"{w}/{p}", f"on hand {on_hand} ≠ moves {moved}")
        for w, p, on_hand, moved in rows
    ]
    balance = StockBalance.objects.filter(
        warehouse=OuterRef("warehouse"), product=OuterRef("product")
    )
    orphans = (
        StockMove.objects.filter(scope)
        .filter(~Exists(balance))
        .values("warehouse__code", "product__code")
        .annotate(total=Sum("quantity"))
        .order_by("warehouse__code", "product__code")
    )
    found += [
        Mismatch(
            "stock",
            f"{r['warehouse__code']}/{r['product__code']}",
            f"moves {r['total']} without a balance",
        )
        for r in orphans
    ]
    return found + negative_mismatches(offices)


def negative_mismatches(offices=None) -> list[Mismatch]:
    """Each balance below zero, and each ledger line whose balance after it is."""
    scope = Q() if offices is None else Q(warehouse__office__in=offices)
    found = [
        Mismatch("stock", f"{w}/{p}", f"on hand {on_hand} is negative")
        for w, p, on_hand in StockBalance.objects.filter(scope, on_hand__lt=0)
        .order_by("warehouse_id", "product_id")
        .values_list("warehouse__code", "product__code", "on_hand")
    ]
    found += [
        Mismatch("stock", f"{w}/{p}", f"move {pk} leaves {after} on hand, below zero")
        for pk, w, p, after in StockMove.objects.filter(scope, balance_after__lt=0)
        .order_by("pk")
        .values_list("pk", "warehouse__code", "product__code", "balance_after")
    ]
    return found
