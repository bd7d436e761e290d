"""Invoices and red-letter invoices (R-14.1, R-14.3): finance issues them, the customer
signs for them, a question on one waits for an answer (R-15.5). Invoice requests are
services.requests (their names are re-exported here)."""

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied, ValidationError

from common.errors import DomainError
from contracts.choices import PaymentBasis
from notifications.services import notify
from shipping.models import Shipment
from staff.permissions import may

from .. import figures, ledger, rules
from ..choices import InvoiceRequestStatus, LedgerKind
from ..models import Invoice, InvoiceRequest
from . import base

# a contract is invoiced once it is signed, and after it is fulfilled or closed; a cancelled
# one for the goods it shipped before (R-12.4 cancels what has not shipped; figures caps it)
from .requests import INVOICEABLE, is_account_salesperson, request_params
from .requests import LineInput as LineInput
from .requests import invoice_request_approved as invoice_request_approved
from .requests import invoice_request_cancel as invoice_request_cancel
from .requests import invoice_request_create as invoice_request_create
from .requests import invoice_request_rejected as invoice_request_rejected
from .requests import invoice_request_submit as invoice_request_submit
from .requests import may_handle_request as may_handle_request
from .requests import may_request_invoice as may_request_invoice


def _delivered_on(contract, before: datetime.date):
    """The day of the contract's last shipment on or before `before` (R-15.2, payment due
    after delivery), in the branch's time; None when nothing had shipped by then."""
    from django.utils import timezone

    tz = contract.office.tzinfo
    # a shipment after the invoice's day does not count, even when issued later (backdated)
    end = datetime.datetime.combine(before + datetime.timedelta(days=1), datetime.time(), tz)
    last = (
        Shipment.objects.filter(order__contract=contract, order__red=False, shipped_at__lt=end)
        .order_by("-shipped_at")
        .values_list("shipped_at", flat=True)
        .first()
    )
    if last is None:
        return None
    return timezone.localtime(last, tz).date()


def _number_taken() -> ValidationError:
    return ValidationError({"number": [_("An invoice with this number is already recorded.")]})


def _invoice_number(office, value) -> str:
    value = base.text(value, "number", required=True, max_length=30)
    if Invoice.objects.filter(office=office, number=value).exists():
        raise _number_taken()
    return value


def _create_invoice(**fields) -> Invoice:
    """Two invoices of a branch given one number at once: the unique constraint decides and
    the later one is refused as if the number had been seen taken (not a server error)."""
    try:
        with transaction.atomic():
            return Invoice.objects.create(**fields)
    except IntegrityError as error:
        if "invoice_number_unique" not in str(error):
            raise
        raise _number_taken() from None


@transaction.atomic
def invoice_issue(*, actor, request: InvoiceRequest, number: str, date, now) -> Invoice:
    """R-14.1: finance issues the approved request's invoice with the tax authority's number
    and date; it debits the account's ledger (R-15.1) and falls due on the contract's terms
    (R-15.2). The cap is checked again under the contract's lock (R-14.2): goods may have come
    back since the request."""
    contract = base.lock_contract(request.contract)
    account = base.lock_account(contract.account)
    request = base.lock(request)
    if not may(actor, "receivables.issue", request.office):
        raise PermissionDenied(_("Only finance issues invoices."))
    if request.status != InvoiceRequestStatus.APPROVED:
        raise DomainError(
            _("Only an approved request is issued; this one is %(status)s.")
            % {"status": request.get_status_display()},
            code="not_approved",
        )
    if contract.status not in INVOICEABLE:  # back to draft since
        raise DomainError(_("Only a signed contract is invoiced."), code="contract_not_signed")
    created = base.today(request.office, request.created_at)
    day = base.day_in_range(date, "date", office=request.office, now=now, earliest=created)
    number = _invoice_number(request.office, number)
    left = figures.invoiceable(contract, excluding_request=request.pk)
    if request.amount > left:
        raise DomainError(
            _(
                "Goods have come back since this request: only %(left)s yuan may be invoiced "
                "on the contract now. Withdraw the request and ask again."
            )
            % {"left": f"{left:,.2f}"},
            code="over_shipped",
        )
    due = rules.due_date(
        invoice_date=day,
        terms_days=contract.payment_terms_days,
        after_delivery=contract.payment_basis == PaymentBasis.AFTER_DELIVERY,
        delivered_on=_delivered_on(contract, day),
    )
    invoice = _create_invoice(
        office=request.office,
        account=account,
        contract=contract,
        request=request,
        invoice_type=request.invoice_type,
        number=number,
        date=day,
        amount=request.amount,
        tax=request.tax,
        due_date=due,
        issued_by=actor,
        issued_at=now,
    )
    request.status = InvoiceRequestStatus.ISSUED
    request.save(update_fields=["status"])
    ledger.post(
        account=account,
        kind=LedgerKind.INVOICE,
        document=number,
        amount=invoice.amount,
        date=day,
        actor=actor,
        now=now,
        invoice=invoice,
    )
    notify(
        kind="invoice_issued",
        params={**request_params(request), "invoice": number, "due": due.isoformat()},
        now=now,
        url=reverse("receivables:invoice", args=[invoice.pk]),
        recipient_id=request.owner_id,
    )
    return invoice


