"""Demand requests, outbound orders with their shipments and customer confirmations, returns
and exchanges (R-13).

Quantities follow a contract line through its documents: requested (demand lines), shipped
(outbound lines of ordinary orders), confirmed (confirmation lines), returned (return lines;
received back through the lines of red outbound orders). shipping.progress computes them;
the CHECKs below hold what one row can hold, the services hold the rest under the contract's
row lock (R-13.1, R-13.5) and the stock ledger's (R-13.3).
"""

import uuid
from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from approvals.models import ApprovableDocument
from quotes.models import quantity_field

from .choices import OrderStatus, RequestStatus, ReturnKind, ReturnStatus


def confirmation_path(confirmation: "Confirmation", filename: str) -> str:
    """Where a confirmation's scan is stored: under MEDIA_ROOT, never served; a random name.
    Downloads go through shipping.views_orders.confirmation_scan, which checks who asks."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"shipping/confirmations/{confirmation.office_id}/{uuid.uuid4().hex}.{extension}"


class Numbered(models.Model):
    """A document numbered from its office's gap-free counter (common.numbering) when it is
    made: XQ-2026-0001."""

    number = models.CharField(_("number"), max_length=30)
    sequence = models.PositiveIntegerField(_("sequence"))
    year = models.PositiveSmallIntegerField(_("year"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.number


def _salesperson_field(related_name: str):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name=related_name,
        verbose_name=pgettext_lazy("sales department", "Salesperson"),
    )


def _user_field(verbose_name, *, null: bool = True):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=null,
        blank=null,
        related_name="+",
        verbose_name=verbose_name,
    )


class DemandRequest(Numbered, ApprovableDocument):
    """R-13.1: a demand request (需货申请单) against a signed contract, by the salesperson or
    the branch's clerk; the branch manager, then the director, approve it. An exchange's
    request points at its return (R-13.5)."""

    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.DRAFT
    )
    office = models.ForeignKey(
        "staff.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    contract = models.ForeignKey(
        "contracts.SalesContract",
        on_delete=models.PROTECT,
        related_name="demand_requests",
        verbose_name=_("contract"),
    )
    exchange_for = models.ForeignKey(
        "shipping.ReturnRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exchange_requests",
        verbose_name=_("exchange for the return"),
    )
    note = models.TextField(pgettext_lazy("shipping document", "note"), blank=True)
    author = _user_field(_("created by"), null=False)
    owner = _salesperson_field("owned_demand_requests")
    created_at = models.DateTimeField(_("created at"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = _user_field(_("cancelled by"))

    class Meta:
        verbose_name = _("demand request")
        verbose_name_plural = _("demand requests")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["office", "status"], name="demand_office_status")]
        constraints = [
            models.UniqueConstraint(fields=["office", "number"], name="demand_number_unique"),
            models.UniqueConstraint(
                fields=["office", "year", "sequence"], name="demand_sequence_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=RequestStatus.values), name="demand_status_valid"
            ),
        ]

    def approval_party_ids(self) -> set[int]:
        """R-8.1: nobody decides a request of an account they own or deputise."""
        account = self.contract.account
        return {account.owner_id, account.deputy_id} - {None}


class DemandLine(models.Model):
    request = models.ForeignKey(
        DemandRequest, on_delete=models.CASCADE, related_name="lines", verbose_name=_("request")
    )
    contract_line = models.ForeignKey(
        "contracts.ContractLine",
        on_delete=models.PROTECT,
        related_name="demand_lines",
        verbose_name=_("contract line"),
    )
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    quantity = quantity_field(_("quantity"))

    class Meta:
        verbose_name = _("demand request line")
        verbose_name_plural = _("demand request lines")
        ordering = ["request", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="demand_line_quantity_gt_0"),
            models.UniqueConstraint(
                fields=["request", "contract_line"], name="demand_line_once_per_contract_line"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} {self.quantity}"


class ReturnRequest(Numbered, ApprovableDocument):
    """R-13.5: the customer's return or exchange, recorded by the salesperson against the
    contract. The branch manager confirms, the technician inspects (not genuine: rejected for
    good), the director approves the red-letter request (退货详单)."""

    status = models.CharField(
        _("status"), max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.DRAFT
    )
    office = models.ForeignKey(
        "staff.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    contract = models.ForeignKey(
        "contracts.SalesContract",
        on_delete=models.PROTECT,
        related_name="returns",
        verbose_name=_("contract"),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=ReturnKind.choices, default=ReturnKind.RETURN
    )
    reason = models.TextField(_("reason"))
    # the technician's inspection; None until inspected
    genuine = models.BooleanField(_("genuine"), null=True, blank=True)
    inspected_by = _user_field(_("inspected by"))
    inspected_at = models.DateTimeField(_("inspected at"), null=True, blank=True)
    inspection_note = models.TextField(_("inspection note"), blank=True)
    # the return certificate (销售退货证明单) when the customer's documents are lost
    certificate_reason = models.TextField(_("why the customer's documents are missing"), blank=True)
    certificate_by = _user_field(_("certificate by"))
    certificate_at = models.DateTimeField(_("certificate at"), null=True, blank=True)
    author = _user_field(_("created by"), null=False)
    owner = _salesperson_field("owned_returns")
    created_at = models.DateTimeField(_("created at"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["office", "status"], name="return_office_status")]
        constraints = [
            models.UniqueConstraint(fields=["office", "number"], name="return_number_unique"),
            models.UniqueConstraint(
                fields=["office", "year", "sequence"], name="return_sequence_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReturnStatus.values), name="return_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(genuine__isnull=True) | Q(inspected_at__isnull=False),
                name="return_inspected_with_time",
            ),
            models.CheckConstraint(
                condition=Q(certificate_at__isnull=True) | ~Q(certificate_reason=""),
                name="return_certificate_with_reason",
            ),
        ]

    def approval_party_ids(self) -> set[int]:
        account = self.contract.account
        return {account.owner_id, account.deputy_id} - {None}

    @property
    def refused(self) -> bool:
        """Found not genuine: rejected for good, never submitted again."""
        return self.genuine is False


class ReturnLine(models.Model):
    request = models.ForeignKey(
        ReturnRequest, on_delete=models.CASCADE, related_name="lines", verbose_name=_("return")
    )
    contract_line = models.ForeignKey(
        "contracts.ContractLine",
        on_delete=models.PROTECT,
        related_name="return_lines",
        verbose_name=_("contract line"),
    )
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    specification = models.CharField(_("specification"), max_length=200, blank=True)
    quantity = quantity_field(_("quantity"))

    class Meta:
        verbose_name = _("return line")
        verbose_name_plural = _("return lines")
        ordering = ["request", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="return_line_quantity_gt_0"),
            models.UniqueConstraint(
                fields=["request", "contract_line"], name="return_line_once_per_contract_line"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} {self.quantity}"


class OutboundOrder(Numbered):
    """R-13.2: the clerk's numbered outbound order (销售出库单) made from an approved demand
    request, its lines the request's, naming the warehouse; or (R-13.5) a red outbound order
    (红字出库单) made from an approved return, which receives the goods back. Quantities are
    kept positive; `red` gives their direction (every page shows a red order's as negative)."""

    office = models.ForeignKey(
        "staff.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    contract = models.ForeignKey(
        "contracts.SalesContract",
        on_delete=models.PROTECT,
        related_name="outbound_orders",
        verbose_name=_("contract"),
    )
    demand_request = models.OneToOneField(
        DemandRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outbound_order",
        verbose_name=_("demand request"),
    )
    return_request = models.OneToOneField(
        ReturnRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="red_order",
        verbose_name=_("return"),
    )
    red = models.BooleanField(_("red"), default=False)
    warehouse = models.ForeignKey(
        "stock.Warehouse", on_delete=models.PROTECT, related_name="+", verbose_name=_("warehouse")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.OPEN
    )
    issued_by = _user_field(_("issued by"), null=False)
    issued_at = models.DateTimeField(_("issued at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    note = models.TextField(pgettext_lazy("shipping document", "note"), blank=True)

    class Meta:
        verbose_name = _("outbound order")
        verbose_name_plural = _("outbound orders")
        ordering = ["-issued_at", "-pk"]
        indexes = [
            models.Index(fields=["office", "status"], name="outbound_office_status"),
            models.Index(fields=["contract", "issued_at"], name="outbound_contract"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["office", "number"], name="outbound_number_unique"),
            # ordinary and red orders count separately (CK-…, HC-…): the number is unique
            # an ordinary order comes from a demand request, a red one from a return
            models.CheckConstraint(
                condition=(
                    Q(red=False, demand_request__isnull=False, return_request__isnull=True)
                    | Q(red=True, demand_request__isnull=True, return_request__isnull=False)
                ),
                name="outbound_source_matches_colour",
            ),
            models.CheckConstraint(
                condition=Q(status__in=OrderStatus.values), name="outbound_status_valid"
            ),
        ]

    @property
    def is_open(self) -> bool:
        return self.status in (OrderStatus.OPEN, OrderStatus.PARTIAL)


class OutboundLine(models.Model):
    order = models.ForeignKey(
        OutboundOrder, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order")
    )
    contract_line = models.ForeignKey(
        "contracts.ContractLine",
        on_delete=models.PROTECT,
        related_name="outbound_lines",
        verbose_name=_("contract line"),
    )
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    quantity = quantity_field(_("quantity"))
    # shipped (a red order: received back) so far
    shipped = quantity_field(_("shipped"), default=Decimal("0.000"))

    class Meta:
        verbose_name = _("outbound order line")
        verbose_name_plural = _("outbound order lines")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="outbound_line_quantity_gt_0"),
            models.CheckConstraint(
                condition=Q(shipped__gte=0, shipped__lte=F("quantity")),
                name="outbound_line_shipped_within",
            ),
            models.UniqueConstraint(
                fields=["order", "contract_line"], name="outbound_line_once_per_contract_line"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} {self.shipped}/{self.quantity}"

    @property
    def remaining(self) -> Decimal:
        return self.quantity - self.shipped


class Shipment(models.Model):
    """R-13.3: one shipment of an outbound order by the warehouse keeper (on a red order, one
    receipt of the goods coming back); its lines moved the stock (stock.StockMove)."""

    order = models.ForeignKey(
        OutboundOrder, on_delete=models.PROTECT, related_name="shipments", verbose_name=_("order")
    )
    shipped_by = _user_field(_("shipped by"), null=False)
    shipped_at = models.DateTimeField(_("shipped at"))

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["shipped_at", "pk"]
        indexes = [models.Index(fields=["order", "shipped_at"], name="shipment_order")]
        triggers = [
            pgtrigger.Protect(
                name="shipments_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.order} {self.shipped_at:%Y-%m-%d}"


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(
        Shipment, on_delete=models.PROTECT, related_name="lines", verbose_name=_("shipment")
    )
    order_line = models.ForeignKey(
        OutboundLine,
        on_delete=models.PROTECT,
        related_name="shipment_lines",
        verbose_name=_("order line"),
    )
    quantity = quantity_field(_("quantity"))

    class Meta:
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        ordering = ["shipment", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="shipment_line_quantity_gt_0"),
        ]
        triggers = [
            pgtrigger.Protect(
                name="shipment_lines_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_line.product} {self.quantity}"


class Confirmation(models.Model):
    """R-13.4: the customer's confirmation (客户确认单) of goods received: who signed, when,
    the quantities, with a scan or photo; filed by the clerk."""

    order = models.ForeignKey(
        OutboundOrder,
        on_delete=models.PROTECT,
        related_name="confirmations",
        verbose_name=_("order"),
    )
    office = models.ForeignKey(
        "staff.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    signed_by = models.CharField(
        pgettext_lazy("customer confirmation", "signed by"), max_length=100
    )
    signed_on = models.DateField(_("signed on"))
    note = models.TextField(pgettext_lazy("shipping document", "note"), blank=True)
    scan = models.FileField(_("scan"), upload_to=confirmation_path, max_length=200, blank=True)
    scan_type = models.CharField(_("scan type"), max_length=50, blank=True)
    recorded_by = _user_field(_("recorded by"), null=False)
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("customer confirmation")
        verbose_name_plural = _("customer confirmations")
        ordering = ["order", "recorded_at", "pk"]
        triggers = [pgtrigger.Protect(name="confirmations_kept", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.order} {self.signed_by} {self.signed_on:%Y-%m-%d}"


class ConfirmationLine(models.Model):
    confirmation = models.ForeignKey(
        Confirmation, on_delete=models.CASCADE, related_name="lines", verbose_name=_("confirmation")
    )
    order_line = models.ForeignKey(
        OutboundLine,
        on_delete=models.PROTECT,
        related_name="confirmation_lines",
        verbose_name=_("order line"),
    )
    quantity = quantity_field(_("quantity received"))

    class Meta:
        verbose_name = _("confirmation line")
        verbose_name_plural = _("confirmation lines")
        ordering = ["confirmation", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="confirmation_line_not_negative"
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="confirmation_lines_kept", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_line.product} {self.quantity}"


class FirstOrderDelay(models.Model):
    """R-13.2: why a signed contract's first outbound order was not issued within one working
    day, as the clerk or the manager gives it."""

    contract = models.OneToOneField(
        "contracts.SalesContract",
        on_delete=models.PROTECT,
        related_name="first_order_delay",
        verbose_name=_("contract"),
    )
    reason = models.TextField(_("reason"))
    recorded_by = _user_field(_("recorded by"), null=False)
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("late first outbound order")
        verbose_name_plural = _("late first outbound orders")

    def __str__(self) -> str:
        return str(self.contract)
