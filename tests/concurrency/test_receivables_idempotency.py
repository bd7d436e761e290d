"""The same `Idempotency-Key` sent ten times at once to the creating endpoints of money
(issue 18, R-14.1, R-15.3), real threads against PostgreSQL over HTTP: a receipt and an invoice
are each recorded once, posted once to the ledger, and every caller gets the same answer."""

import pytest
from django.test import Client
from django.utils import timezone

from contracts.factories import approved_account, line, make_product, signed
from receivables.factories import invoice_request, issued_invoice
from receivables.models import Invoice, LedgerLine, Receipt
from shipping.factories import ship_everything
from staff.choices import Role
from staff.factories import UserFactory

from .harness import run_together

pytestmark = pytest.mark.django_db(transaction=True)

TIMES = 10


@pytest.fixture
def shipped(office, salesperson, manager, director, finance, clerk, warehouse):
    executive = UserFactory(username="i-exec", roles=[Role.EXECUTIVE], offices=[office])
    technician = UserFactory(username="i-tech", roles=[Role.TECHNICIAN], offices=[office])
    product = make_product(manager)
    account = approved_account(office, salesperson, name="华东机械有限公司")
    contract = signed(
        account, salesperson, [line(product, "10")], [manager, director, executive, technician]
    )
    ship_everything(contract, now=timezone.now())
    return contract


def ten_times(user, path: str, body: dict, key: str) -> list:
    def post():
        client = Client()
        client.force_login(user)
        return client.post(path, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)

    outcomes = run_together([post] * TIMES)
    assert [o.error for o in outcomes] == [None] * TIMES
    responses = [o.value for o in outcomes]
    assert {r.status_code for r in responses} == {201}
    assert len({r.content for r in responses}) == 1  # the same answer, byte for byte
    assert [r.get("Idempotent-Replayed") for r in responses].count(None) == 1
    return responses


def test_a_receipt_posted_ten_times_at_once_is_recorded_once(shipped, finance):
    invoice = issued_invoice(shipped, now=timezone.now(), ship=False)
    body = {
        "account": shipped.account_id,
        "amount": "400.00",
        "method": "transfer",
        "date": timezone.localdate().isoformat(),
    }
    first = ten_times(finance, "/api/v1/receipts/", body, "bank-line-0042")[0].json()
    assert Receipt.objects.count() == 1 and first["id"] == Receipt.objects.get().pk
    assert [a["invoice"] for a in first["allocations"]] == [invoice.pk]
    # the ledger: the invoice's debit and one credit of 400.00, not ten
    assert LedgerLine.objects.filter(kind="receipt").count() == 1


def test_an_invoice_issued_ten_times_at_once_is_issued_once(shipped, finance):
    request = invoice_request(shipped, now=timezone.now())
    body = {
        "request": request.pk,
        "number": "04400001",
        "date": timezone.localdate().isoformat(),
    }
    ten_times(finance, "/api/v1/invoices/", body, "issue-0001")
    assert Invoice.objects.count() == 1
    assert LedgerLine.objects.filter(kind="invoice").count() == 1
