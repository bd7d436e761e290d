"""What the tests of the invoicing pages share (test_pages_invoices, test_pages_writeoffs): the
clock frozen at NOW, people of the other branch, an invoice issued today and one overdue, the
request form as a browser posts it, the rows a refused request must leave unchanged."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine

from contracts.factories import NOW
from receivables.factories import issued_invoice
from receivables.models import Invoice, InvoiceRequest, LedgerLine, WriteOff
from shipping import services as shipping
from shipping.factories import decide_all, ship_order
from staff.choices import Role
from staff.factories import UserFactory

EARLY = NOW - datetime.timedelta(days=45)  # an invoice of that day is 15 days overdue at NOW


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def html(response) -> str:
    """The page's HTML with its whitespace squashed."""
    return re.sub(r"\s+", " ", response.content.decode())


def money_in(page: str, element_id: str) -> str:
    """The text of the element with this id (a figure of the page)."""
    found = re.search(rf'id="{element_id}"[^>]*>([^<]+)<', page)
    assert found, element_id
    return found.group(1).strip()


@pytest.fixture
def other_finance(other_office):
    return UserFactory(username="finance-riverside", roles=[Role.FINANCE], offices=[other_office])


@pytest.fixture
def stranger_salesperson(other_office):
    return UserFactory(username="sales-riverside", roles=[Role.SALESPERSON], offices=[other_office])


@pytest.fixture
def invoice(shipped, finance):
    """An invoice of 1,000.00 of the shipped contract, issued at NOW (due in 30 days)."""
    return issued_invoice(shipped, now=NOW, ship=False, amount="1000.00", finance=finance)


@pytest.fixture
def overdue(shipped, finance):
    """An invoice of 1,200.00 issued 45 days ago: 15 days overdue."""
    return issued_invoice(
        shipped, now=EARLY, ship=False, amount="1200.00", finance=finance, date=EARLY.date()
    )


def request_form(contract, *, amount="", lines=None, **extra) -> dict:
    data = {
        "contract": contract.pk,
        "invoice_type": "ordinary",
        "buyer_name": contract.account.name,
        "buyer_tax_number": contract.account.credit_code,
        "buyer_address_phone": "",
        "buyer_bank_account": "",
        "amount": amount,
        "note": "",
    }
    for line in contract.lines.order_by("pk"):
        data[f"q-{line.pk}"] = (lines or {}).get(line.product.code, "")
    data.update(extra)
    return data


def rows():
    return (
        InvoiceRequest.objects.count(),
        Invoice.objects.count(),
        LedgerLine.objects.count(),
        WriteOff.objects.count(),
    )


def return_received_back(
    contract, product, quantity, *, salesperson, clerk, warehouse, people, depot
):
    ret = shipping.return_create(
        actor=salesperson,
        contract=contract,
        kind="return",
        reason="外壳破损",
        lines=[shipping.LineInput(product=product, quantity=Decimal(quantity))],
        now=NOW,
    )
    shipping.return_submit(ret=ret, actor=salesperson, now=NOW)
    ret = decide_all(ret, people, now=NOW)
    assert ret.status == "approved"
    order = shipping.red_order_issue(actor=clerk, return_request=ret, warehouse=depot, now=NOW)
    ship_order(order, now=NOW, keeper=warehouse)
    return ret
