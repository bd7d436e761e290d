"""Statuses and kinds of invoicing and receivables (R-14, R-15)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class InvoiceType(models.TextChoices):
    """R-14.1: 增值税专用发票 or 增值税普通发票."""

    VAT_SPECIAL = "vat_special", _("VAT special invoice")
    ORDINARY = "ordinary", _("VAT ordinary invoice")


class InvoiceRequestStatus(models.TextChoices):
    """An invoice request (R-14.1): the approval states (R-8), then `issued` once finance has
    issued its invoice, or `cancelled` by its salesperson before that."""

    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Pending approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ISSUED = "issued", _("Invoice issued")
    CANCELLED = "cancelled", _("Cancelled")


class CollectionStatus(models.TextChoices):
    """A collection request (R-15.3): the approval states, then `received` once finance has
    recorded a receipt against it, or `cancelled`."""

    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Pending approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RECEIVED = "received", _("Received")
    CANCELLED = "cancelled", _("Cancelled")


class WriteOffStatus(models.TextChoices):
    """A write-off (R-15.1): approved by the director and the executive; posted to the ledger
    when approved."""

    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Pending approval")
    APPROVED = "approved", pgettext_lazy("write-off", "Written off")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


class PaymentMethod(models.TextChoices):
    """R-15.3: how the customer paid."""

    TRANSFER = "transfer", _("Bank transfer")
    CHEQUE = "cheque", _("Cheque")
    ACCEPTANCE_BILL = "acceptance_bill", _("Bank acceptance bill")
    BANK_DRAFT = "bank_draft", _("Bank draft")
    CASH = "cash", _("Cash")


# what a clerk or salesperson may receive and must hand to finance
INSTRUMENTS = (PaymentMethod.CHEQUE, PaymentMethod.ACCEPTANCE_BILL, PaymentMethod.BANK_DRAFT)
HANDOVER_KINDS = (*INSTRUMENTS, PaymentMethod.CASH)


class LedgerKind(models.TextChoices):
    """R-15.1: what posted a line of an account's ledger. Invoices, refunds and receipt
    reversals debit; red-letter invoices, receipts and write-offs credit."""

    INVOICE = "invoice", _("Invoice")
    RED_INVOICE = "red_invoice", _("Red-letter invoice")
    RECEIPT = "receipt", _("Receipt")
    REVERSAL = "reversal", _("Receipt reversed")
    WRITE_OFF = "write_off", _("Write-off")
    REFUND = "refund", _("Refund")


DEBIT_KINDS = {LedgerKind.INVOICE, LedgerKind.REFUND, LedgerKind.REVERSAL}


class StatementStatus(models.TextChoices):
    """R-15.6: a statement of account, made by finance, sent by the salesperson, then signed
    back as agreed or disputed item by item; disputed until every difference is resolved."""

    DRAFT = "draft", pgettext_lazy("statement", "Not sent")
    SENT = "sent", pgettext_lazy("statement", "Sent")
    AGREED = "agreed", pgettext_lazy("statement", "Signed back")
    DISPUTED = "disputed", pgettext_lazy("statement", "Disputed")
    RESOLVED = "resolved", pgettext_lazy("statement", "Differences resolved")


class RunStatus(models.TextChoices):
    """The generation of an office's statements for a half year (a Celery task)."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class UnpaidPeriod(models.TextChoices):
    """R-15.7: the unpaid report (未收款项报告表) per week or per ten days (旬)."""

    WEEK = "week", _("Weekly")
    TEN_DAYS = "ten_days", _("Ten-day")


# document numbers (common.numbering): 开票申请单, 收款申请单, 收款单, 核销单
INVOICE_REQUEST_PREFIX = "KP"
COLLECTION_PREFIX = "SQ"
RECEIPT_PREFIX = "SK"
WRITE_OFF_PREFIX = "HX"
REFUND_PREFIX = "TK"

DEFAULT_PAYMENT_DAYS = 30
AGING_BUCKETS = ((0, 30), (31, 60), (61, 90), (91, 180), (181, None))  # days overdue