@transaction.atomic
def invoice_red(
    *,
    actor,
    invoice: Invoice,
    amount,
    number: str,
    date,
    now,
    reason: str = "",
    return_request=None,
) -> Invoice:
    """R-14.3: a red-letter invoice against an issued invoice, crediting at most what remains
    of it (what is neither credited, paid nor written off: reverse a payment first). It
    credits the ledger and lowers what the contract has been invoiced."""
    base.lock_contract(invoice.contract)
    account = base.lock_account(invoice.account)
    invoice = base.lock(invoice)
    if not may(actor, "receivables.issue", invoice.office):
        raise PermissionDenied(_("Only finance issues invoices."))
    if invoice.is_red:
        raise DomainError(_("A red-letter invoice is not credited again."), code="red_of_red")
    amount = base.money(amount, "amount")
    remains = figures.open_amount(invoice)
    if amount > remains:
        raise ValidationError(
            {
                "amount": [
                    _("Over what remains of invoice %(number)s: %(left)s yuan.")
                    % {"number": invoice.number, "left": f"{remains:,.2f}"}
                ]
            },
            code="over_remaining",
        )
    day = base.day_in_range(date, "date", office=invoice.office, now=now, earliest=invoice.date)
    number = _invoice_number(invoice.office, number)
    if return_request is not None and return_request.contract_id != invoice.contract_id:
        raise ValidationError({"return": [_("The return is of another contract.")]})
    red = _create_invoice(
        office=invoice.office,
        account=account,
        contract=invoice.contract,
        red_of=invoice,
        invoice_type=invoice.invoice_type,
        number=number,
        date=day,
        amount=amount,
        tax=rules.cents(amount * invoice.tax / invoice.amount),
        reason=base.text(reason, "reason", required=False),
        return_request=return_request,
        issued_by=actor,
        issued_at=now,
    )
    ledger.post(
        account=account,
        kind=LedgerKind.RED_INVOICE,
        document=number,
        amount=amount,
        date=day,
        actor=actor,
        now=now,
        invoice=red,
    )
    return red


def may_record_signature(user, invoice: Invoice) -> bool:
    """The customer's signature is recorded by finance, the clerk or the account's salesperson."""
    office = invoice.office
    if may(user, "receivables.issue", office) or may(user, "receivables.daily_check", office):
        return True
    return may(user, "receivables.request_invoice", office) and is_account_salesperson(
        user, invoice.account
    )


@transaction.atomic
def invoice_sign(*, actor, invoice: Invoice, signed_by: str, signed_on, now) -> Invoice:
    """R-14.1: the customer signed for the invoice (交客户签收): who and when, once."""
    invoice = base.lock(invoice)
    if not may_record_signature(actor, invoice):
        raise PermissionDenied(_("You may not record this invoice's receipt."))
    if invoice.signed_on is not None:
        raise DomainError(_("The customer's signature is already recorded."), code="already_signed")
    signed_by = base.text(signed_by, "signed_by", required=True, max_length=100)
    day = base.day_in_range(
        signed_on, "signed_on", office=invoice.office, now=now, earliest=invoice.date
    )
    invoice.signed_by, invoice.signed_on, invoice.signature_recorded_by = signed_by, day, actor
    invoice.save(update_fields=["signed_by", "signed_on", "signature_recorded_by"])
    return invoice


@transaction.atomic
def invoice_query(*, actor, invoice: Invoice, question: str, now) -> Invoice:
    """R-15.5: a question on a receivable (the customer disputes it, the amount looks wrong):
    on the clerk's daily list with finance until answered."""
    invoice = base.lock(invoice)
    if not (may_record_signature(actor, invoice)):
        raise PermissionDenied(_("You may not query this invoice."))
    invoice.query = base.text(question, "question", required=True)
    invoice.queried_at, invoice.queried_by = now, actor
    invoice.query_answer, invoice.query_answered_at = "", None
    invoice.save(
        update_fields=["query", "queried_at", "queried_by", "query_answer", "query_answered_at"]
    )
    return invoice


@transaction.atomic
def invoice_query_answer(*, actor, invoice: Invoice, answer: str, now) -> Invoice:
    invoice = base.lock(invoice)
    if not may(actor, "receivables.daily_check", invoice.office):
        raise PermissionDenied(_("Finance or the clerk answers a question."))
    if not invoice.queried_at or invoice.query_answered_at:
        raise DomainError(_("This invoice has no open question."), code="no_question")
    invoice.query_answer = base.text(answer, "answer", required=True)
    invoice.query_answered_at = now
    invoice.save(update_fields=["query_answer", "query_answered_at"])
    return invoice
