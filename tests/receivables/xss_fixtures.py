"""Invoicing and receivables' free text for tests/security/test_xss.py (R-14, R-15): planted
through the API by the salesperson a, the branch manager and finance, on a's contract of
tests/shipping/exposure_fixtures.py (five motors shipped); what the API does not take (a
question on an invoice and its answer, a statement's resolution, the unpaid report) through the
services, as the pages do."""

import datetime
from decimal import Decimal

from django.utils import timezone

from approvals.models import Approval
from receivables.models import Statement, StatementDifference
from receivables.services import invoices, statements, unpaid
from tests.shipping.exposure_fixtures import shipping_world

# what the salesperson reads back on the request, invoice, receipt, collection, handover,
# statement and unpaid report pages
RECEIVABLES_TEXT = {
    "invoice request note",
    "invoice request buyer address",
    "invoice request buyer bank",
    "invoice signer",
    "invoice question",
    "invoice answer",
    "red-letter invoice reason",
    "receipt reference",
    "receipt note",
    "receipt reversal reason",
    "collection request note",
    "handover instrument number",
    "handover note",
    "statement difference item",
    "statement difference note",
    "statement difference resolution",
    "unpaid report note",
    "unpaid report check note",
}
# the branch manager: the write-off's page (a salesperson does not see write-offs)
MANAGER_RECEIVABLES_TEXT = {"write-off reason", "invoice request note"}


def plant_receivables(world, api, ok, payload, now) -> None:
    u = world["users"]
    office = world["sunny"]
    s = shipping_world(office=office, users=u, now=now)
    a, manager, finance = u["a"], u["manager"], u["finance"]
    today = timezone.localtime(now, office.tzinfo).date()
    contract, account = s["contract"].pk, s["contract"].account.pk

    def decide(document_type, document_id, decider):
        step = Approval.objects.get(
            document_type=document_type, document_id=document_id, state="pending", void=False
        )
        ok(api(decider).post(f"/api/v1/approvals/{step.pk}/decide/", {"decision": "approve"}))

    asked = ok(
        api(a).post(
            "/api/v1/invoice-requests/",
            {
                "contract": contract,
                "invoice_type": "vat_special",
                "amount": "200.00",
                "buyer_address_phone": payload("invoice request buyer address", 300),
                "buyer_bank_account": payload("invoice request buyer bank", 300),
                "note": payload("invoice request note", 2000),
            },
            format="json",
        )
    )
    ok(api(a).post(f"/api/v1/invoice-requests/{asked['id']}/submit/"))
    decide("invoice_request", asked["id"], manager)
    invoice = ok(
        api(finance).post(
            "/api/v1/invoices/",
            {"request": asked["id"], "number": "XSS-0001", "date": today.isoformat()},
            format="json",
        )
    )
    path = f"/api/v1/invoices/{invoice['id']}/"
    ok(
        api(a).post(
            f"{path}signature/",
            {"signed_by": payload("invoice signer", 100), "signed_on": today.isoformat()},
            format="json",
        )
    )
    ok(
        api(finance).post(
            f"{path}red/",
            {
                "amount": "10.00",
                "number": "XSS-RED-1",
                "date": today.isoformat(),
                "reason": payload("red-letter invoice reason", 2000),
            },
            format="json",
        )
    )
    made = invoices.invoice_query(
        actor=a, invoice=_invoice(invoice["id"]), question=payload("invoice question"), now=now
    )
    invoices.invoice_query_answer(
        actor=finance, invoice=made, answer=payload("invoice answer"), now=now
    )
    receipt = ok(
        api(finance).post(
            "/api/v1/receipts/",
            {
                "account": account,
                "amount": "20.00",
                "method": "transfer",
                "date": today.isoformat(),
                "reference": payload("receipt reference", 100),
                "note": payload("receipt note", 2000),
            },
            format="json",
        )
    )
    ok(
        api(finance).post(
            f"/api/v1/receipts/{receipt['id']}/reverse/",
            {"reason": payload("receipt reversal reason", 2000)},
            format="json",
        )
    )
    ok(
        api(a).post(
            "/api/v1/collection-requests/",
            {
                "account": account,
                "expected_amount": "50.00",
                "method": "transfer",
                "expected_date": today.isoformat(),
                "note": payload("collection request note", 2000),
            },
            format="json",
        )
    )
    ok(
        api(a).post(
            "/api/v1/handovers/",
            {
                "account": account,
                "kind": "cheque",
                "amount": "50.00",
                "instrument_number": payload("handover instrument number", 50),
                "note": payload("handover note", 2000),
            },
            format="json",
        )
    )
    ok(
        api(finance).post(
            "/api/v1/write-offs/",
            {"invoice": invoice["id"], "amount": "1.00", "reason": payload("write-off reason")},
            format="json",
        )
    )
    _plant_statement(world, api, ok, payload, now, s)
    report = unpaid.unpaid_report_submit(
        actor=a, office=office, kind="week", day=today, note=payload("unpaid report note"),
        now=now,
    )  # fmt: skip
    unpaid.unpaid_report_check(
        actor=finance, report=report, note=payload("unpaid report check note"), now=now
    )


def _invoice(pk):
    from receivables.models import Invoice

    return Invoice.objects.get(pk=pk)


def _plant_statement(world, api, ok, payload, now, s) -> None:
    """An invoice of 100 days ago (2025H2), its statement sent and disputed, then resolved."""
    u, office = world["users"], world["sunny"]
    a, finance, manager = u["a"], u["finance"], u["manager"]
    then = now - datetime.timedelta(days=100)
    made = invoices.invoice_request_create(
        actor=a, contract=s["contract"], invoice_type="ordinary", amount=Decimal("50.00"),
        now=then,
    )  # fmt: skip
    invoices.invoice_request_submit(request=made, actor=a, now=then)
    step = Approval.objects.get(
        document_type="invoice_request", document_id=made.pk, state="pending", void=False
    )
    from approvals.services import approval_decide

    approval_decide(approval=step, actor=manager, decision="approve", comment="", now=then)
    invoices.invoice_issue(
        actor=finance, request=made, number="XSS-OLD-1", now=then,
        date=timezone.localtime(then, office.tzinfo).date(),
    )  # fmt: skip
    run = statements.statement_run_start(actor=finance, office=office, period="2025H2", now=now)
    statements.statements_generate(run_id=run.pk, now=now)
    statement = Statement.objects.get(account=s["contract"].account, period="2025H2")
    ok(api(a).post(f"/api/v1/statements/{statement.pk}/send/"))
    ok(
        api(a).post(
            f"/api/v1/statements/{statement.pk}/answer/",
            {
                "agreed": False,
                "differences": [
                    {
                        "item": payload("statement difference item", 200),
                        "amount": "-5.00",
                        "note": payload("statement difference note", 2000),
                    }
                ],
            },
            format="json",
        )
    )
    statements.difference_resolve(
        difference=StatementDifference.objects.get(statement=statement),
        actor=finance,
        resolution=payload("statement difference resolution"),
        now=now,
    )
