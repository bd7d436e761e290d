"""Products and stock in the Django admin (R-10.1, R-10.3): every model there, in Chinese; the
ledger and the balances read only (no add, change or delete, even for a superuser); products
and their price versions read only (made on their pages); a warehouse's name and keeper
corrected by its branch's manager only, the keeper a warehouse keeper of that branch."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client

from catalog.services import product_create
from staff.choices import Role
from staff.factories import UserFactory
from stock.models import StockMove, Warehouse
from stock.services import stock_receive

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
LEDGERS = ["stockmove", "stockbalance", "product", "productprice"]


def _models():
    from pghistory.models import Event

    for label in ("catalog", "stock"):
        for model in apps.get_app_config(label).get_models():
            if not issubclass(model, Event):
                yield model


@pytest.fixture
def root(office):
    return UserFactory(
        username="root", is_staff=True, is_superuser=True, roles=[Role.DIRECTOR], offices=[office]
    )


@pytest.fixture
def moved(office, manager, warehouse):
    product = product_create(
        actor=manager, now=NOW, code="DJ-1", name="电机", unit="台",
        list_price=Decimal("100.00"), floor_price=Decimal("80.00"), cost=Decimal("60.00"),
    )  # fmt: skip
    store = Warehouse.objects.create(office=office, code="WH-A", name="一号仓库", keeper=warehouse)
    return stock_receive(
        warehouse=store, product=product, quantity=Decimal("5"), supplier="华东电机厂",
        actor=warehouse, now=NOW,
    )  # fmt: skip


def test_every_model_is_in_the_admin_and_every_page_opens_in_chinese(client, root, moved):
    client.force_login(root)
    index = client.get("/admin/").content.decode()
    assert "产品与价格" in index and "仓库与库存" in index
    for model in _models():
        assert admin.site.is_registered(model), model
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        page = client.get(base)
        assert page.status_code == 200, base
        obj = model.objects.order_by("pk").first()
        if obj is not None:
            assert client.get(f"{base}{obj.pk}/change/").status_code == 200, base
    page = client.get("/admin/stock/stockmove/").content.decode()
    assert "库存变动" in page and "到货入库" in page


@pytest.mark.parametrize("name", LEDGERS)
def test_ledgers_and_price_versions_are_read_only_even_for_a_superuser(client, root, moved, name):
    label = "stock" if name.startswith("stock") else "catalog"
    model = apps.get_model(label, name)
    obj = model.objects.order_by("pk").first()
    base = f"/admin/{label}/{name}/"
    client.force_login(root)
    assert client.get(f"{base}add/").status_code == 403
    assert client.get(f"{base}{obj.pk}/delete/").status_code == 403
    change = client.get(f"{base}{obj.pk}/change/").content.decode()
    assert 'name="_save"' not in change  # a view, not a form
    client.post(f"{base}{obj.pk}/change/", {"quantity": "999", "on_hand": "999", "name": "x"})
    assert StockMove.objects.get().quantity == 5


def test_the_branch_manager_corrects_a_warehouses_keeper(
    client, office, other_office, manager, warehouse, moved
):
    manager.is_staff = True
    manager.save()
    store = Warehouse.objects.get()
    url = f"/admin/stock/warehouse/{store.pk}/change/"
    stranger = UserFactory(username="wh-b", roles=[Role.WAREHOUSE], offices=[other_office])
    client.force_login(manager)
    r = client.post(url, {"name": "一号仓库", "keeper": stranger.pk})
    assert r.status_code == 200  # the form again, with the error
    store.refresh_from_db()
    assert store.keeper == warehouse
    r = client.post(url, {"name": "中心仓库", "keeper": ""})
    assert r.status_code == 302
    store.refresh_from_db()
    assert (store.name, store.keeper, store.code) == ("中心仓库", None, "WH-A")
    # another branch's manager does not see it
    theirs = UserFactory(
        username="ma-b", roles=[Role.MANAGER], offices=[other_office], is_staff=True
    )
    other = Client()
    other.force_login(theirs)
    assert other.get(url).status_code in (302, 404)
    assert "WH-A" not in other.get("/admin/stock/stockmove/").content.decode()
