"""The stock page and the new warehouse page (R-10.3): the warehouse keeper receives goods from
a supplier (a `receipt` move naming the supplier and the delivery note), adjusts with a reason,
and reads the warehouse's recent moves — who, when, why; a new warehouse with its keeper."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from catalog.services import product_create
from staff.choices import Role
from staff.factories import UserFactory
from stock.models import StockBalance, StockMove, Warehouse
from stock.services import stock_receive

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


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


def _receive(client, store, item, **changes):
    body = {
        "office": store.office_id,
        "warehouse": store.pk,
        "product": item.pk,
        "quantity": "12.5",
        "supplier": "华东电机厂",
        "reference": "SH-2026-0301",
        **changes,
    }
    return client.post("/stock/receive/", {k: v for k, v in body.items() if v is not None})


def test_the_keeper_receives_goods_and_the_ledger_says_from_whom(client, store, product, warehouse):
    client.force_login(warehouse)
    r = _receive(client, store, product)
    assert r.status_code == 302
    assert r["Location"] == f"/stock/?office={store.office_id}&warehouse={store.pk}"
    move = StockMove.objects.get()
    assert (move.kind, move.quantity, move.balance_after) == (
        "receipt",
        Decimal("12.5"),
        Decimal("12.5"),
    )
    assert "华东电机厂" in move.reason and "SH-2026-0301" in move.reason
    assert (move.actor, move.at) == (warehouse, NOW)
    page = client.get(r["Location"]).content.decode()
    assert "已入库 DJ-100 电机 12.5 台，现有库存 12.5 台。" in page  # the confirmation
    recent = page[page.index('id="recent-moves"') :]
    assert "华东电机厂" in recent and "SH-2026-0301" in recent
    assert "2026-03-02 17:00" in recent  # when, in the office's time
    assert str(warehouse) in recent  # who
    assert "到货入库" in recent  # the kind, in words
    assert StockBalance.objects.get().on_hand == Decimal("12.5")


@pytest.mark.parametrize(
    "changes",
    [
        {"quantity": "0"},
        {"quantity": "-3"},  # a receipt never takes goods out
        {"quantity": "1.0001"},  # three decimals at most
        {"quantity": "abc"},
        {"quantity": "1e12"},
        {"supplier": "   "},  # from whom
        {"supplier": None},
        {"product": "999999"},
    ],
)
def test_a_bad_receipt_is_refused_and_saves_nothing(client, store, product, warehouse, changes):
    client.force_login(warehouse)
    r = _receive(client, store, product, **changes)
    assert r.status_code == 422
    assert 'role="alert"' in r.content.decode()
    assert not StockMove.objects.exists()
    assert not StockBalance.objects.filter(on_hand__gt=0).exists()


def test_only_the_keeper_of_the_branch_receives_goods(
    client, store, product, warehouse, clerk, manager, salesperson, other_office
):
    for user in (clerk, manager, salesperson):
        client.force_login(user)
        assert _receive(client, store, product).status_code == 403
    stranger = UserFactory(username="wh-river", roles=[Role.WAREHOUSE], offices=[other_office])
    client.force_login(stranger)
    assert _receive(client, store, product).status_code == 404  # another branch
    assert _receive(client, store, product, office=other_office.pk).status_code == 404
    theirs = Warehouse.objects.create(office=other_office, code="WH-B", name="江畔仓库")
    client.force_login(warehouse)
    assert _receive(client, theirs, product, office=store.office_id).status_code == 404
    assert not StockMove.objects.exists()
    client.force_login(clerk)
    page = client.get("/stock/").content.decode()
    assert 'action="/stock/receive/"' not in page and 'id="recent-moves"' in page


def test_the_keeper_adjusts_with_a_reason_and_never_below_zero(client, store, product, warehouse):
    stock_receive(
        warehouse=store, product=product, quantity=Decimal("3"), supplier="华东电机厂",
        actor=warehouse, now=NOW,
    )  # fmt: skip
    client.force_login(warehouse)
    body = {"office": store.office_id, "warehouse": store.pk, "product": product.pk}
    r = client.post("/stock/adjust/", {**body, "quantity": "-1", "reason": "盘点短少1台"})
    assert r.status_code == 302
    r = client.post("/stock/adjust/", {**body, "quantity": "-5", "reason": "报损"})
    assert r.status_code == 422 and "库存不足" in r.content.decode()
    r = client.post("/stock/adjust/", {**body, "quantity": "1", "reason": "  "})
    assert r.status_code == 422
    assert list(StockMove.objects.order_by("pk").values_list("kind", "quantity")) == [
        ("receipt", Decimal("3")),
        ("adjustment", Decimal("-1")),
    ]


def test_the_page_opens_on_the_warehouse_the_user_keeps(client, office, store, warehouse):
    Warehouse.objects.create(office=office, code="WH-0", name="零号仓库")  # first by code
    client.force_login(warehouse)
    page = client.get("/stock/").content.decode()
    assert 'aria-current="page">一号仓库' in page
    assert page.index('id="balances"') < page.index("WH-A · 一号仓库")


# ---------------------------------------------------------------- a new warehouse


def test_a_new_warehouse_with_its_keeper(client, office, manager, warehouse):
    client.force_login(manager)
    page = client.get(f"/stock/warehouses/new/?office={office.pk}").content.decode()
    assert f'value="{warehouse.pk}"' in page  # the branch's warehouse keepers to choose from
    body = {"office": office.pk, "code": "WH-C", "name": "三号仓库", "keeper": warehouse.pk}
    r = client.post("/stock/warehouses/new/", body)
    store = Warehouse.objects.get()
    assert r.status_code == 302 and r["Location"].endswith(f"warehouse={store.pk}")
    assert (store.office, store.code, store.name, store.keeper) == (
        office,
        "WH-C",
        "三号仓库",
        warehouse,
    )
    again = client.post("/stock/warehouses/new/", {**body, "code": "wh-c", "name": "重复"})
    assert again.status_code == 422 and Warehouse.objects.count() == 1


@pytest.mark.parametrize("who", ["salesperson", "other", "no_role"])
def test_the_keeper_must_be_a_warehouse_keeper_of_the_branch(
    client, api, office, other_office, manager, salesperson, who
):
    keeper = {
        "salesperson": salesperson,
        "other": UserFactory(username="wh-b", roles=[Role.WAREHOUSE], offices=[other_office]),
        "no_role": UserFactory(username="nobody", roles=[], offices=[office]),
    }[who]
    client.force_login(manager)
    body = {"office": office.pk, "code": "WH-C", "name": "三号仓库", "keeper": keeper.pk}
    assert client.post("/stock/warehouses/new/", body).status_code == 422
    api.force_authenticate(manager)
    r = api.post("/api/v1/warehouses/", body, format="json")
    assert r.status_code == 400 and "keeper" in r.json()
    assert not Warehouse.objects.exists()


@pytest.mark.parametrize(
    "changes", [{"code": ""}, {"name": "  "}, {"code": "X" * 21}, {"keeper": "abc"}]
)
def test_a_bad_warehouse_is_refused(client, office, manager, changes):
    client.force_login(manager)
    body = {"office": office.pk, "code": "WH-C", "name": "三号仓库", **changes}
    assert client.post("/stock/warehouses/new/", body).status_code == 422
    assert not Warehouse.objects.exists()


def test_who_adds_warehouses(client, office, other_office, warehouse, clerk, salesperson, finance):
    """API.md: the warehouse keeper, the clerk and the manager of the branch; not a salesperson
    or finance; never in another branch."""
    for n, user in enumerate((warehouse, clerk)):
        client.force_login(user)
        body = {"office": office.pk, "code": f"WH-{n}", "name": "仓库"}
        assert client.post("/stock/warehouses/new/", body).status_code == 302
        body["office"] = other_office.pk
        assert client.post("/stock/warehouses/new/", body).status_code == 404
    for user in (salesperson, finance):
        client.force_login(user)
        assert client.get("/stock/warehouses/new/").status_code == 403
        body = {"office": office.pk, "code": "WH-9", "name": "仓库"}
        assert client.post("/stock/warehouses/new/", body).status_code == 403
    assert sorted(Warehouse.objects.values_list("code", flat=True)) == ["WH-0", "WH-1"]
