"""Sales contracts and phone/fax orders (R-12.1, R-12.3), their lines, and the monthly register
of contract numbers (R-12.2).

A contract is an approval document (R-8): its engine statuses are draft, pending and rejected,
and a completed approval makes it `signed` (approvals.registry's `approved_status`), with a
number from the office's gap-free counter (common.numbering). Then `fulfilled` and `closed`,
or `cancelled` by the manager (R-12.4).
"""

import uuid
from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from approvals.models import ApprovableDocument
from quotes.models import PricedLine, money_field, quantity_field

from .choices import ContractKind, ContractStatus, EventKind, PaymentBasis


def scan_path(contract: "SalesContract", filename: str) -> str:
    """Where a scan is stored: under MEDIA_ROOT, which is never served; a random name, so
    that nothing about the contract can be guessed from it. Downloads go through
    contracts.views.contract_scan, which checks who asks."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"contracts/scans/{contract.office_id}/{uuid.uuid4().hex}.{extension}"


class SalesContract(ApprovableDocument):
    """R-12.1: a sales contract, made from a won quote or directly; R-12.3: a phone or fax
    order is the same document of kind `phone_order`."""

    status = models.CharField(
        _("status"), max_length=20, choices=ContractStatus.choices, default=ContractStatus.DRAFT
    )
    office = models.ForeignKey(
        "staff.Office",
        on_delete=models.PROTECT,
        related_name="sales_contracts",
        verbose_name=_("branch"),
    )
    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.PROTECT,
        related_name="sales_contracts",
        verbose_name=_("account"),
    )
    quote = models.ForeignKey(
        "quotes.Quote",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
        verbose_name=_("quote"),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=ContractKind.choices, default=ContractKind.CONTRACT
    )
    # blank until the approval completes; kept for good once given (an amended
    # contract keeps its number when it is signed again)
    number = models.CharField(_("number"), max_length=30, blank=True)
    sequence = models.PositiveIntegerField(_("sequence"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    numbered_at = models.DateTimeField(_("numbered at"), null=True, blank=True)
    # delivery terms
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    delivery_place = models.CharField(_("delivery place"), max_length=200, blank=True)
    # payment terms (default 30 days after the invoice)
    advance_percent = models.DecimalField(
        _("advance payment (percent)"), max_digits=5, decimal_places=2, default=Decimal("0.00")
    )
    payment_basis = models.CharField(
        _("payment due"),
        max_length=20,
        choices=PaymentBasis.choices,
        default=PaymentBasis.AFTER_INVOICE,
    )
    payment_terms_days = models.PositiveSmallIntegerField(_("payment days"), default=30)
    invoice_before_delivery = models.BooleanField(_("invoice before delivery"), default=False)
    total = money_field(_("total"), default=Decimal("0.00"))
    tax_total = money_field(_("tax"), default=Decimal("0.00"))
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    # a phone order is confirmed by the manager before anything ships; the manager's
    # approval step is that confirmation (contracts.services.contract_signed)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )
    cancel_reason = models.TextField(_("reason for the cancellation"), blank=True)
    # filed by the clerk with its scan, the day it is signed
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("filed by"),
    )
    scan = models.FileField(_("scan"), upload_to=scan_path, max_length=200, blank=True)
    scan_type = models.CharField(_("scan type"), max_length=50, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_sales_contracts",
        verbose_name=_("salesperson"),
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("sales contract")
        verbose_name_plural = _("sales contracts")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["office", "status"], name="contract_office_status"),
            models.Index(fields=["account", "status"], name="contract_account_status"),
            models.Index(
                fields=["office", "signed_at"],
                condition=Q(filed_at__isnull=True) & ~Q(number=""),
                name="contract_unfiled",
            ),
        ]
        constraints = [
            # one number per office; one sequence per office and year
            models.UniqueConstraint(
                fields=["office", "number"], condition=~Q(number=""), name="contract_number_unique"
            ),
            models.UniqueConstraint(
                fields=["office", "year", "sequence"],
                condition=Q(sequence__isnull=False),
                name="contract_sequence_unique",
            ),
            models.CheckConstraint(
                condition=Q(number="", sequence__isnull=True, year__isnull=True)
                | (~Q(number="") & Q(sequence__isnull=False, year__isnull=False)),
                name="contract_number_with_sequence",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ContractStatus.values), name="contract_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled")
                | (Q(cancelled_at__isnull=False) & ~Q(cancel_reason="")),
                name="contract_cancelled_with_reason",
            ),
            models.CheckConstraint(
                condition=Q(filed_at__isnull=True) | ~Q(scan=""), name="contract_filed_with_scan"
            ),
            models.CheckConstraint(
                condition=Q(advance_percent__gte=0, advance_percent__lte=100),
                name="contract_advance_0_100",
            ),
            models.CheckConstraint(
                condition=Q(payment_terms_days__lte=365), name="contract_payment_days_max"
            ),
            models.CheckConstraint(
                condition=Q(total__gte=0, tax_total__gte=0), name="contract_totals_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"{self.account} ({self.get_status_display()})"

    # R-8 table: what the chain asks of a contract
    def approval_amount(self) -> Decimal:
        """R-8.5: a contract is major by its total."""
        return self.total

    def over_credit(self) -> bool:
        """R-9.5: the contract would take the account's exposure above its credit limit. A
        submitted contract answers as its approval round was set when it was submitted (the
        exposure moves as other contracts are signed; the round it is in does not)."""
        from .rules import over_credit

        if self.pk and self.status not in (ContractStatus.DRAFT, ContractStatus.REJECTED):
            step = self.approvals().filter(role="director").first()
            if step is not None:
                return step.state != "skipped"
        from .selectors import credit_check_exposure

        return over_credit(
            exposure=credit_check_exposure(self.account, excluding=self),
            amount=self.total,
            limit=self.account.credit_limit,
        )

    def approval_party_ids(self) -> set[int]:
        """R-8.1: nobody decides a contract of an account they own or deputise."""
        return {self.account.owner_id, self.account.deputy_id} - {None}

    @property
    def is_phone_order(self) -> bool:
        return self.kind == ContractKind.PHONE_ORDER


class ContractLine(PricedLine):
    """R-12.1: a product, quantity and tax-inclusive unit price; amount and tax come from
    quotes.money (R-11.3). `quote_line` is the line of the quote it came from, for the
    deviations shown against the quote (R-8.3). The shipping issue adds what has shipped and
    come back; `cancelled_quantity` is what a cancellation took off (R-12.4)."""

    contract = models.ForeignKey(
        SalesContract, on_delete=models.CASCADE, related_name="lines", verbose_name=_("contract")
    )
    quote_line = models.ForeignKey(
        "quotes.QuoteLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("quote line"),
    )
    cancelled_quantity = quantity_field(_("cancelled quantity"), default=Decimal("0.000"))

    class Meta:
        verbose_name = _("contract line")
        verbose_name_plural = _("contract lines")
        ordering = ["contract", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="contract_line_quantity_gt_0"),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0, amount__gte=0, tax__gte=0),
                name="contract_line_money_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(tax_rate__gte=0, tax_rate__lte=1), name="contract_line_tax_rate_0_1"
            ),
            models.CheckConstraint(
                condition=Q(cancelled_quantity__gte=0, cancelled_quantity__lte=F("quantity")),
                name="contract_line_cancelled_within",
            ),
        ]


class ContractRegister(models.Model):
    """R-12.2: the register of one month's contract numbers of an office (合同原件编号整理成册),
    closed by the clerk by the 5th of the next month. Its lines are computed from the
    contracts (contracts.register); this row records the closing."""

    office = models.ForeignKey(
        "staff.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    closed_at = models.DateTimeField(_("closed at"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("closed by"),
    )
    # what the register showed when it was closed, for the record
    numbers = models.PositiveIntegerField(_("numbers"), default=0)
    gaps = models.PositiveIntegerField(_("gaps"), default=0)
    unfiled = models.PositiveIntegerField(_("unfiled"), default=0)

    class Meta:
        verbose_name = _("contract register")
        verbose_name_plural = _("contract registers")
        ordering = ["office", "-year", "-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "year", "month"], name="contract_register_one_per_month"
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="contract_register_month_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.year}-{self.month:02d}"


class ContractEvent(models.Model):
    """Every change of a contract outside its approval (whose events the engine keeps):
    created, edited, amended, signed, filed, fulfilled, closed, cancelled. Append-only."""

    contract = models.ForeignKey(
        SalesContract, on_delete=models.PROTECT, related_name="events", verbose_name=_("contract")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"))
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("contract event")
        verbose_name_plural = _("contract events")
        ordering = ["at", "pk"]
        triggers = [
            pgtrigger.Protect(
                name="contract_events_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.kind}"
