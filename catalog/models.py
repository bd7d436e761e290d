"""Products and their prices, versioned by effective date (R-10.1)."""

from decimal import Decimal

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _


def _money(verbose_name):
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2)


@pghistory.track()
class Product(models.Model):
    """R-10.1: what the sales department sells. Its prices are ProductPrice versions. Every
    change (a product stopped or sold again) is kept in its history, with who made it."""

    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    specification = models.CharField(_("specification"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=20)
    # a rate, 0.13 for 13% (R-10.1's default)
    tax_rate = models.DecimalField(
        _("tax rate"), max_digits=5, decimal_places=4, default=Decimal("0.13")
    )
    # an inactive product goes on no new document; old documents keep it
    active = models.BooleanField(_("on sale"), default=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["code", "pk"]
        constraints = [
            models.UniqueConstraint(Upper("code"), name="product_code_unique"),
            models.CheckConstraint(
                condition=Q(tax_rate__gte=0, tax_rate__lte=1), name="product_tax_rate_0_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ProductPrice(models.Model):
    """One version of a product's prices, in force from `effective_from` until the next one.
    A document takes the version in force on its date (catalog.selectors.price_on)."""

    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="prices", verbose_name=_("product")
    )
    effective_from = models.DateField(_("effective from"))
    list_price = _money(_("list price"))
    floor_price = _money(_("floor price"))
    cost = _money(_("cost"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("set by"),
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("product price")
        verbose_name_plural = _("product prices")
        ordering = ["product", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "effective_from"], name="product_price_one_per_date"
            ),
            models.CheckConstraint(
                condition=Q(list_price__gte=0, floor_price__gte=0, cost__gte=0),
                name="product_price_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(floor_price__lte=models.F("list_price")),
                name="product_price_floor_le_list",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} {self.effective_from}"
