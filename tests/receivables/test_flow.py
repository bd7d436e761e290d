"""The order-to-cash path end to end through the services (R-14, R-15): a shipped contract
invoiced, paid in part, the rest credited by a red-letter invoice, the ledger adding up."""

from decimal import Decimal

import pytest
from rest_framework.exceptions import ValidationError

from contracts.factories import NOW
from receivables import figures
from receivables.factories import invoice_request, issued_invoice, received
from receivables.models import LedgerLine
from receivables.services import invoices

pytestmark = pytest.mark.django_db


def test_invoice_receipt_red_and_the_ledger(shipped, finance):
    invoice = issued_invoice(shipped, now=NOW, ship=False)
    assert invoice.amount == Decimal("2250.00")
    assert invoice.due_date == NOW.date() + __import__("datetime").timedelta(days=30)
    assert figures.balance(shipped.account_id) == Decimal("2250.00")

    receipt = received(shipped.account, "1000.00", now=NOW)
    assert figures.open_amount(invoice) == Decimal("1250.00")
    assert figures.receipt_unallocated(receipt) == Decimal("0.00")

    red = invoices.invoice_red(
        actor=finance, invoice=invoice, amount="250.00", number="RED-1", date=NOW.date(), now=NOW
    )
    assert red.red_of == invoice
    assert figures.open_amount(invoice) == Decimal("1000.00")
    # balance = Σ debits − Σ credits = Σ open − unallocated credit
    assert figures.balance(shipped.account_id) == Decimal("1000.00")
    assert LedgerLine.objects.filter(account=shipped.account).count() == 3


def test_an_invoice_over_the_shipped_value_is_refused(contract):
    # nothing shipped, nothing to invoice
    with pytest.raises(ValidationError):
        invoice_request(contract, now=NOW, amount="1.00")
