"""Reads of warehouses and stock: every list restricted to the user's offices (R-10.3)."""

from django.db.models import QuerySet

from staff.models import Office
from staff.permissions import may, office_ids_of, restrict_to_offices

from .models import StockBalance, StockMove, Warehouse


def stock_offices(user, action: str = "stock.view") -> list[Office]:
    offices = Office.objects.filter(pk__in=office_ids_of(user)).order_by("name")
    return [o for o in offices if may(user, action, o)]


def warehouses_visible_to(user, action: str = "stock.view") -> QuerySet[Warehouse]:
    """The warehouses of the offices where the user may `action`."""
    allowed = [o.pk for o in stock_offices(user, action)]
    return restrict_to_offices(Warehouse.objects.all(), user).filter(office_id__in=allowed)


def balances_visible_to(user) -> QuerySet[StockBalance]:
    return StockBalance.objects.filter(warehouse__in=warehouses_visible_to(user)).select_related(
        "warehouse", "product"
    )


def ledger(warehouse: Warehouse, product) -> QuerySet[StockMove]:
    return (
        StockMove.objects.filter(warehouse=warehouse, product=product)
        .select_related("actor")
        .order_by("-at", "-pk")
    )


def recent_moves(warehouse: Warehouse) -> QuerySet[StockMove]:
    """R-10.3: the warehouse's ledger, newest first: what moved, how many, why, who, when."""
    return (
        StockMove.objects.filter(warehouse=warehouse)
        .select_related("product", "actor")
        .order_by("-at", "-pk")
    )
