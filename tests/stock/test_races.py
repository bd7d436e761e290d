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


def _replay_is_consistent(store, product) -> None:
    """Read in the order the moves took the balance's lock (their ids), each line's balance
    after is the one before plus its quantity, never below zero (R-10.3)."""
    running = Decimal(0)
    for quantity, after in (
        StockMove.objects.filter(warehouse=store, product=product)
        .order_by("pk")
        .values_list("quantity", "balance_after")
    ):
        running += quantity
        assert after == running >= 0


def test_receipts_racing_outbounds_never_go_below_zero():
    """R-10.3: an empty warehouse; ten receipts of one unit and ten outbounds of one unit, all
    released at once. Every receipt lands; each outbound finds a unit received before it or is
    refused with insufficient_stock; the balance is received − shipped, the ledger's sum."""
    from stock.services import stock_receive

    office = OfficeFactory()
    keeper = UserFactory(roles=[Role.WAREHOUSE], offices=[office])
    product = product_create(
        actor=keeper, now=NOW, code="DJ-3", name="阀门", unit="个",
        list_price=Decimal("1.00"), floor_price=Decimal("1.00"), cost=Decimal("1.00"),
    )  # fmt: skip
    store = Warehouse.objects.create(office=office, code="WH-A", name="一号仓库")
    receive = lambda: stock_receive(  # noqa: E731
        warehouse=store, product=product, quantity=Decimal("1"), supplier="华东阀门厂",
        actor=keeper, now=NOW,
    )  # fmt: skip
    ship = lambda: stock_move(  # noqa: E731
        warehouse=store, product=product, quantity=Decimal("-1"), kind=MoveKind.OUTBOUND,
        reason="", actor=keeper, now=NOW,
    )  # fmt: skip
    outcomes = run_together([receive, ship] * 10)
    receipts, outbounds = outcomes[0::2], outcomes[1::2]
    assert [o.error for o in receipts] == [None] * 10
    refused = [o.error for o in outbounds if o.error is not None]
    assert all(isinstance(e, DomainError) and e.code == "insufficient_stock" for e in refused)
    shipped = 10 - len(refused)
    balance = StockBalance.objects.get(warehouse=store, product=product)
    assert balance.on_hand == 10 - shipped >= 0
    assert StockMove.objects.aggregate(s=Sum("quantity"))["s"] == balance.on_hand
    _replay_is_consistent(store, product)


def test_a_receipt_racing_an_outbound_for_the_goods_it_brings():
    """Either the receipt comes first and the outbound ships the two units, or the outbound
    comes first and is refused: never a shipment out of an empty warehouse."""
    from stock.services import stock_receive

    office = OfficeFactory()
    keeper = UserFactory(roles=[Role.WAREHOUSE], offices=[office])
    product = product_create(
        actor=keeper, now=NOW, code="DJ-4", name="电缆", unit="米",
        list_price=Decimal("1.00"), floor_price=Decimal("1.00"), cost=Decimal("1.00"),
    )  # fmt: skip
    store = Warehouse.objects.create(office=office, code="WH-A", name="一号仓库")
    receipt, outbound = run_together(
        [
            lambda: stock_receive(
                warehouse=store,
                product=product,
                quantity=Decimal("2"),
                supplier="华东电缆厂",
                actor=keeper,
                now=NOW,
            ),
            lambda: stock_move(
                warehouse=store,
                product=product,
                quantity=Decimal("-2"),
                kind=MoveKind.OUTBOUND,
                reason="",
                actor=keeper,
                now=NOW,
            ),
        ]  # fmt: skip
    )
    assert receipt.error is None
    balance = StockBalance.objects.get(warehouse=store, product=product).on_hand
    if outbound.error is None:
        assert balance == 0
    else:
        assert outbound.error.code == "insufficient_stock" and balance == 2
    _replay_is_consistent(store, product)
