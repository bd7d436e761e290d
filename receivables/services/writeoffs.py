"""Write-offs (R-15.1): what remains of an invoice written off, proposed by finance or the
branch manager, approved by the director and then the executive, posted when approved."""

from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied, ValidationError

from approvals.services import approval_submit, ensure_editable
from common.errors import DomainError
from staff.permissions import may

from .. import figures, ledger
from ..choices import (
    WRITE_OFF_PREFIX,
    LedgerKind,
    WriteOffStatus,
)
from ..models import Invoice, WriteOff
from . import base


def left_to_write_off(invoice: Invoice, *, excluding: int | None = None):
    """What remains of the invoice less what write-offs waiting for their approvers hold: two
    proposals together never write off more than is open."""
    from django.db.models import Sum

    held = WriteOff.objects.filter(invoice=invoice, status=WriteOffStatus.PENDING)
    if excluding is not None:
        held = held.exclude(pk=excluding)
    return figures.open_amount(invoice) - (held.aggregate(t=Sum("amount"))["t"] or 0)


def _over_left(amount, left) -> ValidationError:
    if left <= 0:
        # a payment came in while other write-offs were waiting: they hold all that is open
        message = _(
            "Write-offs waiting for approval already hold all that is open on this invoice."
        )
    else:
        message = _("Over what remains of the invoice: %(left)s yuan.") % {"left": f"{left:,.2f}"}
    return ValidationError({"amount": [message]})


@transaction.atomic
def write_off_create(*, actor, invoice: Invoice, amount, reason: str, now) -> WriteOff:
    """A draft write-off of what remains of an invoice, by finance or the branch manager."""
    account = base.lock_account(invoice.account)
    if not may(actor, "receivables.write_off", account.office):
        raise PermissionDenied(_("Finance or the branch manager proposes a write-off."))
    if invoice.is_red:
        raise ValidationError({"invoice": [_("A red-letter invoice is not written off.")]})
    amount = base.money(amount, "amount")
    left = left_to_write_off(invoice)
    if amount > left:
        raise _over_left(amount, left)
    return WriteOff.objects.create(
        office=account.office,
        account=account,
        invoice=invoice,
        amount=amount,
        reason=base.text(reason, "reason", required=True),
        author=actor,
        created_at=now,
        **base.number(account.office, WRITE_OFF_PREFIX, now),
    )


@transaction.atomic
def write_off_submit(*, write_off: WriteOff, actor, now) -> WriteOff:
    """Draft → pending; from then on it holds its amount of the invoice. The write-off is
    locked before the account, as the approval engine does when it decides."""
    write_off = base.lock(write_off)
    base.lock_account(write_off.account)
    if actor.pk != write_off.author_id:
        raise PermissionDenied(_("Only the write-off's author submits it."))
    ensure_editable(write_off)
    left = left_to_write_off(write_off.invoice, excluding=write_off.pk)
    if write_off.amount > left:
        raise _over_left(write_off.amount, left)
    return approval_submit(document=write_off, actor=actor, now=now)


def write_off_approved(write_off: WriteOff, *, actor, now) -> None:
    """The executive approved (after the director): the write-off credits the ledger, if the
    invoice still has that much open (a receipt may have come in meanwhile: 409)."""
    account = base.lock_account(write_off.account)
    invoice = base.lock(write_off.invoice)
    # the engine has already made this write-off approved, so the open amount counts it
    remains = figures.open_amount(invoice) + write_off.amount
    if write_off.amount > remains:
        raise DomainError(
            _("The invoice has only %(left)s yuan open now; this write-off cannot be posted.")
            % {"left": f"{remains:,.2f}"},
            code="over_open",
        )
    day = base.today(account.office, now)
    write_off.date, write_off.approved_at = day, now
    write_off.save(update_fields=["date", "approved_at"])
    ledger.post(
        account=account,
        kind=LedgerKind.WRITE_OFF,
        document=write_off.number,
        amount=write_off.amount,
        date=day,
        actor=actor,
        now=now,
        write_off=write_off,
    )


def write_off_rejected(write_off: WriteOff, *, actor, now) -> None:
    """Back to draft with the decider's comment (R-8.2); the author sees it on the page."""


def write_off_cancel(*, write_off: WriteOff, actor, now) -> WriteOff:
    with transaction.atomic():
        write_off = base.lock(write_off)
        if actor.pk != write_off.author_id:
            raise PermissionDenied(_("Only the write-off's author withdraws it."))
        if write_off.status not in (WriteOffStatus.DRAFT, WriteOffStatus.REJECTED):
            raise DomainError(
                _("Only a draft or rejected write-off is withdrawn."), code="not_cancellable"
            )
        write_off.status = WriteOffStatus.CANCELLED
        write_off.save(update_fields=["status"])
        return write_off
