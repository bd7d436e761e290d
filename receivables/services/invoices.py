"""Invoice requests, invoices and red-letter invoices (R-14)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied, ValidationError

from approvals.services import approval_submit, ensure_editable
from common.errors import DomainError
from contracts.choices import ContractStatus, PaymentBasis
from notifications.services import notify
from shipping.models import Shipment
from staff.choices import Role
from staff.permissions import may

from .. import figures, ledger, rules
from ..choices import INVOICE_REQUEST_PREFIX, InvoiceRequestStatus, InvoiceType, LedgerKind
from ..models import Invoice, InvoiceRequest, InvoiceRequestLine
from . import base

# a contract is invoiced once it is signed, and after it is fulfilled or closed
INVOICEABLE = (ContractStatus.SIGNED, ContractStatus.FULFILLED, ContractStatus.CLOSED)
MAX_LINES = 200


@dataclass(frozen=True)
class LineInput:
    """A line of an invoice request: a product of the contract (or the contract line itself,
    where the product is on several) and a quantity."""

    product: object = None
    quantity: Decimal = Decimal("0")
    contract_line: object = None


def is_account_salesperson(user, account) -> bool:
    return user.pk in {account.owner_id, account.deputy_id}


def may_request_invoice(user, contract) -> bool:
    """R-14.1: the contract's salesperson (the account's owner or deputy, or the contract's)."""
    return may(user, "receivables.request_invoice", contract.office) and (
        user.pk == contract.owner_id or is_account_salesperson(user, contract.account)
    )


def _people(office, role) -> list:
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=role, offices=office)
        .distinct()
        .order_by("pk")
    )


def _resolve_lines(
    contract, lines: list[LineInput]
) -> list[tuple[object, Decimal, Decimal, Decimal]]:
    """Each line as (contract line, quantity, amount, tax), priced as its contract line."""
    if len(lines) > MAX_LINES:
        raise ValidationError({"lines": [_("At most 200 lines.")]})
    contract_lines = list(contract.lines.all())
    seen, out = set(), []
    for index, given in enumerate(lines):
        candidates = [
            cl
            for cl in contract_lines
            if (
                given.contract_line is not None
                and cl.pk == getattr(given.contract_line, "pk", given.contract_line)
            )
            or (
                given.contract_line is None
                and cl.product_id == getattr(given.product, "pk", given.product)
            )
        ]
        if len(candidates) != 1:
            raise ValidationError(
                {"lines": {index: [_("Name a product (or a line) of this contract, once.")]}}
            )
        line = candidates[0]
        quantity = given.quantity
        if (
            not isinstance(quantity, Decimal)
            or not quantity.is_finite()
            or quantity <= 0
            or quantity.as_tuple().exponent < -3
        ):
            raise ValidationError({"lines": {index: [_("The quantity must be more than zero.")]}})
        if quantity > line.quantity or line.pk in seen:
            raise ValidationError(
                {"lines": {index: [_("More than the contract's line, or the line twice.")]}}
            )
        seen.add(line.pk)
        amount = rules.cents(line.amount * quantity / line.quantity)
        tax = rules.cents(line.tax * quantity / line.quantity)
        out.append((line, quantity, amount, tax))
    return out


def _over_cap(contract, amount: Decimal, *, excluding: int | None = None) -> None:
    """R-14.2, under the contract's row lock: 400 when the amount is over what it may still
    be invoiced."""
    left = figures.invoiceable(contract, excluding_request=excluding)
    if amount > left:
        raise ValidationError(
            {
                "amount": [
                    _(
                        "Over what this contract may be invoiced: %(left)s yuan is left of the "
                        "goods shipped net of returns."
                    )
                    % {"left": f"{left:,.2f}"}
                ]
            },
            code="over_shipped",
        )


@transaction.atomic
def invoice_request_create(
    *,
    actor,
    contract,
    invoice_type: str,
    now: datetime.datetime,
    amount=None,
    lines: list[LineInput] | None = None,
    buyer_name: str = "",
    buyer_tax_number: str = "",
    buyer_address_phone: str = "",
    buyer_bank_account: str = "",
    note: str = "",
) -> InvoiceRequest:
    """R-14.1: a draft invoice request. The amount is its lines' (priced as the contract) or
    given; it may not take the contract's invoices above what shipped (R-14.2)."""
    contract = base.lock_contract(contract)
    if not may_request_invoice(actor, contract):
        raise PermissionDenied(_("Only the contract's salesperson asks for its invoice."))
    if contract.status not in INVOICEABLE:
        raise DomainError(_("Only a signed contract is invoiced."), code="contract_not_signed")
    invoice_type = base.choice(invoice_type, "invoice_type", InvoiceType)
    account = contract.account
    buyer_name = base.text(buyer_name or account.name, "buyer_name", required=True, max_length=200)
    buyer_tax_number = base.text(
        buyer_tax_number or account.credit_code, "buyer_tax_number", required=True, max_length=20
    )
    if not (
        buyer_tax_number.isascii() and buyer_tax_number.isalnum() and len(buyer_tax_number) >= 15
    ):
        raise ValidationError(
            {"buyer_tax_number": [_("A taxpayer number has 15 to 20 letters and digits.")]}
        )
    address = base.text(buyer_address_phone, "buyer_address_phone", required=False, max_length=300)
    bank = base.text(buyer_bank_account, "buyer_bank_account", required=False, max_length=300)
    if invoice_type == InvoiceType.VAT_SPECIAL and not (address and bank):
        raise ValidationError(
            {
                "buyer_bank_account": [
                    _(
                        "A VAT special invoice needs the buyer's address, telephone, bank "
                        "and account."
                    )
                ]
            }
        )
    resolved = _resolve_lines(contract, lines) if lines else []
    if resolved:
        total = sum((r[2] for r in resolved), Decimal("0.00"))
        tax = sum((r[3] for r in resolved), Decimal("0.00"))
        if total <= 0:
            raise ValidationError({"lines": [_("The lines add up to nothing.")]})
    else:
        if amount in (None, ""):
            raise ValidationError({"amount": [_("Give the amount, or the lines to invoice.")]})
        total = base.money(amount, "amount")
        tax = rules.tax_part(total, total=contract.total, tax_total=contract.tax_total)
    _over_cap(contract, total)
    request = InvoiceRequest.objects.create(
        office=contract.office,
        contract=contract,
        account=account,
        invoice_type=invoice_type,
        buyer_name=buyer_name,
        buyer_tax_number=buyer_tax_number,
        buyer_address_phone=address,
        buyer_bank_account=bank,
        amount=total,
        tax=tax,
        note=base.text(note, "note", required=False),
        author=actor,
        owner=account.owner if account.owner_id else actor,
        created_at=now,
        **base.number(contract.office, INVOICE_REQUEST_PREFIX, now),
    )
    InvoiceRequestLine.objects.bulk_create(
        [
            InvoiceRequestLine(
                request=request,
                contract_line=line,
                product_id=line.product_id,
                quantity=quantity,
                amount=line_amount,
                tax=line_tax,
            )
            for line, quantity, line_amount, line_tax in resolved
        ]
    )
    return request


