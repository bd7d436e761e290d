"""Stock moves (R-10.3): one service locks the balances, refuses a negative result, writes the
ledger lines. Every document that moves stock (outbound, red outbound, receipt, adjustment,
opening stock) calls `stock_moves`."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from catalog.models import Product
from common.errors import DomainError
from staff.choices import Role

from .choices import MoveKind
from .models import StockBalance, StockMove, Warehouse

MILLI = Decimal("0.001")


@dataclass(frozen=True)
class Line:
    warehouse: Warehouse
    product: Product
    quantity: Decimal  # signed


def _check_quantity(quantity: Decimal) -> None:
    if not quantity.is_finite() or abs(quantity) >= Decimal("1e11"):
        raise ValidationError({"quantity": [_("The quantity is too large.")]})
    if quantity != quantity.quantize(MILLI):
        raise ValidationError({"quantity": [_("At most three decimal places.")]})
    if quantity == 0:
        raise ValidationError({"quantity": [_("The quantity cannot be zero.")]})


@transaction.atomic
def stock_moves(
    *,
    lines: list[Line],
    kind: str,
    reason: str,
    actor,
    now: datetime.datetime,
    document=None,
) -> list[StockMove]:
    """Move stock for several lines at once, all or none. The balance rows are created if
    missing (ON CONFLICT DO NOTHING: two first moves of a product race safely), then locked in
    (warehouse, product) order so that two documents never deadlock; a result below zero is
    refused with `insufficient_stock` (409). The CHECK on on_hand is the last guarantee."""
    for line in lines:
        _check_quantity(line.quantity)
    keys = sorted({(ln.warehouse.pk, ln.product.pk) for ln in lines})
    StockBalance.objects.bulk_create(
        [StockBalance(warehouse_id=w, product_id=p, on_hand=0) for w, p in keys],
        ignore_conflicts=True,
    )
    match = Q(pk__in=[])
    for w, p in keys:
        match |= Q(warehouse_id=w, product_id=p)
    balances = {
        (b.warehouse_id, b.product_id): b
        for b in StockBalance.objects.select_for_update()
        .filter(match)
        .order_by("warehouse_id", "product_id")
    }
    document_type = document._meta.label_lower if document is not None else ""
    document_id = document.pk if document is not None else None
    moves = []
    for line in lines:
        balance = balances[(line.warehouse.pk, line.product.pk)]
        after = balance.on_hand + line.quantity
        if after < 0:
            raise DomainError(
                _("Not enough stock: %(product)s has %(on_hand)s in %(warehouse)s.")
                % {
                    "product": line.product,
                    "on_hand": balance.on_hand,
                    "warehouse": line.warehouse,
                },
                code="insufficient_stock",
                extra={
                    "warehouse": line.warehouse.pk,
                    "product": line.product.pk,
                    "on_hand": str(balance.on_hand),
                },
            )
        balance.on_hand = after
        moves.append(
            StockMove(
                warehouse=line.warehouse,
                product=line.product,
                quantity=line.quantity,
                balance_after=after,
                kind=kind,
                document_type=document_type,
                document_id=document_id,
                reason=reason,
                actor=actor,
                at=now,
            )
        )
    StockBalance.objects.bulk_update(list(balances.values()), ["on_hand"])
    return StockMove.objects.bulk_create(moves)


def stock_move(
    *,
    warehouse: Warehouse,
    product: Product,
    quantity: Decimal,
    kind: str,
    reason: str,
    actor,
    now: datetime.datetime,
    document=None,
) -> StockMove:
    """One line of `stock_moves`."""
    (move,) = stock_moves(
        lines=[Line(warehouse, product, quantity)],
        kind=kind,
        reason=reason,
        actor=actor,
        now=now,
        document=document,
    )
    return move


def stock_adjust(
    *,
    warehouse: Warehouse,
    product: Product,
    quantity: Decimal,
    reason: str,
    actor,
    now: datetime.datetime,
) -> StockMove:
    """R-10.3: the warehouse keeper's adjustment, with its reason; a receipt of goods is a
    positive one (API.md)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for the adjustment.")]})
    _on_sale(product)
    return stock_move(
        warehouse=warehouse,
        product=product,
        quantity=quantity,
        kind=MoveKind.ADJUSTMENT,
        reason=reason,
        actor=actor,
        now=now,
    )


def _on_sale(product: Product) -> None:
    """R-10.1: a product no longer sold is not received, adjusted or opened any more (the
    documents that already have it — an outbound order — still move it)."""
    if not product.active:
        raise ValidationError({"product": [_("This product is no longer sold.")]})


def stock_receive(
    *,
    warehouse: Warehouse,
    product: Product,
    quantity: Decimal,
    supplier: str,
    reference: str = "",
    actor,
    now: datetime.datetime,
) -> StockMove:
    """R-10.3: the warehouse keeper receives goods from a supplier: a positive move of kind
    `receipt`, its reason naming the supplier and the delivery note, so that the ledger
    says where the goods came from."""
    supplier, reference = (supplier or "").strip(), (reference or "").strip()
    if not supplier:
        raise ValidationError({"supplier": [_("Name the supplier.")]})
    if quantity.is_finite() and quantity <= 0:
        raise ValidationError({"quantity": [_("The quantity received must be above zero.")]})
    _on_sale(product)
    if reference:
        reason = gettext("Supplier: %(supplier)s, delivery note %(reference)s") % {
            "supplier": supplier,
            "reference": reference,
        }
    else:
        reason = gettext("Supplier: %(supplier)s") % {"supplier": supplier}
    return stock_move(
        warehouse=warehouse,
        product=product,
        quantity=quantity,
        kind=MoveKind.RECEIPT,
        reason=reason,
        actor=actor,
        now=now,
    )


def keeper_error(office, keeper) -> str | None:
    """R-10.3: a warehouse is kept by a warehouse keeper of its own branch."""
    if keeper is None:
        return None
    if (
        not keeper.is_active
        or not keeper.has_role(Role.WAREHOUSE)
        or not keeper.offices.filter(pk=office.pk).exists()
    ):
        return str(_("The keeper must be a warehouse keeper of this branch."))
    return None


@transaction.atomic
def warehouse_create(*, office, code: str, name: str, keeper=None) -> Warehouse:
    """R-10.3: a new warehouse of a branch, its code unique in the branch."""
    code, name = code.strip(), name.strip()
    errors = {}
    if not code:
        errors["code"] = [_("This field is required.")]
    if not name:
        errors["name"] = [_("This field is required.")]
    error = keeper_error(office, keeper)
    if error:
        errors["keeper"] = [error]
    if errors:
        raise ValidationError(errors)
    taken = ValidationError({"code": [_("This branch has a warehouse with this code already.")]})
    if Warehouse.objects.filter(office=office, code__iexact=code).exists():
        raise taken
    try:
        with transaction.atomic():
            return Warehouse.objects.create(office=office, code=code, name=name, keeper=keeper)
    except IntegrityError as exc:  # the same code created concurrently
        raise taken from exc
