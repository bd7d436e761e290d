"""factory_boy-style helpers for enquiries and quotes, used by the tests."""

import datetime
from decimal import Decimal

from catalog.models import Product, ProductPrice

EPOCH = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def product_with_price(
    *,
    actor,
    code: str,
    list_price: str = "100.00",
    floor_price: str = "80.00",
    cost: str = "60.00",
    effective_from: datetime.date = datetime.date(2026, 1, 1),
    tax_rate: str = "0.13",
    name: str = "电机",
    active: bool = True,
) -> Product:
    """A product with one price version in force from `effective_from` (R-10.1)."""
    product = Product.objects.create(
        code=code,
        name=name,
        unit="台",
        specification="380V",
        tax_rate=Decimal(tax_rate),
        active=active,
        created_at=EPOCH,
    )
    ProductPrice.objects.create(
        product=product,
        effective_from=effective_from,
        list_price=Decimal(list_price),
        floor_price=Decimal(floor_price),
        cost=Decimal(cost),
        created_by=actor,
        created_at=EPOCH,
    )
    return product
