"""Products and versioned prices (R-10.1): the version in force by date, cost by role."""

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from catalog.models import Product, ProductPrice
from catalog.selectors import price_on, prices_on
from catalog.services import price_set, product_create

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
D = datetime.date


def _product(actor, code="DJ-100", **prices):
    prices = {"list_price": Decimal("100.00"), "floor_price": Decimal("80.00"), **prices}
    prices.setdefault("cost", Decimal("60.00"))
    return product_create(actor=actor, now=NOW, code=code, name="电机", unit="台", **prices)


@pytest.fixture
def product(manager):
    p = _product(manager)  # list 100 from 2026-03-02
    price_set(
        product=p,
        effective_from=D(2026, 4, 1),
        list_price=Decimal("110.00"),
        floor_price=Decimal("90.00"),
        cost=Decimal("65.00"),
        actor=manager,
        now=NOW,
    )
    price_set(
        product=p,
        effective_from=D(2026, 5, 1),
        list_price=Decimal("105.00"),
        floor_price=Decimal("85.00"),
        cost=Decimal("62.00"),
        actor=manager,
        now=NOW,
    )
    return p


@pytest.mark.parametrize(
    ("day", "list_price"),
    [
        (D(2026, 3, 1), None),  # before the first version, no price
        (D(2026, 3, 2), Decimal("100.00")),  # in force from its date
        (D(2026, 3, 31), Decimal("100.00")),  # until the next version
        (D(2026, 4, 1), Decimal("110.00")),  # the next one from its own date
        (D(2026, 4, 30), Decimal("110.00")),
        (D(2026, 5, 1), Decimal("105.00")),  # a lower price is a version like any
        (D(2027, 1, 1), Decimal("105.00")),  # the last one stays in force
    ],
)
def test_the_price_in_force_on_a_date(product, day, list_price, django_assert_num_queries):
    price = price_on(product, day)
    assert (price.list_price if price else None) == list_price
    with django_assert_num_queries(1):
        many = prices_on([product], day)
    assert (many[product.pk].list_price if product.pk in many else None) == list_price


def test_prices_on_many_products_in_one_query(manager, django_assert_num_queries):
    products = [_product(manager, code=f"P-{n}", list_price=Decimal(100 + n)) for n in range(1, 6)]
    with django_assert_num_queries(1):
        prices = prices_on(products, D(2026, 3, 2))
    assert [prices[p.pk].list_price for p in products] == [100 + n for n in range(1, 6)]


def test_a_new_price_cannot_start_in_the_past(product, manager):
    from rest_framework.exceptions import ValidationError

    with pytest.raises(ValidationError):
        price_set(
            product=product,
            effective_from=D(2026, 3, 1),
            list_price=Decimal("1.00"),
            floor_price=Decimal("1.00"),
            cost=Decimal("1.00"),
            actor=manager,
            now=NOW,
        )
    assert product.prices.count() == 3


def test_the_database_refuses_a_floor_above_list(product):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ProductPrice.objects.filter(product=product).update(floor_price=Decimal("999.00"))


# ---------------------------------------------------------------- the API


def _post(api, user, **body):
    api.force_authenticate(user)
    data = {
        "code": "DJ-200",
        "name": "水泵",
        "specification": "50L/min",
        "unit": "台",
        "tax_rate": "0.13",
        "list_price": "200.00",
        "floor_price": "150.00",
        "cost": "120.00",
        **body,
    }
    return api.post("/api/v1/products/", data, format="json")


def test_the_manager_creates_a_product_with_its_first_price(api, manager):
    r = _post(api, manager)
    assert r.status_code == 201, r.json()
    assert r.json()["list_price"] == "200.00" and r.json()["cost"] == "120.00"
    product = Product.objects.get()
    assert product.prices.get().effective_from == timezone.localdate()


@pytest.mark.parametrize(
    "body",
    [
        {"list_price": "200.001"},  # more than 2 decimals
        {"cost": "-1.00"},
        {"tax_rate": "1.5"},  # outside 0–1
        {"tax_rate": "-0.01"},
        {"floor_price": "250.00"},  # floor above list
        {"code": ""},
        {"cost": None},
    ],
)
def test_bad_input_is_400_and_saves_nothing(api, manager, body):
    r = _post(api, manager, **body)
    assert r.status_code == 400, r.json()
    assert not Product.objects.exists() and not ProductPrice.objects.exists()


def test_a_taken_code_is_409(api, manager):
    assert _post(api, manager).status_code == 201
    r = _post(api, manager, code="dj-200")
    assert r.status_code == 409 and r.json()["code"] == "product_exists"
    assert Product.objects.count() == 1


def test_only_the_manager_creates_products(api, salesperson, finance):
    assert _post(api, salesperson).status_code == 403
    assert _post(api, finance).status_code == 403
    assert not Product.objects.exists()


ROLES = [
    ("salesperson", False),
    ("clerk", False),
    ("warehouse", False),
    ("manager", True),
    ("director", True),
    ("finance", True),
    ("executive", True),
]


@pytest.fixture
def member(request, office):
    from staff.factories import UserFactory

    def make(role):
        return UserFactory(roles=[role], offices=[office], username=f"cost-{role}")

    return make


@pytest.mark.parametrize(("role", "sees"), ROLES)
def test_cost_is_shown_only_to_who_may_see_it(client, api, member, product, role, sees):
    """R-10.1: in the API, the pages and the export alike."""
    user = member(role)
    api.force_authenticate(user)
    row = api.get("/api/v1/products/").json()["results"][0]
    assert ("cost" in row) is sees
    client.force_login(user)
    for url in ("/products/", f"/products/{product.pk}/"):
        page = client.get(url).content.decode()
        assert ("62.00" in page) is sees, url
        assert ("成本" in page or "Cost" in page) is sees, url
    book = load_workbook(io.BytesIO(client.get("/products/?format=xlsx").content))
    values = [c for row in book.active.iter_rows(values_only=True) for c in row]
    assert (Decimal("62.00") in values) is sees
