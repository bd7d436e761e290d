"""`Idempotency-Key` on the creating endpoints of money (issue 21; R-14.1, R-15.3), over HTTP
with real threads against PostgreSQL: an invoice request sent ten times at once is made once and
every caller gets the same answer; the key reused with another body is 422 and makes nothing; a
request without a key is not deduplicated; a refused request (409) can be retried with its key
once the cause is gone; a receipt's allocation and reversal retried with their key are done
once. (Receipts and invoices ten times at once: tests/concurrency/
test_receivables_idempotency.py.)"""

import pytest
from django.test import Client
from django.utils import timezone

from receivables.factories import invoice_request, issued_invoice, received
from receivables.models import Allocation, Invoice, InvoiceRequest, LedgerLine, Receipt
from shipping.factories import decide_all

from ..concurrency.harness import run_together

pytestmark = pytest.mark.django_db
THREADS = pytest.mark.django_db(transaction=True)  # only the races need committed rows

TIMES = 10


def post(user, path: str, body: dict, key: str | None = None):
    client = Client()
    client.force_login(user)
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(path, body, content_type="application/json", **extra)


def same_key_at_once(user, path: str, body: dict, key: str, *, status: int) -> dict:
    """POST `body` TIMES at once with one key: every answer is `status` with the same bytes,
    one did the work and the others say they replayed it. The first answer's JSON."""
    outcomes = run_together([lambda: post(user, path, body, key)] * TIMES)
    assert [o.error for o in outcomes] == [None] * TIMES
    responses = [o.value for o in outcomes]
    assert {r.status_code for r in responses} == {status}, responses[0].content
    assert len({r.content for r in responses}) == 1  # byte for byte
    assert [r.get("Idempotent-Replayed") for r in responses].count(None) == 1
    assert {r.get("Idempotent-Replayed") for r in responses} == {None, "true"}
    return responses[0].json()


def receipt_body(account, amount: str) -> dict:
    return {
        "account": account.pk,
        "amount": amount,
        "method": "transfer",
        "date": timezone.localdate().isoformat(),
    }


@THREADS
def test_an_invoice_request_sent_ten_times_at_once_is_made_once(shipped, salesperson):
    """R-14.1: one draft request, whatever the retries."""
    body = {"contract": shipped.pk, "invoice_type": "ordinary", "amount": "1130.00"}
    first = same_key_at_once(salesperson, "/api/v1/invoice-requests/", body, "ir-tab-1", status=201)
    assert list(InvoiceRequest.objects.values_list("pk", flat=True)) == [first["id"]]
    assert (first["amount"], first["status"]) == ("1130.00", "draft")


def test_a_receipt_key_reused_with_another_body_is_422_and_records_nothing(shipped, finance):
    """R-15.3: the second amount under the first key is refused, the ledger holds one credit."""
    first = post(finance, "/api/v1/receipts/", receipt_body(shipped.account, "400.00"), "bank-7")
    assert first.status_code == 201
    other = post(finance, "/api/v1/receipts/", receipt_body(shipped.account, "500.00"), "bank-7")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert list(Receipt.objects.values_list("amount", flat=True)) == [400]
    assert LedgerLine.objects.filter(kind="receipt").count() == 1


def test_an_invoice_request_key_reused_with_another_body_is_422(shipped, salesperson):
    path = "/api/v1/invoice-requests/"
    body = {"contract": shipped.pk, "invoice_type": "ordinary", "amount": "100.00"}
    assert post(salesperson, path, body, "ir-2").status_code == 201
    reused = post(salesperson, path, {**body, "amount": "200.00"}, "ir-2")
    assert (reused.status_code, reused.json()["code"]) == (422, "idempotency_key_reused")
    assert InvoiceRequest.objects.count() == 1


def test_without_a_key_each_post_records_its_own_receipt(shipped, finance):
    """No header: the endpoint behaves as before, two posts are two receipts."""
    body = receipt_body(shipped.account, "100.00")
    answers = [post(finance, "/api/v1/receipts/", body) for _ in range(2)]
    assert [r.status_code for r in answers] == [201, 201]
    assert [r.get("Idempotent-Replayed") for r in answers] == [None, None]
    assert Receipt.objects.count() == 2


def test_an_invoice_refused_409_can_be_issued_with_the_same_key_once_approved(
    shipped, salesperson, finance
):
    """R-14.1: issuing a request still pending is 409 `not_approved`; the refusal is not kept
    under the key, so after the branch manager's approval the same key issues the invoice."""
    now = timezone.now()
    request = invoice_request(shipped, now=now, approve=False)
    body = {"request": request.pk, "number": "04400099", "date": timezone.localdate().isoformat()}
    refused = post(finance, "/api/v1/invoices/", body, "issue-99")
    assert (refused.status_code, refused.json()["code"]) == (409, "not_approved")
    assert not Invoice.objects.exists()
    decide_all(request, now=now)
    issued = post(finance, "/api/v1/invoices/", body, "issue-99")
    assert issued.status_code == 201 and issued.get("Idempotent-Replayed") is None
    again = post(finance, "/api/v1/invoices/", body, "issue-99")
    assert again.get("Idempotent-Replayed") == "true" and again.content == issued.content
    assert list(Invoice.objects.values_list("number", flat=True)) == ["04400099"]
    assert LedgerLine.objects.filter(kind="invoice").count() == 1


def test_allocating_and_reversing_a_receipt_again_with_its_key_is_done_once(shipped, finance):
    """R-15.3: a retried allocation does not set the credit against the invoice twice, and a
    retried reversal gets its first answer (201), not `409 already_reversed`."""
    now = timezone.now()
    issued_invoice(shipped, now=now, ship=False)
    receipt = received(shipped.account, "300.00", now=now, allocations=[], finance=finance)
    path = f"/api/v1/receipts/{receipt.pk}/"
    answers = [post(finance, path + "allocate/", {}, "alloc-1") for _ in range(2)]
    assert [r.status_code for r in answers] == [200, 200]
    assert answers[1].get("Idempotent-Replayed") == "true"
    assert answers[1].content == answers[0].content
    assert Allocation.objects.filter(receipt=receipt).count() == 1
    answers = [post(finance, path + "reverse/", {"reason": "录错"}, "rev-1") for _ in range(2)]
    assert [r.status_code for r in answers] == [201, 201]
    assert answers[1].content == answers[0].content
    assert Receipt.objects.filter(reversal_of=receipt).count() == 1
