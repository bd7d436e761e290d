"""Warehouses, their stock per product and the append-only ledger of its moves (R-10.3).

Quantities are Decimal(14, 3), not integers: products are sold by the metre, the kilogram or
the tonne as well as by the piece, and a three-decimal quantity holds all of them exactly.
"""

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import MoveKind


def _quantity(verbose_name):
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=3)


@pghistory.track()
class Warehouse(models.Model):
    """R-10.3: a branch's warehouse; its keeper is a warehouse keeper of the branch. Changes
    (a new keeper) are kept in its history."""

    office = models.ForeignKey(
        "staff.Office",
        on_delete=models.PROTECT,
        related_name="warehouses",
        verbose_name=_("branch"),
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    keeper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("warehouse keeper"),
    )

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["office", "code"]
        constraints = [
            models.UniqueConstraint(fields=["office", "code"], name="warehouse_code_per_office"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class StockBalance(models.Model):
    """What a warehouse holds of a product: always the sum of its moves (stock.reconcile), kept
    as a row so that a move can lock it. The CHECK is the guarantee that stock never goes
    negative, whatever runs concurrently (R-10.3)."""

    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="balances", verbose_name=_("warehouse")
    )
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    on_hand = _quantity(_("on hand"))

    class Meta:
        verbose_name = _("stock balance")
        verbose_name_plural = _("stock balances")
        ordering = ["warehouse", "product"]
        constraints = [
            models.UniqueConstraint(
                fields=["warehouse", "product"], name="stock_balance_one_per_product"
            ),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="stock_on_hand_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.warehouse} {self.product}: {self.on_hand}"


class StockMove(models.Model):
    """One line of the stock ledger: never changed or deleted (a trigger refuses both); a
    correction is a new move."""

    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="moves", verbose_name=_("warehouse")
    )
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    quantity = _quantity(_("quantity"))  # signed: in > 0, out < 0
    balance_after = _quantity(_("balance after"))
    kind = models.CharField(_("kind"), max_length=20, choices=MoveKind.choices)
    document_type = models.CharField(_("document type"), max_length=50, blank=True)
    document_id = models.BigIntegerField(_("document"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["warehouse", "product", "-at"], name="stock_move_ledger")]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="stock_move_not_zero"),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="stock_move_balance_not_negative"
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="stock_moves_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
        ]

    def __str__(self) -> str:
        return f"{self.warehouse} {self.product} {self.quantity:+}"
