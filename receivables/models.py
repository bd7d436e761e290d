"""Invoices and the accounts' ledgers (R-14, R-15).

Money follows an account through its documents: invoices (and refunds, and the reversal of a
receipt entered wrongly) debit its ledger; red-letter invoices, receipts and write-offs
credit it. Ledger lines are posted in the transaction of the document that causes them and
never change (a trigger refuses UPDATE and DELETE); an account's balance is their SUM.

The invariants (receivables.reconcile checks them, the services hold them under row locks):
- per account: balance = Σ debits − Σ credits = Σ open amounts of its invoices − its
  unallocated credit (receipts not allocated, less refunds);
- per invoice: 0 ≤ allocated ≤ amount − credited by red invoices − written off;
- per contract: invoiced − red ≤ value shipped net of returns, unless the contract says
  invoice before delivery (R-14.2).
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from approvals.models import ApprovableDocument
from quotes.models import money_field, quantity_field
from shipping.models import Numbered

from .choices import (
    CollectionStatus,
    InvoiceRequestStatus,
    InvoiceType,
    LedgerKind,
    PaymentMethod,
    RunStatus,
    StatementStatus,
    UnpaidPeriod,
    WriteOffStatus,
)

APPEND_ONLY = pgtrigger.Update | pgtrigger.Delete


def _user(verbose_name, *, null: bool = True, related_name: str = "+"):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=null,
        blank=null,
        related_name=related_name,
        verbose_name=verbose_name,
    )


def _office():
    return models.ForeignKey(
        "staff.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )


def _account(related_name: str):
    return models.ForeignKey(
        "accounts.Account",
        on_delete=models.PROTECT,
        related_name=related_name,
        verbose_name=_("account"),
    )


def _numbered_constraints(prefix: str) -> list:
    return [
        models.UniqueConstraint(fields=["office", "number"], name=f"{prefix}_number_unique"),
        models.UniqueConstraint(
            fields=["office", "year", "sequence"], name=f"{prefix}_sequence_unique"
        ),
    ]


class InvoiceRequest(Numbered, ApprovableDocument):
    """R-14.1: the salesperson's invoice request (开票申请单) on a contract: the amount (from
    its lines, or given), the invoice type and the buyer's tax details. The branch manager
    reviews it; finance issues the invoice."""

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InvoiceRequestStatus.choices,
        default=InvoiceRequestStatus.DRAFT,
    )
    office = _office()
    contract = models.ForeignKey(
        "contracts.SalesContract",
        on_delete=models.PROTECT,
        related_name="invoice_requests",
        verbose_name=_("contract"),
    )
    account = _account("invoice_requests")
    invoice_type = models.CharField(_("invoice type"), max_length=20, choices=InvoiceType.choices)
    buyer_name = models.CharField(_("buyer's name"), max_length=200)
    buyer_tax_number = models.CharField(_("buyer's taxpayer number"), max_length=20)
    buyer_address_phone = models.CharField(
        _("buyer's address and telephone"), max_length=300, blank=True
    )
    buyer_bank_account = models.CharField(_("buyer's bank and account"), max_length=300, blank=True)
    amount = money_field(_("amount"))
    tax = money_field(_("tax"))
    note = models.TextField(pgettext_lazy("receivables document", "note"), blank=True)
    author = _user(_("created by"), null=False)
    owner = _user(
        pgettext_lazy("sales department", "Salesperson"),
        null=False,
        related_name="owned_invoice_requests",
    )
    created_at = models.DateTimeField(_("created at"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = _user(_("cancelled by"))

    class Meta:
        verbose_name = _("invoice request")
        verbose_name_plural = _("invoice requests")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["office", "status"], name="invreq_office_status")]
        constraints = [
            *_numbered_constraints("invreq"),
            models.CheckConstraint(
                condition=Q(status__in=InvoiceRequestStatus.values), name="invreq_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0, tax__gte=0, tax__lte=F("amount")),
                name="invreq_amount_positive",
            ),
        ]

    def approval_party_ids(self) -> set[int]:
        """R-8.1: nobody reviews a request for an account they own or deputise."""
        return {self.account.owner_id, self.account.deputy_id} - {None}


class InvoiceRequestLine(models.Model):
    """A line of an invoice request: part of a contract line, priced as the contract line."""

    request = models.ForeignKey(
        InvoiceRequest, on_delete=models.CASCADE, related_name="lines", verbose_name=_("request")
    )
    contract_line = models.ForeignKey(
        "contracts.ContractLine",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("contract line"),
    )
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    quantity = quantity_field(_("quantity"))
    amount = money_field(_("amount"))
    tax = money_field(_("tax"))

    class Meta:
        verbose_name = _("invoice request line")
        verbose_name_plural = _("invoice request lines")
        ordering = ["request", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0, amount__gte=0, tax__gte=0),
                name="invreq_line_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} × {self.quantity}"


class Invoice(models.Model):
    """R-14.1: an invoice finance issued, with the tax authority's number and date; R-14.3: a
    red-letter invoice (红字发票) is an Invoice with `red_of` set, crediting its original.
    Never edited: the customer's signature on receipt is the one later fact recorded."""

    office = _office()
    account = _account("invoices")
    contract = models.ForeignKey(
        "contracts.SalesContract",
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("contract"),
    )
    request = models.OneToOneField(
        InvoiceRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoice",
        verbose_name=_("invoice request"),
    )
    red_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reds",
        verbose_name=_("red-letter invoice of"),
    )
    invoice_type = models.CharField(_("invoice type"), max_length=20, choices=InvoiceType.choices)
    number = models.CharField(_("invoice number"), max_length=30)
    date = models.DateField(_("invoice date"))
    amount = money_field(_("amount"))
    tax = money_field(_("tax"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    return_request = models.ForeignKey(
        "shipping.ReturnRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="red_invoices",
        verbose_name=_("return"),
    )
    issued_by = _user(_("issued by"), null=False)
    issued_at = models.DateTimeField(_("issued at"))
    # the customer's signature on receipt (交客户签收)
    signed_by = models.CharField(_("signed for by"), max_length=100, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signature_recorded_by = _user(_("signature recorded by"))
    # a receivable with a question, on the clerk's daily list until answered
    query = models.TextField(_("question"), blank=True)
    queried_at = models.DateTimeField(_("queried at"), null=True, blank=True)
    queried_by = _user(_("queried by"))
    query_answer = models.TextField(_("answer"), blank=True)
    query_answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["account", "due_date"], name="invoice_account_due"),
            models.Index(fields=["office", "date"], name="invoice_office_date"),
            models.Index(fields=["contract"], name="invoice_contract"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["office", "number"], name="invoice_number_unique"),
            models.CheckConstraint(
                condition=Q(amount__gt=0, tax__gte=0, tax__lte=F("amount")),
                name="invoice_amount_positive",
            ),
            # an ordinary invoice comes from a request and falls due; a red one does neither
            models.CheckConstraint(
                condition=Q(red_of__isnull=True, request__isnull=False, due_date__isnull=False)
                | Q(red_of__isnull=False, request__isnull=True, due_date__isnull=True),
                name="invoice_red_or_requested",
            ),
        ]
        triggers = [pgtrigger.Protect(name="invoices_kept", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return self.number

    @property
    def is_red(self) -> bool:
        return self.red_of_id is not None


class CollectionRequest(Numbered, ApprovableDocument):
    """R-15.3: the salesperson's collection request (收款申请单): the account, the amount
    expected, how and when. The branch manager, then finance, confirm it; the customer is then
    told, and finance records the receipt against it."""

    status = models.CharField(
        _("status"), max_length=20, choices=CollectionStatus.choices, default=CollectionStatus.DRAFT
    )
    office = _office()
    account = _account("collection_requests")
    expected_amount = money_field(_("expected amount"))
    method = models.CharField(_("method"), max_length=20, choices=PaymentMethod.choices)
    expected_date = models.DateField(_("expected date"))
    note = models.TextField(pgettext_lazy("receivables document", "note"), blank=True)
    author = _user(_("created by"), null=False)
    owner = _user(
        pgettext_lazy("sales department", "Salesperson"),
        null=False,
        related_name="owned_collection_requests",
    )
    created_at = models.DateTimeField(_("created at"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    customer_told_at = models.DateTimeField(_("customer told at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("collection request")
        verbose_name_plural = _("collection requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            *_numbered_constraints("collreq"),
            models.CheckConstraint(
                condition=Q(status__in=CollectionStatus.values), name="collreq_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(expected_amount__gt=0), name="collreq_amount_positive"
            ),
        ]

    def approval_party_ids(self) -> set[int]:
        return {self.account.owner_id, self.account.deputy_id} - {None}


class Handover(models.Model):
    """R-15.4: a cheque, bill or draft received by a clerk or salesperson, handed to finance the
    same day with finance signing for it; or cash collected as an exception, remitted within 1
    working day. Finance's signature is `signed_at`; the receipt it became is `receipt`."""

    office = _office()
    account = _account("handovers")
    kind = models.CharField(_("kind"), max_length=20, choices=PaymentMethod.choices)
    instrument_number = models.CharField(_("instrument number"), max_length=50, blank=True)
    amount = money_field(_("amount"))
    received_by = _user(_("received by"), null=False)
    received_at = models.DateTimeField(_("received at"))
    note = models.TextField(pgettext_lazy("receivables document", "note"), blank=True)
    signed_by = _user(_("finance signed"))
    signed_at = models.DateTimeField(_("finance signed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("handover to finance")
        verbose_name_plural = _("handovers to finance")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(
                fields=["office", "received_at"],
                condition=Q(signed_at__isnull=True),
                name="handover_unsigned",
            )
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="handover_amount_positive"),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in PaymentMethod if k != "transfer"]),
                name="handover_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True) | Q(signed_by__isnull=False),
                name="handover_signed_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class Receipt(Numbered):
    """R-15.3: money received from a customer (收款单), recorded by finance and allocated to
    invoices (oldest due first unless chosen). What is not allocated is a credit on the
    account. Never edited: a receipt entered wrongly is reversed by a new Receipt with
    `reversal_of` set, which debits the ledger and takes back its allocations."""

    office = _office()
    account = _account("receipts")
    amount = money_field(_("amount"))
    method = models.CharField(_("method"), max_length=20, choices=PaymentMethod.choices)
    date = models.DateField(_("date received"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    collection_request = models.ForeignKey(
        CollectionRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="receipts",
        verbose_name=_("collection request"),
    )
    handover = models.OneToOneField(
        Handover,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="receipt",
        verbose_name=_("handover"),
    )
    reversal_of = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
        verbose_name=_("reversal of"),
    )
    note = models.TextField(pgettext_lazy("receivables document", "note"), blank=True)
    recorded_by = _user(_("recorded by"), null=False)
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["account", "date"], name="receipt_account_date"),
            models.Index(fields=["office", "date"], name="receipt_office_date"),
        ]
        constraints = [
            *_numbered_constraints("receipt"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="receipt_amount_positive"),
        ]
        triggers = [pgtrigger.Protect(name="receipts_append_only", operation=APPEND_ONLY)]

    @property
    def is_reversal(self) -> bool:
        return self.reversal_of_id is not None


class Allocation(models.Model):
    """Part of a receipt set against an invoice (R-15.3). Append-only; a reversal's
    allocations are negative, each taking back one of the original's."""

    receipt = models.ForeignKey(
        Receipt, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("receipt")
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("invoice")
    )
    amount = money_field(_("amount"))
    date = models.DateField(_("date"))
    created_by = _user(_("allocated by"), null=False)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["pk"]
        indexes = [models.Index(fields=["invoice", "date"], name="allocation_invoice_date")]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="allocation_not_zero"),
        ]
        triggers = [pgtrigger.Protect(name="allocations_append_only", operation=APPEND_ONLY)]

    def __str__(self) -> str:
        return f"{self.receipt} → {self.invoice}: {self.amount}"


class Refund(Numbered):
    """R-15.1: a credit on the account paid back to the customer (it debits the ledger)."""

    office = _office()
    account = _account("receivable_refunds")
    amount = money_field(_("amount"))
    method = models.CharField(_("method"), max_length=20, choices=PaymentMethod.choices)
    date = models.DateField(_("date paid"))
    note = models.TextField(pgettext_lazy("receivables document", "note"), blank=True)
    recorded_by = _user(_("recorded by"), null=False)
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("refund to a customer")
        verbose_name_plural = _("refunds to customers")
        ordering = ["-date", "-pk"]
        constraints = [
            *_numbered_constraints("arrefund"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="arrefund_amount_positive"),
        ]
        triggers = [pgtrigger.Protect(name="ar_refunds_append_only", operation=APPEND_ONLY)]


class WriteOff(Numbered, ApprovableDocument):
    """R-15.1: writing off what remains of an invoice (坏账核销), proposed by finance or the
    branch manager; the director and then the executive approve it, and the approval posts it
    to the ledger (a credit)."""

    status = models.CharField(
        _("status"), max_length=20, choices=WriteOffStatus.choices, default=WriteOffStatus.DRAFT
    )
    office = _office()
    account = _account("write_offs")
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="write_offs", verbose_name=_("invoice")
    )
    amount = money_field(_("amount"))
    reason = models.TextField(_("reason"))
    date = models.DateField(_("date"), null=True, blank=True)  # posted on approval
    author = _user(_("created by"), null=False)
    created_at = models.DateTimeField(_("created at"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("write-off")
        verbose_name_plural = _("write-offs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            *_numbered_constraints("writeoff"),
            models.CheckConstraint(
                condition=Q(status__in=WriteOffStatus.values), name="writeoff_status_valid"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="writeoff_amount_positive"),
        ]

    def approval_party_ids(self) -> set[int]:
        return {self.account.owner_id, self.account.deputy_id} - {None}


class LedgerLine(models.Model):
    """R-15.1: one line of an account's ledger (分户账), posted in the transaction of the
    document that causes it. Append-only: a trigger refuses UPDATE and DELETE."""

    office = _office()
    account = _account("ledger_lines")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=LedgerKind.choices)
    document = models.CharField(_("document"), max_length=40)
    debit = money_field(_("debit"), default=0)
    credit = money_field(_("credit"), default=0)
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    receipt = models.ForeignKey(
        Receipt, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    refund = models.ForeignKey(
        Refund, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    write_off = models.ForeignKey(
        WriteOff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    posted_by = _user(_("posted by"), null=False)
    posted_at = models.DateTimeField(_("posted at"))

    class Meta:
        verbose_name = _("ledger line")
        verbose_name_plural = _("ledger lines")
        ordering = ["account", "date", "pk"]
        indexes = [
            models.Index(fields=["account", "date", "id"], name="ledger_account_date"),
            models.Index(fields=["office", "date"], name="ledger_office_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(debit__gt=0, credit=0) | Q(credit__gt=0, debit=0),
                name="ledger_debit_or_credit",
            ),
            # each line is caused by exactly one document
            models.CheckConstraint(
                condition=(
                    Q(kind__in=["invoice", "red_invoice"], invoice__isnull=False)
                    | Q(kind__in=["receipt", "reversal"], receipt__isnull=False)
                    | Q(kind="refund", refund__isnull=False)
                    | Q(kind="write_off", write_off__isnull=False)
                ),
                name="ledger_line_has_its_document",
            ),
        ]
        triggers = [pgtrigger.Protect(name="ledger_append_only", operation=APPEND_ONLY)]

    def __str__(self) -> str:
        return f"{self.account_id} {self.date} {self.document} {self.debit}/{self.credit}"


class CollectionNotice(models.Model):
    """R-15.2: a collection notice (应收账款催收单) for one account on one day, listing its
    overdue invoices, for the account's salesperson and the branch manager; the salesperson
    signs for it (传票签收). One per account and day: the dunning job run twice makes one."""

    office = _office()
    account = _account("collection_notices")
    salesperson = _user(
        pgettext_lazy("sales department", "Salesperson"), null=False, related_name="+"
    )
    date = models.DateField(_("date"))
    total = money_field(_("total overdue"))
    created_at = models.DateTimeField(_("created at"))
    signed_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    signed_by = _user(_("signed for by"))

    class Meta:
        verbose_name = _("collection notice")
        verbose_name_plural = _("collection notices")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["salesperson", "signed_at"], name="notice_salesperson"),
            models.Index(fields=["office", "date"], name="notice_office_date"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["account", "date"], name="notice_one_per_day"),
            models.CheckConstraint(condition=Q(total__gt=0), name="notice_total_positive"),
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True) | Q(signed_by__isnull=False),
                name="notice_signed_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.date}"


class NoticeLine(models.Model):
    notice = models.ForeignKey(
        CollectionNotice, on_delete=models.CASCADE, related_name="lines", verbose_name=_("notice")
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="+", verbose_name=_("invoice")
    )
    open_amount = money_field(_("open amount"))
    due_date = models.DateField(_("due date"))
    days_overdue = models.PositiveIntegerField(_("days overdue"))

    class Meta:
        verbose_name = _("collection notice line")
        verbose_name_plural = _("collection notice lines")
        ordering = ["notice", "due_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "invoice"], name="notice_line_once"),
            models.CheckConstraint(condition=Q(open_amount__gt=0), name="notice_line_open"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice} {self.open_amount}"


class StatementRun(models.Model):
    """The generation of one office's statements for a half year, done by a Celery task; the
    page follows `done` of `total`."""

    office = _office()
    period = models.CharField(_("period"), max_length=7)
    status = models.CharField(
        _("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("accounts"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    created = models.PositiveIntegerField(_("statements made"), default=0)
    # the last account examined, in id order: a run delivered again (a worker lost) resumes
    # after it instead of counting the accounts before it twice
    cursor = models.BigIntegerField(_("last account examined"), default=0)
    started_by = _user(_("started by"), null=False)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("statement run")
        verbose_name_plural = _("statement runs")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "period"],
                condition=Q(status__in=["queued", "running"]),
                name="statement_run_one_live",
            ),
            models.CheckConstraint(condition=Q(done__lte=F("total")), name="statement_run_done"),
            models.CheckConstraint(
                condition=Q(status__in=RunStatus.values), name="statement_run_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.period}"


class Statement(models.Model):
    """R-15.6: a statement of account (往来账目核对) for a half year: opening balance, every
    ledger line of the half, closing balance. One per account and period."""

    office = _office()
    account = _account("statements")
    period = models.CharField(_("period"), max_length=7)  # 2026H1
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    opening = money_field(_("opening balance"))
    debits = money_field(_("debits"))
    credits = money_field(_("credits"))
    closing = money_field(_("closing balance"))
    status = models.CharField(
        _("status"), max_length=20, choices=StatementStatus.choices, default=StatementStatus.DRAFT
    )
    run = models.ForeignKey(
        StatementRun, on_delete=models.PROTECT, null=True, blank=True, related_name="statements"
    )
    generated_at = models.DateTimeField(_("generated at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_by = _user(_("sent by"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = _user(_("answer recorded by"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("statement of account")
        verbose_name_plural = _("statements of account")
        ordering = ["-end", "account__name", "pk"]
        indexes = [models.Index(fields=["office", "period", "status"], name="statement_office")]
        constraints = [
            models.UniqueConstraint(fields=["account", "period"], name="statement_one_per_half"),
            models.CheckConstraint(
                condition=Q(closing=F("opening") + F("debits") - F("credits")),
                name="statement_adds_up",
            ),
            models.CheckConstraint(
                condition=Q(status__in=StatementStatus.values), name="statement_status_valid"
            ),
            # sent before it is answered; answered before it is resolved
            models.CheckConstraint(
                condition=Q(status="draft") | Q(sent_at__isnull=False),
                name="statement_sent_when_past_draft",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "sent"]) | Q(answered_at__isnull=False),
                name="statement_answered_when_answered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.period}"


class StatementDifference(models.Model):
    """R-15.6: one item the customer disputed, open until resolved."""

    statement = models.ForeignKey(
        Statement,
        on_delete=models.CASCADE,
        related_name="differences",
        verbose_name=_("statement"),
    )
    item = models.CharField(_("item"), max_length=200)
    amount = money_field(_("amount"))
    note = models.TextField(pgettext_lazy("receivables document", "note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = _user(_("resolved by"))
    resolution = models.TextField(_("resolution"), blank=True)

    class Meta:
        verbose_name = _("statement difference")
        verbose_name_plural = _("statement differences")
        ordering = ["statement", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="difference_amount_not_zero"),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True)
                | (Q(resolved_by__isnull=False) & ~Q(resolution="")),
                name="difference_resolved_with_resolution",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement}: {self.item}"


class UnpaidReport(models.Model):
    """R-15.7: the unpaid report (未收款项报告表) a salesperson submits for a week or ten days,
    with a note per the figures of that day; finance checks it. The figures are the ledger's,
    kept as they were when submitted."""

    office = _office()
    salesperson = _user(
        pgettext_lazy("sales department", "Salesperson"), null=False, related_name="+"
    )
    kind = models.CharField(_("period"), max_length=20, choices=UnpaidPeriod.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    open_total = money_field(_("unpaid"))
    overdue_total = money_field(_("overdue"))
    note = models.TextField(pgettext_lazy("receivables document", "note"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    checked_by = _user(_("checked by"))
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    check_note = models.TextField(_("finance's note"), blank=True)

    class Meta:
        verbose_name = _("unpaid report")
        verbose_name_plural = _("unpaid reports")
        ordering = ["-start", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["salesperson", "kind", "start"], name="unpaid_report_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.salesperson} {self.start}"
