"""Warehouses and stock (R-10.3): the ledger, the API, the trigger, reconcile."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import ProgrammingError, transaction

from catalog.services import product_create
from common.errors import DomainError
from stock.choices import MoveKind
from stock.models import StockBalance, StockMove, Warehouse
from stock.reconcile import stock_mismatches
from stock.services import Line, stock_move, stock_moves

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def product(manager):
    return product_create(
        actor=manager,
        now=NOW,
        code="DJ-100",
        name="电机",
        unit="台",
        list_price=Decimal("100.00"),
        floor_price=Decimal("80.00"),
        cost=Decimal("60.00"),
    )


@pytest.fixture
def store(office, warehouse):
    return Warehouse.objects.create(office=office, code="WH-A", name="一号仓库", keeper=warehouse)


def _move(store, product, qty, actor, kind=MoveKind.ADJUSTMENT):
    return stock_move(
        warehouse=store,
        product=product,
        quantity=Decimal(qty),
        kind=kind,
        reason="盘点",
        actor=actor,
        now=NOW,
    )


def test_moves_keep_the_balance_and_refuse_going_negative(store, product, warehouse):
    _move(store, product, "10", warehouse, MoveKind.RECEIPT)
    _move(store, product, "-4.5", warehouse, MoveKind.OUTBOUND)
    with pytest.raises(DomainError) as exc:
        _move(store, product, "-6", warehouse, MoveKind.OUTBOUND)
    assert exc.value.code == "insufficient_stock"
    balance = StockBalance.objects.get(warehouse=store, product=product)
    assert balance.on_hand == Decimal("5.5")
    assert [m.balance_after for m in StockMove.objects.order_by("pk")] == [10, Decimal("5.5")]
    assert stock_mismatches() == []


def test_several_lines_move_all_or_none(store, product, warehouse, manager):
    other = product_create(
        actor=manager,
        now=NOW,
        code="DJ-200",
        name="水泵",
        unit="台",
        list_price=Decimal("1.00"),
        floor_price=Decimal("1.00"),
        cost=Decimal("1.00"),
    )
    _move(store, product, "3", warehouse)
    with pytest.raises(DomainError):
        stock_moves(
            lines=[Line(store, other, Decimal("5")), Line(store, product, Decimal("-4"))],
            kind=MoveKind.OUTBOUND,
            reason="",
            actor=warehouse,
            now=NOW,
        )
    assert StockMove.objects.count() == 1
    assert StockBalance.objects.get(warehouse=store, product=product).on_hand == 3


@pytest.mark.parametrize("operation", ["update", "delete"])
def test_the_ledger_is_append_only(store, product, warehouse, operation):
    move = _move(store, product, "2", warehouse)
    rows = StockMove.objects.filter(pk=move.pk)
    with pytest.raises(ProgrammingError, match="Cannot update or delete"), transaction.atomic():
        rows.update(quantity=5) if operation == "update" else rows.delete()
    assert StockMove.objects.get(pk=move.pk).quantity == 2


def test_the_database_refuses_a_negative_balance(store, product, warehouse):
    from django.db import IntegrityError

    _move(store, product, "2", warehouse)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockBalance.objects.update(on_hand=-1)


def test_reconcile_reports_a_corrupted_balance(store, product, warehouse):
    _move(store, product, "7", warehouse)
    call_command("reconcile")  # 0 mismatches
    StockBalance.objects.update(on_hand=9)
    found = stock_mismatches()
    assert [str(m) for m in found] == ["stock WH-A/DJ-100: on hand 9.000 ≠ moves 7.000"]
    with pytest.raises(CommandError):
        call_command("reconcile")


# ---------------------------------------------------------------- the API


def _adjust(api, user, store, product, quantity="5", reason="到货入库", **extra):
    api.force_authenticate(user)
    body = {
        "warehouse": store.pk,
        "product": product.pk,
        "quantity": quantity,
        "reason": reason,
        **extra,
    }
    return api.post("/api/v1/stock/adjustments/", body, format="json")


def test_the_keeper_receives_goods_and_reads_the_stock(api, store, product, warehouse, clerk):
    r = _adjust(api, warehouse, store, product, "12.5")
    assert r.status_code == 201, r.json()
    assert r.json()["balance_after"] == "12.500" and r.json()["kind"] == "adjustment"
    api.force_authenticate(clerk)
    rows = api.get(f"/api/v1/stock/?warehouse={store.pk}&product={product.pk}").json()
    assert rows["results"] == [{"warehouse": store.pk, "product": product.pk, "on_hand": "12.500"}]


def test_writing_off_more_than_in_stock_is_409(api, store, product, warehouse):
    assert _adjust(api, warehouse, store, product, "3").status_code == 201
    r = _adjust(api, warehouse, store, product, "-4")
    assert r.status_code == 409 and r.json()["code"] == "insufficient_stock"
    assert StockMove.objects.count() == 1


@pytest.mark.parametrize(
    ("quantity", "reason"),
    [("0", "盘点"), ("1.0001", "盘点"), ("abc", "盘点"), ("5", ""), ("5", "   ")],
)
def test_bad_adjustments_are_400_and_save_nothing(api, store, product, warehouse, quantity, reason):
    r = _adjust(api, warehouse, store, product, quantity, reason)
    assert r.status_code == 400, r.json()
    assert (
        not StockMove.objects.exists() and not StockBalance.objects.filter(on_hand__gt=0).exists()
    )


def test_another_offices_warehouse_is_404(api, other_office, product, warehouse):
    theirs = Warehouse.objects.create(office=other_office, code="WH-B", name="二号仓库")
    assert _adjust(api, warehouse, theirs, product).status_code == 404
    assert api.get(f"/api/v1/stock/?warehouse={theirs.pk}").status_code == 404
    assert not StockMove.objects.exists()


def test_only_the_keeper_adjusts(api, store, product, clerk, manager, salesperson):
    for user in (clerk, manager, salesperson):
        assert _adjust(api, user, store, product).status_code == 403
    assert not StockMove.objects.exists()


def test_warehouses_api(api, office, other_office, clerk, salesperson):
    api.force_authenticate(clerk)
    r = api.post("/api/v1/warehouses/", {"office": office.pk, "code": "WH-C", "name": "三号仓库"})
    assert r.status_code == 201, r.json()
    r = api.post("/api/v1/warehouses/", {"office": office.pk, "code": "WH-C", "name": "重复"})
    assert r.status_code == 400
    r = api.post("/api/v1/warehouses/", {"office": other_office.pk, "code": "X", "name": "别人"})
    assert r.status_code == 404
    assert [w["code"] for w in api.get("/api/v1/warehouses/").json()["results"]] == ["WH-C"]
    api.force_authenticate(salesperson)
    assert api.get("/api/v1/warehouses/").status_code == 403


# ---------------------------------------------------------------- the page


def test_the_stock_page_adjusts_and_shows_the_ledger(client, store, product, warehouse, clerk):
    client.force_login(warehouse)
    r = client.post(
        "/stock/adjust/",
        {"warehouse": store.pk, "product": product.pk, "quantity": "8", "reason": "到货"},
    )
    assert r.status_code == 302
    page = client.get(f"/stock/?warehouse={store.pk}&product={product.pk}").content.decode()
    assert "到货" in page and 'id="balance-' in page
    r = client.post(
        "/stock/adjust/",
        {"warehouse": store.pk, "product": product.pk, "quantity": "-9", "reason": "报损"},
    )
    assert r.status_code == 422 and StockMove.objects.count() == 1
    client.force_login(clerk)
    assert 'action="/stock/adjust/"' not in client.get("/stock/").content.decode()
    assert client.post("/stock/adjust/", {"warehouse": store.pk}).status_code == 403
