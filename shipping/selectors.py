"""Reads of shipping and returns (R-13): who sees which document, the warehouse keeper's queue,
the backorders, the late first orders and the unconfirmed shipments. Every list goes through
one of the *_visible_to functions."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    DecimalField,
    Exists,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from approvals.models import Approval
from approvals.rules import add_working_days
from approvals.selectors import office_calendar
from contracts.choices import ContractStatus
from contracts.models import SalesContract
from contracts.selectors import contracts_visible_to
from staff.choices import Role
from staff.permissions import office_ids_of
from stock.models import StockBalance

from .choices import FIRST_ORDER_WORKING_DAYS, UNCONFIRMED_AFTER_DAYS, OrderStatus
from .models import (
    ConfirmationLine,
    DemandRequest,
    FirstOrderDelay,
    OutboundLine,
    OutboundOrder,
    ReturnRequest,
    Shipment,
)


def _active(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_active


def requests_visible_to(user) -> QuerySet[DemandRequest]:
    """The demand requests of the contracts the user sees (contracts_visible_to)."""
    if not _active(user):
        return DemandRequest.objects.none()
    return DemandRequest.objects.filter(contract__in=contracts_visible_to(user).values("pk"))


def orders_visible_to(user) -> QuerySet[OutboundOrder]:
    """The outbound orders of the contracts the user sees, and for a warehouse keeper every
    order of their branches (which has quantities, never prices)."""
    if not _active(user):
        return OutboundOrder.objects.none()
    scope = Q(contract__in=contracts_visible_to(user).values("pk"))
    if user.has_role(Role.WAREHOUSE):
        scope |= Q(office_id__in=office_ids_of(user))
    return OutboundOrder.objects.filter(scope)


def returns_visible_to(user) -> QuerySet[ReturnRequest]:
    """The returns of the contracts the user sees; a technician only the returns routed to
    them: waiting for an inspection in their branch, or inspected by them."""
    if not _active(user):
        return ReturnRequest.objects.none()
    scope = Q(contract__in=contracts_visible_to(user).values("pk"))
    if user.has_role(Role.TECHNICIAN):
        waiting = Approval.objects.filter(
            document_type="return",
            document_id=OuterRef("pk"),
            role=Role.TECHNICIAN,
            state="pending",
            void=False,
        )
        scope |= Q(inspected_by=user) | (Q(office_id__in=office_ids_of(user)) & Q(Exists(waiting)))
    return ReturnRequest.objects.filter(scope)


def contract_for_shipping(user, pk: int) -> SalesContract | None:
    return contracts_visible_to(user).select_related("office", "account").filter(pk=pk).first()


# ---------------------------------------------------------------- the warehouse's queue


def with_lines(qs: QuerySet[OutboundOrder]) -> QuerySet[OutboundOrder]:
    return qs.select_related(
        "contract__account", "warehouse", "office", "demand_request", "return_request"
    ).prefetch_related(
        Prefetch("lines", OutboundLine.objects.select_related("product").order_by("pk"))
    )


def queue(user, office) -> list[OutboundOrder]:
    """R-13.2, R-13.3: the open orders of the branch's warehouses, oldest first: what to pick
    (or receive back, on a red order), from which warehouse, for whom; each line with the
    stock on hand in its warehouse."""
    orders = list(
        with_lines(
            orders_visible_to(user).filter(
                office=office, status__in=[OrderStatus.OPEN, OrderStatus.PARTIAL]
            )
        ).order_by("issued_at", "pk")
    )
    _attach_stock(orders)
    return orders


def _attach_stock(orders: list[OutboundOrder]) -> None:
    keys = {(o.warehouse_id, line.product_id) for o in orders for line in o.lines.all()}
    on_hand: dict[tuple[int, int], Decimal] = {}
    if keys:
        warehouses = {w for w, _p in keys}
        products = {p for _w, p in keys}
        for b in StockBalance.objects.filter(
            warehouse_id__in=warehouses, product_id__in=products
        ).values("warehouse_id", "product_id", "on_hand"):
            on_hand[(b["warehouse_id"], b["product_id"])] = b["on_hand"]
    for order in orders:
        for line in order.lines.all():
            line.on_hand = on_hand.get((order.warehouse_id, line.product_id), Decimal("0"))
            line.short = not order.red and line.remaining > line.on_hand


def backorders(user, office) -> list[OutboundOrder]:
    """R-13.3: the ordinary orders shipped in part, with what remains and the stock on hand."""
    orders = list(
        with_lines(
            orders_visible_to(user).filter(office=office, red=False, status=OrderStatus.PARTIAL)
        ).order_by("issued_at", "pk")
    )
    _attach_stock(orders)
    return orders


# ---------------------------------------------------------------- late first orders


@dataclass
class LateContract:
    contract: SalesContract
    due: datetime.date
    first_order_at: datetime.datetime | None
    delay: FirstOrderDelay | None

    @property
    def waiting(self) -> bool:
        return self.first_order_at is None


LATE_LOOKBACK_DAYS = 90


def late_first_orders(user, office, *, now: datetime.datetime) -> list[LateContract]:
    """R-13.2: the branch's contracts signed in the last 90 days whose first outbound order
    was not issued within one working day of signing (office calendar): still waiting, or
    issued late; with the reason given."""
    tz = office.tzinfo
    today = timezone.localtime(now, tz).date()
    since = now - datetime.timedelta(days=LATE_LOOKBACK_DAYS)
    contracts = list(
        contracts_visible_to(user)
        .filter(
            office=office,
            signed_at__gte=since,
            status__in=[ContractStatus.SIGNED, ContractStatus.FULFILLED, ContractStatus.CLOSED],
        )
        .exclude(number="")
        .annotate(
            first_order_at=Min("outbound_orders__issued_at", filter=Q(outbound_orders__red=False))
        )
        .select_related("account", "owner", "first_order_delay__recorded_by")
        .order_by("signed_at", "pk")
    )
    if not contracts:
        return []
    start = min(timezone.localtime(c.signed_at, tz).date() for c in contracts)
    off, on = office_calendar(office, start, today + datetime.timedelta(days=31))
    rows = []
    for contract in contracts:
        signed_on = timezone.localtime(contract.signed_at, tz).date()
        due = add_working_days(signed_on, FIRST_ORDER_WORKING_DAYS, off=off, on=on)
        first = contract.first_order_at
        late = (today > due) if first is None else timezone.localtime(first, tz).date() > due
        if late:
            delay = getattr(contract, "first_order_delay", None)
            rows.append(LateContract(contract, due, first, delay))
    return rows


# ---------------------------------------------------------------- unconfirmed


@dataclass
class Unconfirmed:
    order: OutboundOrder
    shipped: Decimal
    confirmed: Decimal
    oldest: datetime.datetime  # the oldest shipment not covered by confirmations


def unconfirmed(user, office, *, now: datetime.datetime) -> list[Unconfirmed]:
    """R-13.4: ordinary orders with a shipment more than 7 days old that the customer's
    confirmations do not cover yet (confirmations cover shipments oldest first)."""
    cutoff = now - datetime.timedelta(days=UNCONFIRMED_AFTER_DAYS)
    confirmed_sum = (
        ConfirmationLine.objects.filter(order_line__order=OuterRef("pk"))
        .order_by()
        .values("order_line__order")
        .annotate(t=Sum("quantity"))
        .values("t")
    )
    q = DecimalField(max_digits=14, decimal_places=3)
    orders = list(
        orders_visible_to(user)
        .filter(office=office, red=False, shipments__shipped_at__lt=cutoff)
        .distinct()
        .annotate(
            shipped_total=Coalesce(
                Subquery(
                    OutboundLine.objects.filter(order=OuterRef("pk"))
                    .order_by()
                    .values("order")
                    .annotate(t=Sum("shipped"))
                    .values("t"),
                    output_field=q,
                ),
                Value(Decimal("0")),
                output_field=q,
            ),
            confirmed_total=Coalesce(
                Subquery(confirmed_sum, output_field=q), Value(Decimal("0")), output_field=q
            ),
        )
        .select_related("contract__account", "warehouse")
        .order_by("issued_at", "pk")
    )
    orders = [o for o in orders if o.confirmed_total < o.shipped_total]
    if not orders:
        return []
    shipments: dict[int, list[tuple[datetime.datetime, Decimal]]] = {}
    for row in (
        Shipment.objects.filter(order__in=orders)
        .annotate(total=Sum("lines__quantity"))
        .values("order_id", "shipped_at", "total")
        .order_by("shipped_at", "pk")
    ):
        shipments.setdefault(row["order_id"], []).append((row["shipped_at"], row["total"]))
    rows = []
    for order in orders:
        covered = order.confirmed_total
        for at, total in shipments.get(order.pk, []):
            if covered >= total:
                covered -= total
                continue
            if at < cutoff:
                rows.append(Unconfirmed(order, order.shipped_total, order.confirmed_total, at))
            break
    return rows


def order_figures(order: OutboundOrder) -> list[OutboundLine]:
    """The order's lines, each with `confirmed` (the customer's confirmations)."""
    lines = list(order.lines.select_related("product").order_by("pk"))
    confirmed = dict(
        ConfirmationLine.objects.filter(order_line__order=order)
        .values("order_line")
        .annotate(t=Sum("quantity"))
        .values_list("order_line", "t")
    )
    for line in lines:
        line.confirmed = confirmed.get(line.pk, Decimal("0"))
    return lines
