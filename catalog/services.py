"""Writes of products and prices (R-10.1): each one transaction, its history in the price rows."""

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from common.errors import DomainError

from . import rules
from .models import Product, ProductPrice


def _check_prices(**prices: Decimal) -> None:
    errors = rules.price_errors(**prices)
    if errors:
        raise ValidationError({field: [message] for field, message in errors.items()})


def _check_date(effective_from: datetime.date, now: datetime.datetime) -> None:
    error = rules.effective_date_error(effective_from, timezone.localdate(now))
    if error:
        raise ValidationError({"effective_from": [error]})


@transaction.atomic
def product_create(
    *,
    actor,
    now: datetime.datetime,
    code: str,
    name: str,
    unit: str,
    list_price: Decimal,
    floor_price: Decimal,
    cost: Decimal,
    specification: str = "",
    tax_rate: Decimal = Decimal("0.13"),
    effective_from: datetime.date | None = None,
) -> Product:
    """A product with its first price version, in force from `effective_from` (today unless
    said otherwise; R-10.1)."""
    code = code.strip()
    required = {"code": code, "name": name.strip(), "unit": unit.strip()}
    missing = {k: [_("This field is required.")] for k, v in required.items() if not v}
    if missing:
        raise ValidationError(missing)
    error = rules.tax_rate_error(tax_rate)
    if error:
        raise ValidationError({"tax_rate": [error]})
    _check_prices(list_price=list_price, floor_price=floor_price, cost=cost)
    effective_from = effective_from or timezone.localdate(now)
    _check_date(effective_from, now)
    if Product.objects.filter(code__iexact=code).exists():
        raise DomainError(_("A product with this code exists already."), code="product_exists")
    try:
        with transaction.atomic():
            product = Product.objects.create(
                code=code,
                name=name.strip(),
                specification=specification.strip(),
                unit=unit.strip(),
                tax_rate=tax_rate,
                created_at=now,
            )
    except IntegrityError as exc:  # the same code created concurrently
        raise DomainError(
            _("A product with this code exists already."), code="product_exists"
        ) from exc
    ProductPrice.objects.create(
        product=product,
        effective_from=effective_from,
        list_price=list_price,
        floor_price=floor_price,
        cost=cost,
        created_by=actor,
        created_at=now,
    )
    return product


@transaction.atomic
def price_set(
    *,
    product: Product,
    effective_from: datetime.date,
    list_price: Decimal,
    floor_price: Decimal,
    cost: Decimal,
    actor,
    now: datetime.datetime,
) -> ProductPrice:
    """A new version of the prices from `effective_from` (today or later: documents already
    dated keep the prices they were made with)."""
    _check_date(effective_from, now)
    _check_prices(list_price=list_price, floor_price=floor_price, cost=cost)
    Product.objects.select_for_update().get(pk=product.pk)
    if product.prices.filter(effective_from=effective_from).exists():
        raise DomainError(_("The product already has a price from this date."), code="price_exists")
    return ProductPrice.objects.create(
        product=product,
        effective_from=effective_from,
        list_price=list_price,
        floor_price=floor_price,
        cost=cost,
        created_by=actor,
        created_at=now,
    )


@transaction.atomic
def product_set_active(*, product: Product, active: bool, actor, now: datetime.datetime) -> Product:
    """R-10.1: the manager stops selling a product, or sells it again. An inactive product
    goes on no new document (the pickers, the API's writes and the stock services refuse
    it); the documents that already have it keep it. The change is kept in the product's
    history (pghistory, with who did it)."""
    product = Product.objects.select_for_update().get(pk=product.pk)
    if product.active != active:
        product.active = active
        product.save(update_fields=["active"])
    return product
