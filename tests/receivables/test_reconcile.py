"""Reconciling receivables (receivables.reconcile, wired into `manage.py reconcile`): books
kept by the services have no mismatch; a ledger line or an allocation slipped in behind the
services' back (a raw INSERT: UPDATE and DELETE are refused by the database), or an invoice
changed in place, is reported in words and fails the command (R-14.2, R-15.1, R-15.3)."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import ProgrammingError, connection, transaction

from contracts.factories import NOW
from receivables import reconcile
from receivables.factories import issued_invoice, received
from receivables.models import Allocation, Invoice, LedgerLine, Receipt, Refund
from receivables.services import invoices, receipts
from shipping.factories import decide_all

pytestmark = pytest.mark.django_db

TODAY = NOW.date()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def books(shipped, finance, director, executive):
    """Two invoices, a receipt over two of them, a red-letter invoice, a credit partly
    refunded, a receipt reversed, a write-off approved: every kind of ledger line."""
    first = issued_invoice(
        shipped, now=NOW - 5 * DAY, amount="1000.00", ship=False, finance=finance
    )
    second = issued_invoice(shipped, now=NOW, amount="1250.00", ship=False, finance=finance)
    paid = received(shipped.account, "1200.00", now=NOW, finance=finance)
    invoices.invoice_red(
        actor=finance, invoice=second, amount="50.00", number="R-1", date=TODAY, now=NOW
    )
    wrong = received(shipped.account, "300.00", now=NOW, finance=finance)
    receipts.receipt_reverse(actor=finance, receipt=wrong, reason="录错", now=NOW)
    received(shipped.account, "2000.00", now=NOW, finance=finance)  # 1,000.00 left as credit
    receipts.refund_record(
        actor=finance,
        account=shipped.account,
        amount="400.00",
        method="transfer",
        date=TODAY,
        now=NOW,
    )
    third = issued_invoice(shipped, now=NOW, amount="50.00", ship=False, finance=finance)
    write_off = receipts.write_off_create(
        actor=finance, invoice=third, amount="10.00", reason="尾差", now=NOW
    )
    receipts.write_off_submit(write_off=write_off, actor=finance, now=NOW)
    decide_all(write_off, [director, executive], now=NOW)
    kinds = set(LedgerLine.objects.values_list("kind", flat=True))
    assert kinds == {"invoice", "red_invoice", "receipt", "reversal", "refund", "write_off"}
    return {"paid": paid, "first": first, "second": second}


def test_books_kept_by_the_services_reconcile(books, capsys):
    assert reconcile.mismatches() == []
    call_command("reconcile")
    assert "0 mismatches" in capsys.readouterr().out


def _insert_line(receipt, amount):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO receivables_ledgerline (office_id, account_id, date, kind, document, "
            "debit, credit, receipt_id, posted_by_id, posted_at) "
            "VALUES (%s, %s, %s, 'receipt', %s, 0, %s, %s, %s, %s)",
            [
                receipt.office_id,
                receipt.account_id,
                TODAY,
                receipt.number,
                amount,
                receipt.pk,
                receipt.recorded_by_id,
                NOW,
            ],
        )


def test_a_ledger_line_inserted_behind_the_services_back_is_reported(books, capsys):
    paid = books["paid"]
    _insert_line(paid, Decimal("100.00"))
    found = reconcile.mismatches()
    assert [(m.kind, m.ref) for m in found] == [
        ("account", str(paid.account_id)),
        ("ledger", f"receipt {paid.pk}"),
    ]
    assert str(found[0]).startswith(f"account {paid.account_id}: ledger balance ")
    assert "posts 1300.00 in all, 1300.00 as its receipt entry; expected 1200.00" in str(found[1])
    with pytest.raises(CommandError, match="2 money mismatches"):
        call_command("reconcile")
    captured = capsys.readouterr()
    assert "2 mismatches" in captured.out
    assert f"ledger receipt {paid.pk}: posts 1300.00 in all" in captured.err


def test_an_allocation_over_the_open_amount_is_reported(books):
    """Inserted behind the services' back, an allocation of 100.00 more than the first invoice
    had open: the invoice is over-allocated, its receipt allocates more than it received."""
    paid, first = books["paid"], books["first"]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO receivables_allocation (receipt_id, invoice_id, amount, date, "
            "created_by_id, created_at) VALUES (%s, %s, 100.00, %s, %s, %s)",
            [paid.pk, first.pk, TODAY, paid.recorded_by_id, NOW],
        )
    found = {(m.kind, m.ref): str(m) for m in reconcile.mismatches()}
    assert set(found) == {("invoice", str(first.pk)), ("receipt", str(paid.pk))}
    assert "allocated 1100.00 not within 0 and amount 1000.00" in found[("invoice", str(first.pk))]
    assert "allocates 1300.00, not within 0.00 and 1200.00" in found[("receipt", str(paid.pk))]


def test_an_invoice_changed_in_place_is_reported_on_its_account_ledger_and_contract(books):
    second = books["second"]
    Invoice.objects.filter(pk=second.pk).update(amount=Decimal("1500.00"))
    found = {(m.kind, m.ref) for m in reconcile.mismatches()}
    assert found == {
        ("account", str(second.account_id)),
        ("ledger", f"invoice {second.pk}"),
        ("contract", str(second.contract_id)),
    }


def test_an_allocation_to_another_accounts_invoice_is_reported(
    books, office, salesperson, product, approvers, finance
):
    from contracts.factories import approved_account

    from .books import signed_contract

    other = approved_account(office, salesperson, name="西北重工")
    theirs = issued_invoice(
        signed_contract(other, salesperson, product, approvers), now=NOW, finance=finance
    )
    receipt = received(other, "10.00", now=NOW, finance=finance, allocations=[])
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO receivables_allocation (receipt_id, invoice_id, amount, date, "
            "created_by_id, created_at) VALUES (%s, %s, 10.00, %s, %s, %s)",
            [receipt.pk, books["first"].pk, TODAY, finance.pk, NOW],
        )
    found = {(m.kind, m.ref) for m in reconcile.mismatches()}
    assert ("allocation", str(Allocation.objects.latest("pk").pk)) in found
    assert {("account", str(other.pk)), ("account", str(books["first"].account_id))} <= found
    assert ("invoice", str(books["first"].pk)) in found
    assert ("invoice", str(theirs.pk)) not in found


def test_a_write_off_posted_before_its_approval_is_reported(books, finance):
    """A draft write-off with a ledger line slipped in: it posts 5.00 where it should post
    nothing yet; and a receipt posted a second time as a debit (the kind of a reversal) is
    not its own entry either."""
    third = Invoice.objects.get(amount=Decimal("50.00"), red_of__isnull=True)
    draft = receipts.write_off_create(
        actor=finance, invoice=third, amount="5.00", reason="尾差", now=NOW
    )
    paid = books["paid"]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO receivables_ledgerline (office_id, account_id, date, kind, document, "
            "debit, credit, write_off_id, posted_by_id, posted_at) "
            "VALUES (%s, %s, %s, 'write_off', %s, 0, 5.00, %s, %s, %s)",
            [draft.office_id, draft.account_id, TODAY, draft.number, draft.pk, finance.pk, NOW],
        )
        cursor.execute(
            "INSERT INTO receivables_ledgerline (office_id, account_id, date, kind, document, "
            "debit, credit, receipt_id, posted_by_id, posted_at) "
            "VALUES (%s, %s, %s, 'reversal', %s, 1200.00, 0, %s, %s, %s)",
            [paid.office_id, paid.account_id, TODAY, paid.number, paid.pk, finance.pk, NOW],
        )
    found = {(m.kind, m.ref): str(m) for m in reconcile.mismatches()}
    assert (
        "posts 5.00 in all, 5.00 as its write_off entry; expected 0.00"
        in (found[("ledger", f"write_off {draft.pk}")])
    )
    assert (
        "posts 2400.00 in all, 1200.00 as its receipt entry; expected 1200.00"
        in (found[("ledger", f"receipt {paid.pk}")])
    )
    assert ("account", str(paid.account_id)) in found


def test_one_branch_at_a_time(books, other_office, capsys):
    _insert_line(books["paid"], Decimal("1.00"))
    assert reconcile.mismatches([other_office]) == []
    call_command("reconcile", office=other_office.code)
    assert "0 mismatches" in capsys.readouterr().out
    assert reconcile.mismatches([books["paid"].office]) != []


@pytest.mark.parametrize("model", [LedgerLine, Allocation, Receipt, Refund])
@pytest.mark.parametrize("operation", ["UPDATE {table} SET date = date", "DELETE FROM {table}"])
def test_the_database_refuses_to_change_or_remove_money_rows(books, model, operation):
    """R-15.1: append-only by trigger, even for a statement that changes nothing."""
    row = model.objects.order_by("pk").first()
    sql = operation.format(table=model._meta.db_table) + " WHERE id = %s"
    with (
        pytest.raises(ProgrammingError, match="Cannot"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [row.pk])
    assert model.objects.filter(pk=row.pk).count() == 1
    assert reconcile.mismatches() == []
