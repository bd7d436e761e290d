"""Invoice requests (R-14.1): the salesperson asks, the branch manager reviews; the amount
is held against the contract's cap (R-14.2) from submission until issued or withdrawn."""

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
from contracts.choices import ContractStatus
from notifications.services import notify
from staff.choices import Role
from staff.permissions import may

from .. import figures, rules
from ..choices import INVOICE_REQUEST_PREFIX, InvoiceRequestStatus, InvoiceType
from ..models import InvoiceRequest, InvoiceRequestLine
from . import base

# a contract is invoiced once it is signed, and after it is fulfilled or closed; a cancelled
# one for the goods it shipped before (R-12.4 cancels what has not shipped; figures caps it)
INVOICEABLE = (
    ContractStatus.SIGNED,
    ContractStatus.FULFILLED,
    ContractStatus.CLOSED,
    ContractStatus.CANCELLED,
)
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


def request_params(request: InvoiceRequest) -> dict:
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
        notify(
            kind="invoice_to_issue",
            params=request_params(request),
            now=now,
            url=url,
            recipient=person,
        )


def invoice_request_rejected(request: InvoiceRequest, *, actor, now) -> None:
    step = request.approvals().filter(state="rejected").order_by("-decided_at", "-pk").first()
    notify(
        kind="invoice_request_rejected",
        params={
            **request_params(request),
            "by": str(actor),
            "comment": step.comment if step else "",
        },
        now=now,
        url=reverse("receivables:request", args=[request.pk]),
        recipient_id=request.owner_id,
    )