def may_handle_request(user, request: InvoiceRequest) -> bool:
    return may(user, "receivables.request_invoice", request.office) and (
        user.pk in {request.author_id, request.owner_id}
        or is_account_salesperson(user, request.account)
    )


@transaction.atomic
def invoice_request_submit(*, request: InvoiceRequest, actor, now) -> InvoiceRequest:
    """R-8: draft or rejected → pending (the branch manager reviews), the cap checked again:
    from now on the request holds its amount against the contract (R-14.2)."""
    contract = base.lock_contract(request.contract)
    request = base.lock(request)
    if not may_handle_request(actor, request):
        raise PermissionDenied(_("Only the request's salesperson submits it."))
    if contract.status not in INVOICEABLE:
        raise DomainError(_("Only a signed contract is invoiced."), code="contract_not_signed")
    ensure_editable(request)
    _over_cap(contract, request.amount, excluding=request.pk)
    return approval_submit(document=request, actor=actor, now=now)


@transaction.atomic
def invoice_request_cancel(*, request: InvoiceRequest, actor, now) -> InvoiceRequest:
    """A request withdrawn by its salesperson before it is issued (an approved one too: its
    amount is free again)."""
    request = base.lock(request)
    if not may_handle_request(actor, request):
        raise PermissionDenied(_("You may not withdraw this request."))
    if request.status not in (
        InvoiceRequestStatus.DRAFT,
        InvoiceRequestStatus.REJECTED,
        InvoiceRequestStatus.APPROVED,
    ):
        raise DomainError(
            _("A request that is %(status)s cannot be withdrawn.")
            % {"status": request.get_status_display()},
            code="not_cancellable",
        )
    request.status, request.cancelled_at, request.cancelled_by = (
        InvoiceRequestStatus.CANCELLED,
        now,
        actor,
    )
    request.save(update_fields=["status", "cancelled_at", "cancelled_by"])
    return request


def _params(request: InvoiceRequest) -> dict:
    return {
        "number": request.number,
        "account": request.account.name,
        "amount": f"{request.amount:,.2f}",
    }


def invoice_request_approved(request: InvoiceRequest, *, actor, now) -> None:
    """The manager approved: finance is told to issue the invoice."""
    request.approved_at = now
    request.save(update_fields=["approved_at"])
    url = reverse("receivables:request", args=[request.pk])
    for person in _people(request.office, Role.FINANCE):
        notify(kind="invoice_to_issue", params=_params(request), now=now, url=url, recipient=person)


def invoice_request_rejected(request: InvoiceRequest, *, actor, now) -> None:
    step = request.approvals().filter(state="rejected").order_by("-decided_at", "-pk").first()
    notify(
        kind="invoice_request_rejected",
        params={**_params(request), "by": str(actor), "comment": step.comment if step else ""},
        now=now,
        url=reverse("receivables:request", args=[request.pk]),
        recipient_id=request.owner_id,
    )


def _delivered_on(contract, before: datetime.date):
    """The day of the contract's last shipment on or before `before` (R-15.2, payment due
    after delivery)."""
    from django.utils import timezone

    last = (
        Shipment.objects.filter(order__contract=contract, order__red=False)
        .order_by("-shipped_at")
        .values_list("shipped_at", flat=True)
        .first()
    )
    if last is None:
        return None
    day = timezone.localtime(last, contract.office.tzinfo).date()
    return min(day, before)


def _invoice_number(office, value) -> str:
    value = base.text(value, "number", required=True, max_length=30)
    if Invoice.objects.filter(office=office, number=value).exists():
        raise ValidationError({"number": [_("An invoice with this number is already recorded.")]})
    return value


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
    invoice = Invoice.objects.create(
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
        params={**_params(request), "invoice": number, "due": due.isoformat()},
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
    red = Invoice.objects.create(
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
