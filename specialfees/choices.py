"""Kinds, statuses and forms of payment of special customer fees (R-16.4)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

FEE_PREFIX = "TF"  # document numbers: TF-2026-0001 (common.numbering)


class FeeKind(models.TextChoices):
    PROMOTION = "promotion", _("Promotion fee")
    TEMPORARY_STAFF = "temporary_staff", _("Temporary staff")
    OTHER = "other", _("Other special fee")


class FeeStatus(models.TextChoices):
    """The approval states (R-8), then `paid` by finance, or `cancelled` by its author from a
    draft or a rejection."""

    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Pending approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


OPEN = (FeeStatus.DRAFT, FeeStatus.REJECTED)

# who moves a fee where (the approval engine moves draft/rejected → pending → approved/rejected)
TRANSITIONS = {
    FeeStatus.DRAFT: {FeeStatus.PENDING, FeeStatus.CANCELLED},
    FeeStatus.REJECTED: {FeeStatus.PENDING, FeeStatus.CANCELLED},
    FeeStatus.PENDING: {FeeStatus.APPROVED, FeeStatus.REJECTED},
    FeeStatus.APPROVED: {FeeStatus.PAID},
    FeeStatus.PAID: set(),
    FeeStatus.CANCELLED: set(),
}


class PaymentForm(models.TextChoices):
    """R-16.4: the executive decides how the fee reaches the customer."""

    TRANSFER = "transfer", _("Bank transfer to the customer")
    OFFSET = "offset", _("Offset against the account's receivable")
    GOODS = "goods", _("Goods")
    CASH = "cash", _("Cash")
