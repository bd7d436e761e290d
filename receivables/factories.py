"""Helpers that take a signed, shipped contract through invoicing and collection with the real
services (R-14, R-15), for the tests of every app. The people of each step are found in the
contract's branch (made when there is none); every step is the service's own.

    invoice = issued_invoice(contract, now=NOW)                # the whole shipped value
    receipt = received(invoice.account, "300.00", now=NOW)     # oldest due first
"""

import datetime
from decimal import Decimal

from shipping.factories import decide_all, person, ship_everything
from staff.choices import Role

from . import figures
from .choices import InvoiceType, PaymentMethod
from .models import Invoice, InvoiceRequest, Receipt
from .services import base, invoices, receipts

_numbers = iter(range(10_000_000, 99_999_999))


def invoice_number() -> str:
    """A tax authority's invoice number not used yet in these tests."""
    return f"{next(_numbers):08d}"


def salesperson_of(contract):
    account = contract.account
    return account.owner or person(contract.office, Role.SALESPERSON)


def invoice_request(
    contract, *, now, amount=None, invoice_type=InvoiceType.ORDINARY, submit=True, approve=True
) -> InvoiceRequest:
    """An invoice request by the contract's salesperson for `amount` (default: all that may
    still be invoiced), submitted and approved by the branch manager unless told not to."""
    amount = figures.invoiceable(contract) if amount is None else Decimal(amount)
    request = invoices.invoice_request_create(
        actor=salesperson_of(contract),
        contract=contract,
        invoice_type=invoice_type,
        amount=amount,
        now=now,
    )
    if submit:
        request = invoices.invoice_request_submit(
            request=request, actor=salesperson_of(contract), now=now
        )
        if approve:
            request = decide_all(request, now=now)
    return request


def issued_invoice(
    contract, *, now, amount=None, ship=True, date: datetime.date | None = None, finance=None
) -> Invoice:
    """Ship what the contract still owes (unless told not to), then ask, approve and issue an
    invoice for `amount` (default: all that may be invoiced), dated `date` (default today)."""
    if ship:
        ship_everything(contract, now=now)
    request = invoice_request(contract, now=now, amount=amount)
    finance = finance or person(contract.office, Role.FINANCE)
    return invoices.invoice_issue(
        actor=finance,
        request=request,
        number=invoice_number(),
        date=date or base.today(contract.office, now),
        now=now,
    )


def received(
    account,
    amount,
    *,
    now,
    method=PaymentMethod.TRANSFER,
    allocations=None,
    finance=None,
    date=None,
) -> Receipt:
    """A receipt recorded by the branch's finance, allocated oldest due first unless given
    `allocations` [(invoice, amount)]."""
    finance = finance or person(account.office, Role.FINANCE)
    chosen = None
    if allocations is not None:
        chosen = [receipts.AllocationInput(invoice=i, amount=Decimal(a)) for i, a in allocations]
    return receipts.receipt_record(
        actor=finance,
        account=account,
        amount=Decimal(amount),
        method=method,
        date=date or base.today(account.office, now),
        allocations=chosen,
        now=now,
    )
