"""The demo's invoicing and receivables (workspace.demo_receivables, R-14, R-15): the branch's
aging has an amount in every bucket, the invoice requests stand in every state, the money
waiting for someone is in their inbox or on their list, the dunning and the statements have
run; the books reconcile, and a second run adds nothing."""

import datetime
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from approvals.selectors import inbox_for
from receivables import figures
from receivables.models import (
    Allocation,
    CollectionNotice,
    Handover,
    Invoice,
    InvoiceRequest,
    LedgerLine,
    Receipt,
    Statement,
)
from receivables.reconcile import mismatches
from staff.models import Office, User
from workspace.demo_sales import DEMO_BRANCH

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
AFTERNOON = datetime.datetime(2026, 11, 27, 14, 0, tzinfo=SH)  # a Friday
TODAY = AFTERNOON.date()
D = Decimal

# account → (0–30 incl. not yet due, 31–60, 61–90, 91–180, over 180), by hand from the module:
AGING = {
    # 55,000.00 invoiced 45 days ago, 30,000.00 paid; 23,600.00 80 days ago, a 10,000.00 bill
    "江苏恒通机电设备有限公司": ("25000.00", "13600.00", "0", "0", "0"),
    # 2 converters (13,600.00) and 120 m of cable (20,220.00) invoiced a week ago, not due
    "上海浦江水务工程有限公司": ("33820.00", "0", "0", "0", "0"),
    # 2 motors and 20 valves (14,400.00) 205 days ago: the wrong receipt reversed
    "无锡宏达建材有限公司": ("0", "0", "0", "14400.00", "0"),
    # 11,800.00 105 days ago, a pump (2,800.00) credited
    "常州市武进区公共资源交易中心": ("0", "0", "9000.00", "0", "0"),
    # 22,100.00 235 days ago, 12,000.00 paid (the 2,100.00 write-off not approved yet)
    "南通金桥五金机电经销部": ("0", "0", "0", "0", "10100.00"),
}


def demo_data() -> str:
    out = StringIO()
    with time_machine.travel(AFTERNOON, tick=False):
        call_command("demo_data", stdout=out)
    return out.getvalue()


def counts() -> list[int]:
    models = (InvoiceRequest, Invoice, Receipt, Allocation, LedgerLine, CollectionNotice)
    return [m.objects.count() for m in (*models, Statement, Handover)]


def test_the_branch_receivables_once_and_reconciled():
    out = demo_data()
    made = counts()
    again = demo_data()
    assert "8 invoices from 12 invoice requests" in out
    assert "receivables kept" in again and counts() == made
    assert mismatches() == []

    branch = Office.objects.get(code=DEMO_BRANCH["code"])
    invoices = Invoice.objects.filter(office=branch)
    rows = {
        row["account__name"]: tuple(row[k] for k in figures.AGING_KEYS)
        for row in figures.aging_rows(invoices, TODAY, group="account__name")
    }
    assert rows == {name: tuple(D(v) for v in buckets) for name, buckets in AGING.items()}
    # each account's ledger balance = open invoices − its unallocated credit
    for name, buckets in AGING.items():
        account = invoices.filter(account__name=name).first().account
        open_total = sum(D(v) for v in buckets)
        credit = D("20000.00") if name.startswith("上海浦江") else D("0")
        assert figures.balance(account.pk) == open_total - credit, name
        assert figures.unallocated_credit(account.pk) == credit, name


def test_invoice_requests_in_every_state_and_who_acts_next():
    demo_data()
    branch = Office.objects.get(code=DEMO_BRANCH["code"])
    users = {u.username: u for u in User.objects.all()}
    states = sorted(InvoiceRequest.objects.filter(office=branch).values_list("status", flat=True))
    assert states == sorted(
        ["issued"] * 7 + ["approved", "pending", "cancelled", "rejected", "draft"]
    )
    rejected = InvoiceRequest.objects.get(status="rejected")
    assert rejected.approvals().get().comment.startswith("开户行账号")
    # red-letter invoice against the returned pump, on the contract's invoice
    red = Invoice.objects.get(red_of__isnull=False)
    assert red.amount == D("2800.00") and red.return_request.status == "received"
    assert figures.to_credit(red.contract) == 0
    with time_machine.travel(AFTERNOON, tick=False):
        inbox = {
            name: [(i["approval"].document_type, i["document"].pk) for i in items]
            for name, u in users.items()
            for items in [inbox_for(u, now=AFTERNOON)]
        }
    pending = InvoiceRequest.objects.get(status="pending")
    assert ("invoice_request", pending.pk) in inbox["bmanager"]
    kinds = {kind for kind, _pk in inbox["executive"]}
    assert "write_off" in kinds  # the director approved, the executive decides
    assert "collection_request" in {kind for kind, _pk in inbox["finance"]}


def test_money_waiting_and_the_jobs_that_ran():
    demo_data()
    # today's cheque not yet signed for; the bill of 40 days ago became a receipt
    unsigned = Handover.objects.get(signed_at__isnull=True)
    assert (unsigned.kind, unsigned.amount) == ("cheque", D("9000.00"))
    assert Handover.objects.get(kind="acceptance_bill").receipt.amount == D("10000.00")
    # today's transfer not allocated; a reversal taking its receipt back in full
    today = figures.receipts_with_unallocated(Receipt.objects.filter(date=TODAY))
    assert [(r.amount, r.unallocated) for r in today] == [(D("20000.00"), D("20000.00"))]
    reversal = Receipt.objects.get(reversal_of__isnull=False)
    assert figures.receipt_unallocated(reversal.reversal_of) == 0
    assert reversal.allocations.get().amount == D("-8000.00")
    # an invoice queried, for the clerk's daily check
    assert Invoice.objects.filter(query__gt="", query_answered_at__isnull=True).count() == 1
    # this morning's notices, one per overdue account, one signed for
    notices = CollectionNotice.objects.filter(date=TODAY)
    assert notices.count() == 4 and notices.filter(signed_at__isnull=False).count() == 1
    # the last half year's statements (2026H1): one signed back, one disputed
    statuses = dict(Statement.objects.values_list("account__name", "status"))
    assert statuses == {"南通金桥五金机电经销部": "agreed", "无锡宏达建材有限公司": "disputed"}
    disputed = Statement.objects.get(status="disputed")
    assert disputed.period == "2026H1" and disputed.differences.get().resolved_at is None
    assert disputed.closing == figures.balance(disputed.account_id, disputed.end)
