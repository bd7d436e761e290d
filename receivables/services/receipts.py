"""Receipts and their allocation to invoices, reversals, refunds and write-offs (R-15.1,
R-15.3). Every path that moves money on an account locks the account's row first, so two
receipts racing for the same invoice are served one after the other and never over-allocate.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied, ValidationError

from common.errors import DomainError
from notifications.services import notify
from staff.permissions import may

from .. import figures, ledger, rules
from ..choices import (
    RECEIPT_PREFIX,
    REFUND_PREFIX,
    CollectionStatus,
    LedgerKind,
    PaymentMethod,
)
from ..models import Allocation, Handover, Invoice, Receipt, Refund
from . import base
from .writeoffs import write_off_approved as write_off_approved
from .writeoffs import write_off_cancel as write_off_cancel
from .writeoffs import write_off_create as write_off_create
from .writeoffs import write_off_rejected as write_off_rejected
from .writeoffs import write_off_submit as write_off_submit

MAX_ALLOCATIONS = 200


@dataclass(frozen=True)
class AllocationInput:
    invoice: object  # an Invoice or its id
    amount: Decimal


def _refuse_unless_finance(actor, office) -> None:
    if not may(actor, "receivables.receipt", office):
        raise PermissionDenied(_("Only finance records receipts."))


def _allocate(
    *, receipt: Receipt, account, available: Decimal, chosen, actor, day, now
) -> list[Allocation]:
    """Set `available` of the receipt against the account's invoices: as chosen (each within
    its invoice's open amount, together within what is available), or oldest due first."""
    open_rows = {
        inv.pk: inv for inv in figures.open_invoices(account.pk).select_for_update(of=("self",))
    }
    if chosen is None:
        ordered = sorted(open_rows.values(), key=lambda i: (i.due_date, i.date, i.pk))
        plan = rules.allocate_oldest_first(available, [(i.pk, i.open_amount) for i in ordered])
    else:
        if len(chosen) > MAX_ALLOCATIONS:
            raise ValidationError({"allocations": [_("At most 200 allocations.")]})
        plan, seen = [], set()
        for index, given in enumerate(chosen):
            invoice_id = getattr(given.invoice, "pk", given.invoice)
            amount = base.money(given.amount, "amount")
            if invoice_id in seen:
                raise ValidationError({"allocations": {index: [_("The same invoice twice.")]}})
            seen.add(invoice_id)
            invoice = open_rows.get(invoice_id)
            if invoice is None:
                mine = Invoice.objects.filter(
                    pk=invoice_id, account=account, red_of__isnull=True
                ).exists()
                message = (
                    _("This invoice has nothing left to pay.")
                    if mine
                    else _("Not an invoice of this account.")
                )
                raise ValidationError({"allocations": {index: [message]}})
            if amount > invoice.open_amount:
                raise ValidationError(
                    {
                        "allocations": {
                            index: [
                                _("Over the open amount of invoice %(number)s: %(open)s yuan.")
                                % {"number": invoice.number, "open": f"{invoice.open_amount:,.2f}"}
                            ]
                        }
                    },
                    code="over_open",
                )
            plan.append((invoice_id, amount))
        if sum((a for _i, a in plan), Decimal("0")) > available:
            raise ValidationError(
                {"allocations": [_("The allocations add up to more than the receipt has left.")]}
            )
    return Allocation.objects.bulk_create(
        [
            Allocation(
                receipt=receipt,
                invoice_id=invoice_id,
                amount=amount,
                date=day,
                created_by=actor,
                created_at=now,
            )
            for invoice_id, amount in plan
        ]
    )


@transaction.atomic
def receipt_record(
    *,
    actor,
    account,
    amount,
    method: str,
    date,
    now: datetime.datetime,
    allocations: list[AllocationInput] | None = None,
    reference: str = "",
    note: str = "",
    collection_request=None,
    handover: Handover | None = None,
) -> Receipt:
    """R-15.3: finance records money received: it credits the ledger (R-15.1) and is
    allocated to invoices, oldest due first unless chosen; what is left is a credit on the
    account. From a collection request it marks the request received; from a cheque, bill or
    cash handed over (R-15.4) it takes the handover's amount and kind."""
    account = base.lock_account(account)
    _refuse_unless_finance(actor, account.office)
    amount = base.money(amount, "amount")
    method = base.choice(method, "method", PaymentMethod)
    day = base.day_in_range(date, "date", office=account.office, now=now)
    if handover is not None:
        handover = base.lock(handover)
        if handover.account_id != account.pk or handover.signed_at is None:
            raise ValidationError(
                {"handover": [_("Finance must first sign for this account's handover.")]}
            )
        if Receipt.objects.filter(handover=handover).exists():
            raise DomainError(_("This handover is already recorded as a receipt."), code="used")
        if handover.amount != amount or handover.kind != method:
            raise ValidationError(
                {"amount": [_("The receipt must be the handover's amount and kind.")]}
            )
    if collection_request is not None:
        collection_request = base.lock(collection_request)
        if collection_request.account_id != account.pk or collection_request.status not in (
            CollectionStatus.APPROVED,
            CollectionStatus.RECEIVED,
        ):
            raise ValidationError(
                {"collection_request": [_("Not a confirmed collection request of this account.")]}
            )
    receipt = Receipt.objects.create(
        office=account.office,
        account=account,
        amount=amount,
        method=method,
        date=day,
        reference=base.text(reference, "reference", required=False, max_length=100),
        note=base.text(note, "note", required=False),
        collection_request=collection_request,
        handover=handover,
        recorded_by=actor,
        recorded_at=now,
        **base.number(account.office, RECEIPT_PREFIX, now),
    )
    ledger.post(
        account=account,
        kind=LedgerKind.RECEIPT,
        document=receipt.number,
        amount=amount,
        date=day,
        actor=actor,
        now=now,
        receipt=receipt,
    )
    _allocate(
        receipt=receipt,
        account=account,
        available=amount,
        chosen=allocations,
        actor=actor,
        day=day,
        now=now,
    )
    if collection_request is not None and collection_request.status == CollectionStatus.APPROVED:
        collection_request.status = CollectionStatus.RECEIVED
        collection_request.save(update_fields=["status"])
        notify(
            kind="collection_received",
            params={
                "number": collection_request.number,
                "account": account.name,
                "amount": f"{amount:,.2f}",
            },
            now=now,
            url=reverse("receivables:collection", args=[collection_request.pk]),
            recipient_id=collection_request.owner_id,
        )
    return receipt


