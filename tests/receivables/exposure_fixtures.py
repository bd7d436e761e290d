"""Invoicing and receivables for tests/security/test_field_exposure.py and test_csrf.py (R-14,
R-15): on user a's contract of tests/shipping/exposure_fixtures.py (5 motors shipped: 500.00)
and on a second account of a's with one motor shipped, made once per test through the services
(found again by their invoice numbers, notes and references):

- invoices: RX-0001 (100.00, 260 days ago: on the statement of 2025H1), RX-0002 (100.00, 100
  days ago, with a question for the daily check), RX-0003 of the second account (100 days ago);
- requests: one approved (finance issues it), one draft; receipts: one kept as credit, one
  allocated; a draft write-off; collection requests: a draft and a confirmed one;
- a cheque handed over, not signed for; this morning's collection notices; statements: the
  first account's 2025H1 one not sent and 2025H2 one sent, the second account's 2025H2 one
  disputed; a's weekly unpaid report;

and the requests that write them, one per writing endpoint and page form (mass assignment)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.factories import AccountFactory
from accounts.models import Account
from approvals.services import approval_decide
from contracts.factories import line, signed
from receivables.choices import InvoiceType, PaymentMethod
from receivables.models import (
    CollectionNotice,
    CollectionRequest,
    Handover,
    Invoice,
    InvoiceRequest,
    Receipt,
    Statement,
    UnpaidReport,
    WriteOff,
)
from receivables.services import collection, dunning, invoices, receipts, statements, unpaid
from shipping.factories import ship_everything
from tests.shipping.exposure_fixtures import shipping_world

SECOND = "应收测试客户二"
NOTES = {"approved": "开票-已批", "draft": "开票-草稿"}


def _day(office, at) -> datetime.date:
    return timezone.localtime(at, office.tzinfo).date()


def _decide(document, people, now) -> None:
    document.refresh_from_db()
    while document.status == "pending":
        step = document.approvals().get(state="pending")
        decider = next(u for u in people if u.has_role(step.role))
        approval_decide(approval=step, actor=decider, decision="approve", comment="", now=now)
        document.refresh_from_db()


def _request(contract, a, amount, now, *, note="", people=()):
    made = invoices.invoice_request_create(
        actor=a, contract=contract, invoice_type=InvoiceType.ORDINARY, amount=Decimal(amount),
        note=note, now=now,
    )  # fmt: skip
    if people:
        invoices.invoice_request_submit(request=made, actor=a, now=now)
        _decide(made, people, now)
    return made


def _invoice(contract, a, number, at, *, finance, people):
    request = _request(contract, a, "100.00", at - datetime.timedelta(hours=3), people=people)
    return invoices.invoice_issue(
        actor=finance, request=request, number=number, date=_day(contract.office, at), now=at
    )


def _make(office, users, s, now) -> None:
    a, finance, manager = users["a"], users["finance"], users["manager"]
    people = [manager, users["director"], finance]
    contract = s["contract"]
    day = datetime.timedelta(days=1)
    _invoice(contract, a, "RX-0001", now - 260 * day, finance=finance, people=people)
    second_invoice = _invoice(
        contract, a, "RX-0002", now - 100 * day, finance=finance, people=people
    )
    _request(contract, a, "50.00", now, note=NOTES["approved"], people=people)
    _request(contract, a, "50.00", now, note=NOTES["draft"])
    # the second account: one motor shipped 110 days ago, invoiced 100 days ago
    second = AccountFactory(
        office=office, author=a, status="approved", name=SECOND, credit_limit=Decimal("1e7")
    )
    other = signed(second, a, [line(s["product"], "1", "100.00")], people, now=now - 111 * day)
    ship_everything(other, now=now - 110 * day, people=people, warehouse=s["store"])
    _invoice(other, a, "RX-0003", now - 100 * day, finance=finance, people=people)
    account = contract.account
    today = _day(office, now)
    receipts.receipt_record(
        actor=finance, account=account, amount=Decimal("40.00"), method=PaymentMethod.TRANSFER,
        date=today, reference="RX-credit", allocations=[], now=now,
    )  # fmt: skip
    receipts.receipt_record(
        actor=finance, account=account, amount=Decimal("30.00"), method=PaymentMethod.TRANSFER,
        date=today, reference="RX-paid", now=now,
    )  # fmt: skip
    receipts.write_off_create(
        actor=finance, invoice=second_invoice, amount=Decimal("5.00"), reason="应收-核销", now=now
    )
    invoices.invoice_query(
        actor=users["clerk"], invoice=second_invoice, question="发票是否已寄出？", now=now
    )
    for note, approve in (("收款-草稿", False), ("收款-已确认", True)):
        made = collection.collection_request_create(
            actor=a, account=account, expected_amount=Decimal("60.00"), note=note, now=now,
            method=PaymentMethod.TRANSFER, expected_date=today + 3 * day,
        )  # fmt: skip
        if approve:
            collection.collection_request_submit(request=made, actor=a, now=now)
            _decide(made, people, now)
    collection.handover_record(
        actor=a, account=account, kind=PaymentMethod.CHEQUE, amount=Decimal("60.00"),
        instrument_number="RX-CHEQUE", now=now,
    )  # fmt: skip
    dunning.dunning_run(now=now)
    for period in ("2025H1", "2025H2"):
        run = statements.statement_run_start(actor=finance, office=office, period=period, now=now)
        statements.statements_generate(run_id=run.pk, now=now)
    sent = Statement.objects.get(account=account, period="2025H2")
    statements.statement_send(statement=sent, actor=a, now=now)
    disputed = Statement.objects.get(account=second, period="2025H2")
    statements.statement_send(statement=disputed, actor=a, now=now)
    statements.statement_answer(
        statement=disputed, actor=a, agreed=False, now=now,
        differences=[statements.DifferenceInput(item="RX-0003", amount="-20.00", note="")],
    )  # fmt: skip
    unpaid.unpaid_report_submit(actor=a, office=office, kind="week", day=today, note="", now=now)


def receivables_world(*, office, users: dict, now) -> dict:
    """The objects (made when not found)."""
    s = shipping_world(office=office, users=users, now=now)
    if not Invoice.objects.filter(number="RX-0001").exists():
        _make(office, users, s, now)
    account = s["contract"].account
    second = Account.objects.get(name=SECOND)
    requests = InvoiceRequest.objects.filter(contract=s["contract"])
    return {
        **s,
        "account": account,
        "second": second,
        "invoice": Invoice.objects.get(number="RX-0002"),
        "approved": requests.get(note=NOTES["approved"]),
        "draft": requests.get(note=NOTES["draft"]),
        "credit": Receipt.objects.get(reference="RX-credit"),
        "paid": Receipt.objects.get(reference="RX-paid"),
        "write_off": WriteOff.objects.get(reason="应收-核销"),
        "collection_draft": CollectionRequest.objects.get(note="收款-草稿"),
        "collection_approved": CollectionRequest.objects.get(note="收款-已确认"),
        "handover": Handover.objects.get(instrument_number="RX-CHEQUE"),
        "notice": CollectionNotice.objects.filter(account=account).first(),
        "draft_statement": Statement.objects.get(account=account, period="2025H1"),
        "sent_statement": Statement.objects.get(account=account, period="2025H2"),
        "difference": Statement.objects.get(account=second, period="2025H2").differences.get(),
        "unpaid": UnpaidReport.objects.get(salesperson=users["a"]),
    }


def api_specs(r: dict, today) -> list[dict]:
    day = today.isoformat()
    account = r["account"].pk
    return [
        {"name": "invoice-request-list", "user": "a", "path": "/api/v1/invoice-requests/",
         "body": {"contract": r["contract"].pk, "invoice_type": "ordinary", "amount": "10.00",
                  "note": "下周开票"}},
        *[
            {"name": f"invoice-request-{action}", "user": "a", "body": {},
             "path": f"/api/v1/invoice-requests/{r['draft'].pk}/{action}/"}
            for action in ("submit", "cancel")
        ],
        {"name": "invoice-list", "user": "finance", "path": "/api/v1/invoices/",
         "body": {"request": r["approved"].pk, "number": "RX-API-1", "date": day}},
        {"name": "invoice-red", "user": "finance",
         "path": f"/api/v1/invoices/{r['invoice'].pk}/red/",
         "body": {"amount": "10.00", "number": "RX-RED-1", "date": day, "reason": "退货"}},
        {"name": "invoice-signature", "user": "a",
         "path": f"/api/v1/invoices/{r['invoice'].pk}/signature/",
         "body": {"signed_by": "王经理", "signed_on": day}},
        {"name": "receipt-list", "user": "finance", "path": "/api/v1/receipts/",
         "body": {"account": account, "amount": "10.00", "method": "transfer", "date": day,
                  "reference": "网银"}},
        {"name": "receipt-allocate", "user": "finance", "body": {},
         "path": f"/api/v1/receipts/{r['credit'].pk}/allocate/"},
        {"name": "receipt-reverse", "user": "finance", "body": {"reason": "误记"},
         "path": f"/api/v1/receipts/{r['paid'].pk}/reverse/"},
        {"name": "collection-request-list", "user": "a", "path": "/api/v1/collection-requests/",
         "body": {"account": account, "expected_amount": "20.00", "method": "transfer",
                  "expected_date": day, "note": "月底付"}},
        *[
            {"name": f"collection-request-{action}", "user": "a", "body": {},
             "path": f"/api/v1/collection-requests/{r['collection_draft'].pk}/{action}/"}
            for action in ("submit", "cancel")
        ],
        {"name": "write-off-list", "user": "finance", "path": "/api/v1/write-offs/",
         "body": {"invoice": r["invoice"].pk, "amount": "1.00", "reason": "无法收回"}},
        {"name": "write-off-submit", "user": "finance", "body": {},
         "path": f"/api/v1/write-offs/{r['write_off'].pk}/submit/"},
        {"name": "handover-list", "user": "a", "path": "/api/v1/handovers/",
         "body": {"account": account, "kind": "cheque", "amount": "20.00",
                  "instrument_number": "888", "note": ""}},
        {"name": "handover-sign", "user": "finance", "body": {},
         "path": f"/api/v1/handovers/{r['handover'].pk}/sign/"},
        {"name": "statement-list", "user": "finance", "path": "/api/v1/statements/",
         "body": {"office": r["account"].office_id, "period": "2025H1"}, "legit": ("office",)},
        {"name": "statement-send", "user": "a", "body": {},
         "path": f"/api/v1/statements/{r['draft_statement'].pk}/send/"},
        {"name": "statement-answer", "user": "a", "body": {"agreed": True},
         "path": f"/api/v1/statements/{r['sent_statement'].pk}/answer/"},
    ]  # fmt: skip


def page_specs(r: dict, today, *, office) -> list[dict]:
    day = today.isoformat()
    account, invoice = r["account"].pk, r["invoice"].pk
    base = "/receivables"
    return [
        {"name": "receivables:request_new", "user": "a", "path": f"{base}/requests/new/",
         "body": {"contract": r["contract"].pk, "invoice_type": "ordinary",
                  "buyer_name": "发货测试客户", "buyer_tax_number": r["account"].credit_code,
                  "buyer_address_phone": "", "buyer_bank_account": "", "amount": "10.00",
                  "note": "下周开票"}},
        {"name": "receivables:request_submit", "user": "a", "body": {},
         "path": f"{base}/requests/{r['draft'].pk}/submit/"},
        {"name": "receivables:request_cancel", "user": "a", "body": {},
         "path": f"{base}/requests/{r['draft'].pk}/cancel/"},
        {"name": "receivables:invoice_issue", "user": "finance",
         "path": f"{base}/requests/{r['approved'].pk}/issue/",
         "body": {"number": "RX-PAGE-1", "date": day}},
        {"name": "receivables:invoice_sign", "user": "a",
         "path": f"{base}/invoices/{invoice}/sign/",
         "body": {"signed_by": "王经理", "signed_on": day}},
        {"name": "receivables:invoice_query", "user": "a",
         "path": f"{base}/invoices/{invoice}/query/", "body": {"question": "金额对吗？"}},
        {"name": "receivables:invoice_answer", "user": "finance",
         "path": f"{base}/invoices/{invoice}/answer/", "body": {"answer": "已寄出"}},
        {"name": "receivables:invoice_red", "user": "finance",
         "path": f"{base}/invoices/{invoice}/red/",
         "body": {"amount": "10.00", "number": "RX-RED-2", "date": day, "reason": "退货",
                  "return_request": "", "confirmed": "1"}},
        {"name": "receivables:write_off_new", "user": "finance", "path": f"{base}/write-offs/new/",
         "body": {"invoice": invoice, "amount": "1.00", "reason": "无法收回"}},
        {"name": "receivables:write_off_submit", "user": "finance", "body": {},
         "path": f"{base}/write-offs/{r['write_off'].pk}/submit/"},
        {"name": "receivables:write_off_cancel", "user": "finance", "body": {},
         "path": f"{base}/write-offs/{r['write_off'].pk}/cancel/"},
        {"name": "receivables:receipt_new", "user": "finance", "path": f"{base}/receipts/new/",
         "body": {"office": office.pk, "account": account, "amount": "10.00",
                  "method": "transfer", "date": day, "reference": "网银", "note": "",
                  "mode": "oldest", "collection_request": "", "handover": ""}},
        {"name": "receivables:receipt_allocate", "user": "finance",
         "path": f"{base}/receipts/{r['credit'].pk}/allocate/", "body": {"mode": "oldest"}},
        {"name": "receivables:receipt_reverse", "user": "finance",
         "path": f"{base}/receipts/{r['paid'].pk}/reverse/", "body": {"reason": "误记"}},
        {"name": "receivables:refund_new", "user": "finance", "path": f"{base}/refunds/new/",
         "body": {"office": office.pk, "account": account, "amount": "5.00",
                  "method": "transfer", "date": day, "note": ""}},
        {"name": "receivables:collection_new", "user": "a", "path": f"{base}/collections/new/",
         "body": {"account": account, "expected_amount": "20.00", "method": "transfer",
                  "expected_date": day, "note": "月底付"}},
        *[
            {"name": f"receivables:collection_{action}", "user": "a", "body": {},
             "path": f"{base}/collections/{r[key].pk}/{action}/"}
            for action, key in (
                ("submit", "collection_draft"),
                ("cancel", "collection_draft"),
                ("told", "collection_approved"),
            )
        ],
        {"name": "receivables:handover_new", "user": "a", "path": f"{base}/handovers/new/",
         "body": {"account": account, "kind": "cheque", "amount": "20.00",
                  "instrument_number": "888", "note": ""}},
        {"name": "receivables:handover_sign", "user": "finance", "body": {},
         "path": f"{base}/handovers/{r['handover'].pk}/sign/"},
        {"name": "receivables:notice_sign", "user": "a", "body": {},
         "path": f"{base}/notices/{r['notice'].pk}/sign/"},
        {"name": "receivables:statement_generate", "user": "finance",
         "path": f"{base}/statements/generate/",
         "body": {"office": office.pk, "period": "2025H1"}, "legit": ("office",)},
        {"name": "receivables:statement_send", "user": "a", "body": {},
         "path": f"{base}/statements/{r['draft_statement'].pk}/send/"},
        {"name": "receivables:statement_answer", "user": "a", "body": {"agreed": "1"},
         "path": f"{base}/statements/{r['sent_statement'].pk}/answer/"},
        {"name": "receivables:difference_resolve", "user": "finance",
         "path": f"{base}/statements/differences/{r['difference'].pk}/resolve/",
         "body": {f"resolve-{r['difference'].pk}-resolution": "已核对，客户认可"}},
        {"name": "receivables:unpaid_submit", "user": "b", "path": f"{base}/reports/unpaid/submit/",
         "body": {"office": office.pk, "kind": "week", "date": day, "note": "本周跟进"}},
        {"name": "receivables:unpaid_check", "user": "finance",
         "path": f"{base}/reports/unpaid/{r['unpaid'].pk}/check/", "body": {"note": "已核对"}},
    ]  # fmt: skip
