"""Kinds and statuses of sales contracts (R-12), with the transitions a contract may make."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContractKind(models.TextChoices):
    """R-12.1, R-12.3 (API.md: kind ∈ contract, phone_order)."""

    CONTRACT = "contract", _("Sales contract")
    PHONE_ORDER = "phone_order", _("Phone or fax order")


class ContractStatus(models.TextChoices):
    """The approval states every document shares (R-8), then the contract's own (API.md):
    an approved contract is `signed` (there is no "approved" contract), then `fulfilled` and
    `closed`, or `cancelled`."""

    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Pending approval")
    REJECTED = "rejected", _("Rejected")
    SIGNED = "signed", _("Signed")
    FULFILLED = "fulfilled", _("Fulfilled")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


S = ContractStatus

# every transition a contract may make, and nothing else
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.PENDING, S.CANCELLED},
    S.REJECTED: {S.PENDING, S.CANCELLED},
    S.PENDING: {S.SIGNED, S.REJECTED},
    # a signed contract whose money or terms change goes back to draft
    S.SIGNED: {S.DRAFT, S.FULFILLED, S.CANCELLED},
    # an exchange's goods received back: the contract owes them again until they ship
    S.FULFILLED: {S.CLOSED, S.SIGNED},
    S.CLOSED: set(),
    S.CANCELLED: set(),
}

# only these are edited in place; a signed one is amended (back to draft, R-8.3)
EDITABLE = {S.DRAFT, S.REJECTED}
AMENDABLE = {S.SIGNED}
# a contract that was signed and has not gone back to draft: it holds its number on paper
SIGNED_STATES = {S.SIGNED, S.FULFILLED, S.CLOSED, S.CANCELLED}


class PaymentBasis(models.TextChoices):
    """R-12.1: the payment falls due so many days after delivery or after the invoice."""

    AFTER_INVOICE = "after_invoice", _("after the invoice")
    AFTER_DELIVERY = "after_delivery", _("after delivery")


NUMBER_PREFIX = "HT"  # HT-2026-0001


class EventKind(models.TextChoices):
    """What a ContractEvent records (the approval engine keeps its own events)."""

    CREATED = "created", _("Created")
    EDITED = "edited", _("Edited")
    AMENDED = "amended", _("Amended after signing")
    SIGNED = "signed", _("Signed")
    FILED = "filed", _("Filed")
    FULFILLED = "fulfilled", _("Fulfilled")
    REOPENED = "reopened", _("Owes goods again after an exchange")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")
