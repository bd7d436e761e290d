"""Targets of the invoicing and receivables forms for tests/security/test_form_fuzz.py (R-14,
R-15), in the demo's branch (workspace.demo_receivables): rep1's draft invoice request on
江苏恒通's second contract, the approved one finance issues, an invoice of 江苏恒通, today's
receipt not allocated, the cheque not signed for, rep1's collection notice, the disputed
statement's difference; and, made here, rep1's draft collection request, a confirmed one not yet
told, finance's draft write-off and rep1's unpaid report of the week."""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import Account
from approvals.services import approval_decide
from receivables.models import (
    CollectionNotice,
    Handover,
    Invoice,
    InvoiceRequest,
    Receipt,
    StatementDifference,
)
from receivables.services import collection, receipts, unpaid
from staff.models import Office, User
from workspace import demo_receivables


def receivables_targets(world: dict) -> dict:
    now = timezone.now()
    branch = Office.objects.get(code="demo-branch")
    people = {u.username: u for u in User.objects.filter(offices=branch)}
    rep, finance = people["rep1"], people["finance"]
    world["users"].setdefault("rep", rep)
    invoices = Invoice.objects.filter(office=branch, red_of__isnull=True)
    hengtong = invoices.filter(account__name="江苏恒通机电设备有限公司").order_by("date").first()
    account = hengtong.account
    today = timezone.localtime(now, branch.tzinfo).date()
    drafted = collection.collection_request_create(
        actor=rep, account=account, expected_amount=Decimal("1000.00"), method="transfer",
        expected_date=today + datetime.timedelta(days=3), now=now,
    )  # fmt: skip
    confirmed = collection.collection_request_create(
        actor=rep, account=account, expected_amount=Decimal("2000.00"), method="cheque",
        expected_date=today + datetime.timedelta(days=3), now=now,
    )  # fmt: skip
    collection.collection_request_submit(request=confirmed, actor=rep, now=now)
    for role in ("bmanager", "finance"):
        step = confirmed.approvals().get(state="pending")
        approval_decide(approval=step, actor=people[role], decision="approve", comment="", now=now)
    write_off = receipts.write_off_create(
        actor=finance, invoice=hengtong, amount=Decimal("100.00"), reason="尾差", now=now
    )
    report = unpaid.unpaid_report_submit(
        actor=rep, office=branch, kind="week", day=today, note="", now=now
    )
    receipts_of = Receipt.objects.filter(office=branch, reversal_of__isnull=True)
    rest_of = [s for s in demo_receivables.SALES if s.key == "hengtong_b"][0]
    return {
        "rv_branch": branch.pk,
        "rv_accounts": list(
            Account.objects.filter(office=branch).order_by("pk").values_list("pk", flat=True)
        ),
        "rv_account": account.pk,
        "rv_contract": invoices.get(contract__delivery_place=rest_of.place).contract_id,
        "rv_request_draft": InvoiceRequest.objects.get(office=branch, status="draft", owner=rep).pk,
        "rv_request_approved": InvoiceRequest.objects.get(office=branch, status="approved").pk,
        "rv_invoice": hengtong.pk,
        "rv_invoices": list(invoices.values_list("pk", flat=True)),
        "rv_receipt_open": receipts_of.filter(date=today).order_by("pk").last().pk,
        "rv_receipt": receipts_of.order_by("pk").first().pk,
        "rv_handover": Handover.objects.get(office=branch, signed_at__isnull=True).pk,
        "rv_notice": CollectionNotice.objects.filter(salesperson=rep).earliest("pk").pk,
        "rv_collection_draft": drafted.pk,
        "rv_collection_confirmed": confirmed.pk,
        "rv_write_off": write_off.pk,
        "rv_difference": StatementDifference.objects.filter(statement__office=branch)
        .earliest("pk")
        .pk,
        "rv_statement": StatementDifference.objects.filter(statement__office=branch)
        .earliest("pk")
        .statement_id,
        "rv_unpaid": report.pk,
    }
