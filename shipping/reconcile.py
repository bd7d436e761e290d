"""The quantity invariants of shipping checked for every contract line, outbound order line and
outbound order at once (R-10.3, R-13.1–R-13.5): a handful of GROUP BY queries whatever the
number of rows; `manage.py reconcile` prints each mismatch in words.

- per contract line (the figures of shipping.progress): requested − exchanged ≤ ordered
  (R-13.1: an approved exchange may be requested again), shipped ≤ requested (R-13.3), what is
  being returned ≤ shipped (R-13.5), received back ≤ shipped, confirmed ≤ shipped (R-13.4);
- per outbound order line: what it says has shipped (received back, on a red order) = Σ its
  shipment lines, the shipments being the append-only record of what left the warehouse;
- per outbound order: the stock ledger's moves naming it, per warehouse, product and kind,
  are exactly its shipments — out of its own warehouse as `outbound` (negative) for an
  ordinary order, into it as `red_outbound` (positive) for a red one (R-10.3: stock moves only
  through documents).

The stock ledger itself (on hand = Σ moves, never negative) is stock.reconcile's.
"""

from collections import defaultdict
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Q, Sum

from catalog.models import Product
from contracts.models import ContractLine
from stock.choices import MoveKind
from stock.models import StockMove, Warehouse
from stock.reconcile import Mismatch

from .models import OutboundLine, OutboundOrder, ShipmentLine
from .progress import with_progress

ZERO = Decimal("0.000")
QTY = DecimalField(max_digits=14, decimal_places=3)


def _scope(offices, field: str = "office") -> Q:
    return Q() if offices is None else Q(**{f"{field}__in": offices})


def _qty(value: Decimal) -> str:
    return f"{value.normalize():f}"


# ---------------------------------------------------------------- contract lines

# (the figure, the one it may not exceed, what a mismatch says): shipping.progress's figures,
# with ordered = quantity − cancelled and requested net of approved exchanges
LINE_BOUNDS = (
    ("net_requested", "ordered", "requested {requested} − exchanged {exchanged} is over ordered"),
    ("shipped", "requested", "shipped {shipped} is over requested {requested}"),
    ("returning", "shipped", "being returned {returning} is over shipped {shipped}"),
    ("received_back", "shipped", "received back {received_back} is over shipped {shipped}"),
    ("confirmed", "shipped", "confirmed {confirmed} is over shipped {shipped}"),
)
FIGURES = ("requested", "exchanged", "shipped", "returning", "received_back", "confirmed")


def line_mismatches(offices=None) -> list[Mismatch]:
    """Every contract line whose documents go beyond what it allows (the module's docstring):
    one query, each figure a subquery summed in PostgreSQL."""
    broken = Q(pk__in=[])
    for more, less, _detail in LINE_BOUNDS:
        broken |= Q(**{f"{more}__gt": F(less)})
    rows = (
        with_progress(ContractLine.objects.filter(_scope(offices, "contract__office")))
        .annotate(
            ordered=ExpressionWrapper(F("quantity") - F("cancelled_quantity"), output_field=QTY),
            net_requested=ExpressionWrapper(F("requested") - F("exchanged"), output_field=QTY),
        )
        .filter(broken)
        .select_related("contract", "product")
        .order_by("pk")
    )
    found = []
    for row in rows:
        figures = {name: _qty(getattr(row, name)) for name in FIGURES}
        found += [
            Mismatch(
                "contract line",
                str(row.pk),
                f"{row.contract.number} {row.product.code}: "
                + detail.format(**figures)
                + (f" {_qty(row.ordered)}" if less == "ordered" else ""),
            )
            for more, less, detail in LINE_BOUNDS
            if getattr(row, more) > getattr(row, less)
        ]
    return found


# ---------------------------------------------------------------- outbound lines


def order_line_mismatches(offices=None) -> list[Mismatch]:
    """Every outbound order line whose `shipped` is not the sum of its shipment lines."""
    rows = (
        OutboundLine.objects.filter(_scope(offices, "order__office"))
        .annotate(recorded=Sum("shipment_lines__quantity", default=ZERO))
        .exclude(shipped=F("recorded"))
        .select_related("order", "product")
        .order_by("pk")
    )
    return [
        Mismatch(
            "order line",
            str(row.pk),
            f"{row.order.number} {row.product.code}: "
            f"{'received back' if row.order.red else 'shipped'} {_qty(row.shipped)} ≠ its "
            f"shipments {_qty(row.recorded)}",
        )
        for row in rows
    ]


# ---------------------------------------------------------------- the stock ledger


def stock_document_mismatches(offices=None) -> list[Mismatch]:
    """Per outbound order: the stock moves naming it, per (warehouse, product, kind), against
    what its shipments moved (two GROUP BY queries, compared key by key)."""
    moved: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    for row in (
        StockMove.objects.filter(
            _scope(offices, "warehouse__office"),
            document_type=OutboundOrder._meta.label_lower,
        )
        .order_by()
        .values("document_id", "warehouse", "product", "kind")
        .annotate(total=Sum("quantity"))
    ):
        key = (row["document_id"], row["warehouse"], row["product"], row["kind"])
        moved[key] += row["total"]
    shipped: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    for row in (
        ShipmentLine.objects.filter(_scope(offices, "shipment__order__office"))
        .order_by()
        .values(
            "shipment__order",
            "shipment__order__warehouse",
            "order_line__product",
            "shipment__order__red",
        )
        .annotate(total=Sum("quantity"))
    ):
        red = row["shipment__order__red"]
        key = (
            row["shipment__order"],
            row["shipment__order__warehouse"],
            row["order_line__product"],
            MoveKind.RED_OUTBOUND if red else MoveKind.OUTBOUND,
        )
        shipped[key] += row["total"] if red else -row["total"]
    keys = sorted(k for k in set(moved) | set(shipped) if moved[k] != shipped[k])
    if not keys:
        return []
    orders = dict(
        OutboundOrder.objects.filter(pk__in={k[0] for k in keys}).values_list("pk", "number")
    )
    warehouses = dict(
        Warehouse.objects.filter(pk__in={k[1] for k in keys}).values_list("pk", "code")
    )
    products = dict(Product.objects.filter(pk__in={k[2] for k in keys}).values_list("pk", "code"))
    found = []
    for key in keys:
        order, warehouse, product, kind = key
        found.append(
            Mismatch(
                "outbound order",
                str(order),
                f"{orders.get(order, order)}: the stock ledger moves {_qty(moved[key])} of "
                f"{products.get(product, product)} in {warehouses.get(warehouse, warehouse)} "
                f"as {kind}, its shipments {_qty(shipped[key])}",
            )
        )
    return found


def mismatches(offices=None) -> list[Mismatch]:
    return (
        line_mismatches(offices)
        + order_line_mismatches(offices)
        + stock_document_mismatches(offices)
    )