@transaction.atomic
def receipt_allocate(
    *, actor, receipt: Receipt, now, allocations: list[AllocationInput] | None = None
) -> list[Allocation]:
    """R-15.3: a credit on the account (a receipt not wholly allocated) set against invoices
    later, oldest due first unless chosen."""
    account = base.lock_account(receipt.account)
    _refuse_unless_finance(actor, account.office)
    receipt = Receipt.objects.get(pk=receipt.pk)
    if receipt.is_reversal or Receipt.objects.filter(reversal_of=receipt).exists():
        raise DomainError(_("A reversed receipt is not allocated."), code="reversed")
    available = figures.receipt_unallocated(receipt)
    if available <= 0:
        raise DomainError(_("This receipt is wholly allocated."), code="nothing_left")
    # refunds are paid out of the account's credit, not out of one receipt: what was paid
    # back is not set against invoices again
    available = min(available, figures.unallocated_credit(account.pk))
    if available <= 0:
        raise DomainError(
            _("The account's credit has been refunded: nothing is left to allocate."),
            code="nothing_left",
        )
    made = _allocate(
        receipt=receipt,
        account=account,
        available=available,
        chosen=allocations,
        actor=actor,
        day=base.today(account.office, now),
        now=now,
    )
    if not made:
        raise DomainError(_("This account has no invoice left to pay."), code="nothing_open")
    return made


@transaction.atomic
def receipt_reverse(*, actor, receipt: Receipt, reason: str, now) -> Receipt:
    """R-15.3: a receipt entered wrongly is reversed by a new entry, never edited: a reversal
    receipt debits the ledger with the same amount and takes back each of its allocations."""
    account = base.lock_account(receipt.account)
    _refuse_unless_finance(actor, account.office)
    receipt = Receipt.objects.get(pk=receipt.pk)
    if receipt.is_reversal:
        raise DomainError(
            _("A reversal is not reversed; record the receipt again."), code="reversal"
        )
    if Receipt.objects.filter(reversal_of=receipt).exists():
        raise DomainError(_("This receipt is already reversed."), code="already_reversed")
    reason = base.text(reason, "reason", required=True)
    # the reversal takes back the receipt's credit too: refuse when part of it was refunded,
    # or the account would owe money no invoice shows
    if figures.unallocated_credit(account.pk) < figures.receipt_unallocated(receipt):
        raise DomainError(
            _("Part of this receipt's credit was refunded to the customer; it cannot be reversed."),
            code="refunded",
        )
    day = base.today(account.office, now)
    reversal = Receipt.objects.create(
        office=account.office,
        account=account,
        amount=receipt.amount,
        method=receipt.method,
        date=day,
        reference=receipt.number,
        note=reason,
        reversal_of=receipt,
        recorded_by=actor,
        recorded_at=now,
        **base.number(account.office, RECEIPT_PREFIX, now),
    )
    taken = {}
    for invoice_id, amount in receipt.allocations.values_list("invoice_id", "amount"):
        taken[invoice_id] = taken.get(invoice_id, Decimal("0")) + amount
    Allocation.objects.bulk_create(
        [
            Allocation(
                receipt=reversal,
                invoice_id=invoice_id,
                amount=-amount,
                date=day,
                created_by=actor,
                created_at=now,
            )
            for invoice_id, amount in sorted(taken.items())
            if amount
        ]
    )
    ledger.post(
        account=account,
        kind=LedgerKind.REVERSAL,
        document=reversal.number,
        amount=receipt.amount,
        date=day,
        actor=actor,
        now=now,
        receipt=reversal,
    )
    return reversal


@transaction.atomic
def refund_record(*, actor, account, amount, method: str, date, now, note: str = "") -> Refund:
    """R-15.1: a credit on the account paid back to the customer; never more than the credit."""
    account = base.lock_account(account)
    _refuse_unless_finance(actor, account.office)
    amount = base.money(amount, "amount")
    method = base.choice(method, "method", PaymentMethod)
    day = base.day_in_range(date, "date", office=account.office, now=now)
    credit = figures.unallocated_credit(account.pk)
    if amount > credit:
        raise ValidationError(
            {
                "amount": [
                    _("Over the account's credit: %(credit)s yuan.") % {"credit": f"{credit:,.2f}"}
                ]
            }
        )
    refund = Refund.objects.create(
        office=account.office,
        account=account,
        amount=amount,
        method=method,
        date=day,
        note=base.text(note, "note", required=False),
        recorded_by=actor,
        recorded_at=now,
        **base.number(account.office, REFUND_PREFIX, now),
    )
    ledger.post(
        account=account,
        kind=LedgerKind.REFUND,
        document=refund.number,
        amount=amount,
        date=day,
        actor=actor,
        now=now,
        refund=refund,
    )
    return refund
