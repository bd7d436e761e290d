"""Two stock moves racing for the last units (R-10.3, R-13.3), real threads on PostgreSQL:
one succeeds, the other is refused, stock never negative."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum

from catalog.services import product_create
from common.errors import DomainError
from staff.choices import Role
from staff.factories import OfficeFactory, UserFactory
from stock.choices import MoveKind
from stock.models import StockBalance, StockMove, Warehouse
from stock.services import stock_move
from tests.concurrency.harness import run_together

pytestmark = pytest.mark.django_db(transaction=True)

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize("first_move", [True, False])
def test_two_outbounds_race_for_the_last_units(first_move):
    office = OfficeFactory()
    keeper = UserFactory(roles=[Role.WAREHOUSE], offices=[office])
    product = product_create(
        actor=keeper,
        now=NOW,
        code="DJ-1",
        name="电机",
        unit="台",
        list_price=Decimal("1.00"),
        floor_price=Decimal("1.00"),
        cost=Decimal("1.00"),
    )
    store = Warehouse.objects.create(office=office, code="WH-A", name="一号仓库")
    if not first_move:  # a balance row exists already; else both threads create it
        stock_move(
            warehouse=store,
            product=product,
            quantity=Decimal("5"),
            kind=MoveKind.RECEIPT,
            reason="到货",
            actor=keeper,
            now=NOW,
        )

    def receive_then_ship(qty):
        return lambda: stock_move(
            warehouse=store,
            product=product,
            quantity=Decimal(qty),
            kind=MoveKind.OUTBOUND,
            reason="",
            actor=keeper,
            now=NOW,
        )

    if first_move:  # two receipts race to create the balance row: both succeed
        outcomes = run_together([receive_then_ship("2"), receive_then_ship("3")])
        assert [o.error for o in outcomes] == [None, None]
    outcomes = run_together([receive_then_ship("-4"), receive_then_ship("-3")])
    errors = [o.error for o in outcomes if o.error is not None]
    assert len(errors) == 1 and isinstance(errors[0], DomainError), errors
    assert errors[0].code == "insufficient_stock"
    balance = StockBalance.objects.get(warehouse=store, product=product)
    shipped = next(Decimal(q) for q, o in zip(("4", "3"), outcomes, strict=True) if not o.error)
    assert balance.on_hand == 5 - shipped >= 0
    assert StockMove.objects.aggregate(s=Sum("quantity"))["s"] == balance.on_hand


def test_two_moves_race_for_exactly_the_last_units():
    office = OfficeFactory()
    keeper = UserFactory(roles=[Role.WAREHOUSE], offices=[office])
    product = product_create(
        actor=keeper,
        now=NOW,
        code="DJ-2",
        name="水泵",
        unit="台",
        list_price=Decimal("1.00"),
        floor_price=Decimal("1.00"),
        cost=Decimal("1.00"),
    )
    store = Warehouse.objects.create(office=office, code="WH-A", name="一号仓库")
    stock_move(
        warehouse=store,
        product=product,
        quantity=Decimal("3"),
        kind=MoveKind.RECEIPT,
        reason="到货",
        actor=keeper,
        now=NOW,
    )
    ship = lambda: stock_move(  # noqa: E731
        warehouse=store,
        product=product,
        quantity=Decimal("-3"),
        kind=MoveKind.OUTBOUND,
        reason="",
        actor=keeper,
        now=NOW,
    )
    outcomes = run_together([ship, ship])
    assert sorted(type(o.error).__name__ for o in outcomes) == ["DomainError", "NoneType"]
    assert StockBalance.objects.get().on_hand == 0
    assert StockMove.objects.aggregate(s=Sum("quantity"))["s"] == 0
