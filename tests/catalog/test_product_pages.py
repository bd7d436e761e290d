"""The manager's product pages (R-10.1): a new product with its first prices, bad input
refused with nothing saved, stopping and resuming a product's sale — a product no longer sold
goes on no new document and stays readable on the old ones."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from catalog.models import Product, ProductPrice
from catalog.services import product_create, product_set_active
from stock.models import StockMove, Warehouse

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)  # 17:00 in Shanghai
TODAY = datetime.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _form(**changes):
    data = {
        "code": "DJ-300",
        "name": "三相异步电机",
        "specification": "Y2-132M-4 7.5kW",
        "unit": "台",
        "tax_rate": "0.13",
        "list_price": "3200.00",
        "floor_price": "2900.00",
        "cost": "2100.00",
        "effective_from": TODAY.isoformat(),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _product(manager, code="DJ-100"):
    return product_create(
        actor=manager,
        now=NOW,
        code=code,
        name="电机",
        unit="台",
        list_price=Decimal("100.00"),
        floor_price=Decimal("80.00"),
        cost=Decimal("60.00"),
    )


def test_the_manager_adds_a_product_from_the_page(client, manager):
    client.force_login(manager)
    page = client.get("/products/new/").content.decode()
    assert 'value="0.13"' in page and f'value="{TODAY.isoformat()}"' in page  # the defaults
    r = client.post("/products/new/", _form(effective_from="2026-03-09"))
    product = Product.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/products/{product.pk}/"
    assert (product.code, product.specification, product.unit) == (
        "DJ-300",
        "Y2-132M-4 7.5kW",
        "台",
    )
    assert product.tax_rate == Decimal("0.13") and product.active
    price = product.prices.get()
    assert (price.effective_from, price.list_price, price.floor_price, price.cost) == (
        datetime.date(2026, 3, 9),
        Decimal("3200.00"),
        Decimal("2900.00"),
        Decimal("2100.00"),
    )
    assert price.created_by == manager
    card = client.get(r["Location"]).content.decode()
    assert "2026-03-09" in card and "2,100.00" in card  # the manager sees the cost


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"floor_price": "3300.00"}, "floor_price"),  # floor above list
        ({"list_price": "3200.001"}, "list_price"),  # more than two decimals
        ({"cost": "0.005"}, "cost"),
        ({"tax_rate": "1.3"}, "tax_rate"),  # outside 0–1 (13 typed as 1.3)
        ({"tax_rate": "13"}, "tax_rate"),
        ({"tax_rate": "-0.01"}, "tax_rate"),
        ({"list_price": "-1"}, "list_price"),
        ({"code": "  "}, "code"),
        ({"name": None}, "name"),
        ({"unit": ""}, "unit"),
        ({"effective_from": "2026-03-01"}, "effective_from"),  # backdated
        ({"effective_from": "2027-06-01"}, "effective_from"),  # more than a year ahead
        ({"effective_from": "2026-02-30"}, "effective_from"),
    ],
)
def test_bad_input_is_refused_on_the_form_and_saves_nothing(client, manager, changes, field):
    client.force_login(manager)
    r = client.post("/products/new/", _form(**changes))
    assert r.status_code == 422
    errors = r.context["form"].errors.get(field)
    assert errors and all(len(e) > 3 for e in errors), errors  # sentences, not letters
    assert 'role="alert"' in r.content.decode()
    assert not Product.objects.exists() and not ProductPrice.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"floor_price": "3300.00"}, "floor_price", "底价不能高于表价。"),
        ({"tax_rate": "13"}, "tax_rate", "税率须在 0 到 1 之间（0.13 即 13%）。"),
        ({"tax_rate": "0.12345"}, "tax_rate", "税率最多四位小数。"),
        ({"effective_from": "2026-03-01"}, "effective_from", "新价格只能从今天或以后生效。"),
    ],
)
def test_the_form_says_what_is_wrong_in_words(client, manager, changes, field, message):
    client.force_login(manager)
    r = client.post("/products/new/", _form(**changes))
    assert r.context["form"].errors[field] == [message]
    assert message in r.content.decode()


def test_a_taken_code_is_refused_whatever_its_case(client, manager):
    _product(manager, code="DJ-300")
    client.force_login(manager)
    r = client.post("/products/new/", _form(code="dj-300"))
    assert r.status_code == 422
    assert r.context["form"].errors["code"] == ["该编码的产品已存在。"]
    assert Product.objects.count() == 1


def test_only_the_manager_adds_products(client, salesperson, finance, director, warehouse):
    for user in (salesperson, finance, director, warehouse):
        client.force_login(user)
        assert client.get("/products/new/").status_code == 403
        assert client.post("/products/new/", _form()).status_code == 403
        assert 'id="new-product"' not in client.get("/products/").content.decode()
    assert not Product.objects.exists()


def test_a_new_price_from_a_later_date_is_a_new_version(client, manager):
    product = _product(manager)
    client.force_login(manager)
    body = {"effective_from": "2026-04-01", "list_price": "120.00", "floor_price": "95.00"}
    r = client.post(f"/products/{product.pk}/", {**body, "cost": "70.00"})
    assert r.status_code == 302
    assert list(product.prices.values_list("effective_from", "list_price")) == [
        (datetime.date(2026, 4, 1), Decimal("120.00")),
        (TODAY, Decimal("100.00")),
    ]
    card = client.get(f"/products/{product.pk}/").content.decode()
    assert "待生效" in card
    bad = client.post(f"/products/{product.pk}/", {**body, "cost": "70.00", "floor_price": "121"})
    assert bad.status_code == 422 and product.prices.count() == 2
    assert bad.context["form"].errors["floor_price"] == ["底价不能高于表价。"]


# ---------------------------------------------------------------- stopping a product's sale


def test_the_manager_stops_and_resumes_a_products_sale_with_a_confirmation(client, manager):
    product = _product(manager)
    client.force_login(manager)
    card = client.get(f"/products/{product.pk}/").content.decode()
    assert f'action="/products/{product.pk}/deactivate/"' in card
    assert "data-confirm=" in card  # the page asks before it is sent
    r = client.post(f"/products/{product.pk}/deactivate/")
    assert r.status_code == 302
    product.refresh_from_db()
    assert not product.active
    listing = client.get("/products/").content.decode()
    assert 'id="inactive-products"' in listing and f"/products/{product.pk}/" in listing
    card = client.get(f"/products/{product.pk}/").content.decode()
    assert 'id="not-on-sale"' in card and f"/products/{product.pk}/reactivate/" in card
    assert client.post(f"/products/{product.pk}/reactivate/").status_code == 302
    product.refresh_from_db()
    assert product.active
    # who did it, when: the product's history
    from catalog.models import ProductEvent

    assert list(ProductEvent.objects.order_by("pgh_id").values_list("active", flat=True)) == [
        True,
        False,
        True,
    ]


def test_nobody_but_the_manager_stops_a_products_sale(client, manager, salesperson, finance):
    product = _product(manager)
    for user in (salesperson, finance):
        client.force_login(user)
        assert "deactivate" not in client.get(f"/products/{product.pk}/").content.decode()
        assert client.post(f"/products/{product.pk}/deactivate/").status_code == 403
        assert client.get(f"/products/{product.pk}/deactivate/").status_code == 405
    product.refresh_from_db()
    assert product.active
    client.force_login(manager)
    assert client.post("/products/999999/deactivate/").status_code == 404


def test_a_product_no_longer_sold_goes_on_no_new_stock_move(
    client, api, manager, office, warehouse, salesperson
):
    """R-10.1: not offered in the stock forms, refused by the API and the services; its card
    stays readable (old documents link to it); the API's list and the list page leave it out."""
    product = _product(manager)
    store = Warehouse.objects.create(office=office, code="WH-A", name="一号仓库", keeper=warehouse)
    product_set_active(product=product, active=False, actor=manager, now=NOW)

    client.force_login(warehouse)
    page = client.get(f"/stock/?warehouse={store.pk}").content.decode()
    assert f'value="{product.pk}"' not in page  # not in either picker
    r = client.post(
        "/stock/receive/",
        {"warehouse": store.pk, "product": product.pk, "quantity": "5", "supplier": "华东电机厂"},
    )
    assert r.status_code == 422
    api.force_authenticate(warehouse)
    body = {"warehouse": store.pk, "product": product.pk, "quantity": "5", "reason": "到货"}
    assert api.post("/api/v1/stock/adjustments/", body, format="json").status_code == 400
    assert not StockMove.objects.exists()

    client.force_login(salesperson)
    assert client.get(f"/products/{product.pk}/").status_code == 200
    assert f"/products/{product.pk}/" not in client.get("/products/").content.decode()
    api.force_authenticate(salesperson)
    assert api.get("/api/v1/products/").json()["results"] == []
