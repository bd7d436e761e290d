"""Reads of products and prices (R-10.1)."""

import datetime
from collections.abc import Iterable

from django.db.models import QuerySet

from .models import Product, ProductPrice
from .rules import COST_READERS


def may_see_cost(user) -> bool:
    """R-10.1: the one answer for pages, the API and exports — managers, directors,
    executives and finance see a product's cost; salespeople, clerks and warehouse do not."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(*COST_READERS)


def price_on(product: Product, date: datetime.date) -> ProductPrice | None:
    """The version of `product`'s prices in force on `date` (None before its first one)."""
    return (
        ProductPrice.objects.filter(product=product, effective_from__lte=date)
        .order_by("-effective_from")
        .first()
    )


def prices_on(products: Iterable[Product | int], date: datetime.date) -> dict[int, ProductPrice]:
    """product id → the version in force on `date`, for many products in one query."""
    ids = [p if isinstance(p, int) else p.pk for p in products]
    if not ids:
        return {}
    rows = (
        ProductPrice.objects.filter(product_id__in=ids, effective_from__lte=date)
        .order_by("product_id", "-effective_from")
        .distinct("product_id")
    )
    return {row.product_id: row for row in rows}


def products_on_sale() -> QuerySet[Product]:
    """R-10.1: the products a new document may take (every product picker, the API's
    writes); an inactive one stays on the documents that already have it."""
    return Product.objects.filter(active=True)


def products_inactive() -> QuerySet[Product]:
    return Product.objects.filter(active=False)


def products_visible_to(user) -> QuerySet[Product]:
    """Products are the company's, not an office's: every member sees the ones on sale."""
    return products_on_sale()


def with_prices(products: list[Product], date: datetime.date) -> list[Product]:
    """The products, each with `current_price` (the version in force on `date`, or None)."""
    prices = prices_on(products, date)
    for product in products:
        product.current_price = prices.get(product.pk)
    return products


def price_history(product: Product) -> QuerySet[ProductPrice]:
    return product.prices.select_related("created_by").order_by("-effective_from")
