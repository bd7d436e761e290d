"""Invoicing and receivables of the permission matrix's world (R-14, R-15), per scope on the
scope's signed contract (tests/security/matrix_data.py: 10 motors at 100.00, 3 shipped), all
through receivables.services as the people of each step would do it:

- `invoice`: 100.00 asked for by the scope's salesperson 101 days ago, approved by the branch
  manager, issued by the branch's finance 100 days ago (so overdue, and on the statement of
  2025H2); numbered INVOICE_NUMBERS[scope], which only who may read that scope's invoices reads;
- `receipt`: 30.00 received today, allocated to it;
- `invoice_request` a draft of 50.00 and `approved_invoice_request` one of 50.00 to issue;
- `write_off`: finance's draft of 10.00 of the invoice; `collection_request`: the salesperson's
  draft; `handover`: a cheque the salesperson received today, not signed for;
- `notice`: this morning's collection notice (the dunning job); `statement`: the 2025H2
  statement, sent and disputed, with its open `difference`; `statement_run`: the office's run;
- `unpaid_report`: the salesperson's weekly unpaid report;
- `receivable_account`: the contract's account (its ledger).
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from approvals.services import approval_decide
from receivables.choices import InvoiceType, PaymentMethod
from receivables.models import CollectionNotice, StatementRun
from receivables.services import collection, dunning, invoices, receipts, statements, unpaid

SCOPES = ("own", "peer", "other")
# each scope's invoice number: shown only to who may read that scope's receivables
INVOICE_NUMBERS = {"own": "88000101", "peer": "88000202", "other": "88000303"}
PERIOD = "2025H2"


def _request(contract, amount, now, *, approve_by=None):
    seller = contract.account.owner
    made = invoices.invoice_request_create(
        actor=seller,
        contract=contract,
        invoice_type=InvoiceType.ORDINARY,
        amount=Decimal(amount),
        now=now,
    )
    if approve_by is None:
        return made
    invoices.invoice_request_submit(request=made, actor=seller, now=now)
    step = made.approvals().get(state="pending")
    approval_decide(approval=step, actor=approve_by, decision="approve", comment="", now=now)
    made.refresh_from_db()
    return made


def build_receivables(world, now) -> None:
    users, people = world.users, world.people
    sellers = {"own": users["SP"], "peer": people["sp2"], "other": people["spb"]}
    managers = {"own": users["MA"], "peer": users["MA"], "other": people["mab"]}
    finance = {"own": users["FI"], "peer": users["FI"], "other": people["fib"]}
    then = now - datetime.timedelta(days=100)
    kinds = ("invoice", "invoice_request", "approved_invoice_request", "receipt", "write_off")
    kinds += ("collection_request", "handover", "receivable_account", "unpaid_report")
    for kind in kinds:
        world.objects[kind] = {}
    for scope in SCOPES:
        contract = world.objects["sales_contract"][scope]
        account = contract.account
        world.objects["receivable_account"][scope] = account
        asked = _request(
            contract, "100.00", then - datetime.timedelta(days=1), approve_by=managers[scope]
        )
        invoice = invoices.invoice_issue(
            actor=finance[scope],
            request=asked,
            number=INVOICE_NUMBERS[scope],
            date=timezone.localtime(then, contract.office.tzinfo).date(),
            now=then,
        )
        world.objects["invoice"][scope] = invoice
        world.objects["invoice_request"][scope] = _request(contract, "50.00", now)
        world.objects["approved_invoice_request"][scope] = _request(
            contract, "50.00", now, approve_by=managers[scope]
        )
        world.objects["receipt"][scope] = receipts.receipt_record(
            actor=finance[scope], account=account, amount=Decimal("30.00"),
            method=PaymentMethod.TRANSFER, date=world.today(scope), now=now,
        )  # fmt: skip
        world.objects["write_off"][scope] = receipts.write_off_create(
            actor=finance[scope], invoice=invoice, amount=Decimal("10.00"), now=now,
            reason="矩阵核销",
        )  # fmt: skip
        world.objects["collection_request"][scope] = collection.collection_request_create(
            actor=sellers[scope], account=account, expected_amount=Decimal("70.00"),
            method=PaymentMethod.TRANSFER, expected_date=world.today(scope), now=now,
        )  # fmt: skip
        world.objects["handover"][scope] = collection.handover_record(
            actor=sellers[scope], account=account, kind=PaymentMethod.CHEQUE,
            amount=Decimal("70.00"), instrument_number="10203040", now=now,
        )  # fmt: skip
        world.objects["unpaid_report"][scope] = unpaid.unpaid_report_submit(
            actor=sellers[scope], office=world.office(scope), kind="week",
            day=world.today(scope), note="", now=now,
        )  # fmt: skip
    # this morning's notices, one per account with the overdue invoice
    dunning.dunning_run(now=now)
    world.objects["notice"] = {
        scope: CollectionNotice.objects.get(account=world.objects["receivable_account"][scope])
        for scope in SCOPES
    }
    # each office's statements of 2025H2, sent and disputed item by item
    world.objects["statement_run"], world.objects["statement"] = {}, {}
    world.objects["difference"] = {}
    for scope in ("own", "other"):
        run = statements.statement_run_start(
            actor=finance[scope], office=world.office(scope), period=PERIOD, now=now
        )
        statements.statements_generate(run_id=run.pk, now=now)
        world.objects["statement_run"][scope] = StatementRun.objects.get(pk=run.pk)
    for scope in SCOPES:
        account = world.objects["receivable_account"][scope]
        statement = account.statements.get(period=PERIOD)
        statements.statement_send(statement=statement, actor=sellers[scope], now=now)
        statements.statement_answer(
            statement=statement, actor=sellers[scope], agreed=False, now=now,
            differences=[statements.DifferenceInput(item="矩阵差异", amount="-10.00")],
        )  # fmt: skip
        statement.refresh_from_db()
        world.objects["statement"][scope] = statement
        world.objects["difference"][scope] = statement.differences.get()
