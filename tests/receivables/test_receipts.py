"""Receipts through the services (R-15.1, R-15.3): finance records money received, which
credits the account's ledger and is set against its invoices oldest due first unless chosen,
never over an invoice's open amount nor to another account's invoice; what is left is a
credit, allocated later or refunded (never more than the credit); a receipt entered wrongly
is reversed by a new entry that takes back its allocations and debits the ledger, once. The
wrong person is refused, and every refusal leaves every table as it was."""

import datetime
from decimal import Decimal

import pytest
from rest_framework.exceptions import PermissionDenied, ValidationError

from common.errors import DomainError
from contracts.factories import NOW, approved_account
from receivables import figures
from receivables.factories import issued_invoice
from receivables.models import Allocation, LedgerLine, Receipt
from receivables.services import invoices, receipts
from receivables.services.receipts import AllocationInput
from staff.choices import Role
from staff.factories import UserFactory

from .books import row_counts, signed_contract

pytestmark = pytest.mark.django_db

TODAY = NOW.date()
DAY = datetime.timedelta(days=1)
M = Decimal


def refused(error, call, *, code=None):
    before = row_counts()
    with pytest.raises(error) as caught:
        call()
    if code is not None:
        assert caught.value.code == code
    assert row_counts() == before
    return caught.value


def record(finance, account, amount, *, chosen=None, date=TODAY, now=NOW, method="transfer"):
    return receipts.receipt_record(
        actor=finance,
        account=account,
        amount=amount,
        method=method,
        date=date,
        allocations=None
        if chosen is None
        else [AllocationInput(invoice=i, amount=M(a)) for i, a in chosen],
        now=now,
    )


def allocated(receipt) -> list[tuple[int, Decimal]]:
    return list(
        Allocation.objects.filter(receipt=receipt).order_by("pk").values_list("invoice", "amount")
    )


@pytest.fixture
def two(shipped, finance):
    """Two invoices of the account: 500.00 due first (dated ten days back), then 1,750.00."""
    older = issued_invoice(
        shipped, now=NOW - 10 * DAY, amount="500.00", ship=False, finance=finance
    )
    newer = issued_invoice(shipped, now=NOW, amount="1750.00", ship=False, finance=finance)
    assert older.due_date < newer.due_date
    return older, newer


# ---------------------------------------------------------------- allocation


def test_oldest_due_first_and_the_ledger_credited(two, finance):
    older, newer = two
    account = older.account
    receipt = record(finance, account, "800.00")
    assert allocated(receipt) == [(older.pk, M("500.00")), (newer.pk, M("300.00"))]
    assert figures.receipt_unallocated(receipt) == 0
    assert (figures.open_amount(older), figures.open_amount(newer)) == (0, M("1450.00"))
    line = LedgerLine.objects.get(receipt=receipt)
    assert (line.kind, line.credit, line.debit, line.document) == (
        "receipt",
        M("800.00"),
        0,
        receipt.number,
    )
    assert figures.balance(account.pk) == M("1450.00")
    assert receipt.number == "SK-2026-0001"


def test_chosen_allocations_and_the_rest_a_credit(two, finance):
    older, newer = two
    receipt = record(finance, older.account, "800.00", chosen=[(newer.pk, "300.00")])
    assert allocated(receipt) == [(newer.pk, M("300.00"))]
    assert figures.receipt_unallocated(receipt) == M("500.00")
    assert figures.unallocated_credit(older.account_id) == M("500.00")
    assert figures.open_amount(older) == M("500.00")
    # balance = Σ open − credit
    assert figures.balance(older.account_id) == M("500.00") + M("1450.00") - M("500.00")


def test_more_than_is_open_leaves_a_credit(two, finance):
    older, _newer = two
    receipt = record(finance, older.account, "3000.00")
    assert figures.receipt_unallocated(receipt) == M("750.00")
    assert figures.balance(older.account_id) == M("-750.00")
    assert figures.unallocated_credit(older.account_id) == M("750.00")


def test_a_receipt_with_no_open_invoice_is_all_credit(account, finance):
    receipt = record(finance, account, "100.00")
    assert allocated(receipt) == [] and figures.receipt_unallocated(receipt) == M("100.00")


def test_over_an_invoices_open_amount_is_refused(two, finance):
    older, newer = two
    error = refused(
        ValidationError,
        lambda: record(finance, older.account, "800.00", chosen=[(older.pk, "500.01")]),
    )
    assert error.get_codes()["allocations"] == {0: ["over_open"]}
    # once paid, nothing is left on it
    record(finance, older.account, "500.00", chosen=[(older.pk, "500.00")])
    refused(
        ValidationError,
        lambda: record(finance, older.account, "1.00", chosen=[(older.pk, "1.00")]),
    )


def test_allocations_over_the_receipt_are_refused(two, finance):
    older, newer = two
    refused(
        ValidationError,
        lambda: record(
            finance, older.account, "600.00", chosen=[(older.pk, "500.00"), (newer.pk, "100.01")]
        ),
    )
    refused(
        ValidationError,
        lambda: record(
            finance, older.account, "600.00", chosen=[(newer.pk, "100.00"), (newer.pk, "100.00")]
        ),
    )


def test_another_accounts_invoice_is_refused(two, finance, office, salesperson, product, approvers):
    older, _newer = two
    other = approved_account(office, salesperson, name="西北重工")
    theirs = issued_invoice(
        signed_contract(other, salesperson, product, approvers), now=NOW, finance=finance
    )
    error = refused(
        ValidationError,
        lambda: record(finance, older.account, "100.00", chosen=[(theirs.pk, "100.00")]),
    )
    assert "allocations" in error.detail
    assert figures.open_amount(theirs) == M("1000.00")


def test_a_red_invoice_is_not_allocated(two, finance):
    older, _newer = two
    credit = invoices.invoice_red(
        actor=finance, invoice=older, amount="100.00", number="R-1", date=TODAY, now=NOW
    )
    refused(
        ValidationError,
        lambda: record(finance, older.account, "50.00", chosen=[(credit.pk, "50.00")]),
    )


@pytest.mark.parametrize("amount", ["0", "0.00", "-100.00", "10.001", "1e12", "NaN", ""])
def test_a_bad_amount_is_refused(two, finance, amount):
    older, _newer = two
    refused(ValidationError, lambda: record(finance, older.account, amount))


@pytest.mark.parametrize("amount", ["0", "-1.00"])
def test_a_zero_or_negative_allocation_is_refused(two, finance, amount):
    older, _newer = two
    refused(
        ValidationError,
        lambda: record(finance, older.account, "100.00", chosen=[(older.pk, amount)]),
    )


def test_the_date_is_neither_ahead_nor_more_than_a_year_back(account, finance):
    for day in (TODAY + DAY, TODAY - 367 * DAY, "2026-02-30", "昨天"):
        refused(ValidationError, lambda d=day: record(finance, account, "1.00", date=d))
    assert record(finance, account, "1.00", date=TODAY - 366 * DAY).date == TODAY - 366 * DAY


def test_only_the_branchs_finance_records(account, manager, salesperson, clerk, other_office):
    elsewhere = UserFactory(username="fin-other", roles=[Role.FINANCE], offices=[other_office])
    for who in (manager, salesperson, clerk, elsewhere):
        refused(PermissionDenied, lambda who=who: record(who, account, "1.00"))


# ---------------------------------------------------------------- later allocation


def test_a_credit_is_allocated_later(shipped, finance):
    account = shipped.account
    receipt = record(finance, account, "900.00")  # nothing invoiced yet: all credit
    refused(
        DomainError,
        lambda: receipts.receipt_allocate(actor=finance, receipt=receipt, now=NOW),
        code="nothing_open",
    )
    first = issued_invoice(shipped, now=NOW, amount="400.00", ship=False, finance=finance)
    second = issued_invoice(shipped, now=NOW + DAY, amount="1000.00", ship=False, finance=finance)
    made = receipts.receipt_allocate(actor=finance, receipt=receipt, now=NOW + DAY)
    assert [(a.invoice_id, a.amount) for a in made] == [
        (first.pk, M("400.00")),
        (second.pk, M("500.00")),
    ]
    assert all(a.date == TODAY + DAY for a in made)
    assert figures.receipt_unallocated(receipt) == 0
    refused(
        DomainError,
        lambda: receipts.receipt_allocate(actor=finance, receipt=receipt, now=NOW),
        code="nothing_left",
    )
    # a later allocation moves no money: the ledger has the invoices and the receipt only
    assert LedgerLine.objects.filter(account=account).count() == 3
    assert figures.balance(account.pk) == M("500.00")


def test_a_later_allocation_as_chosen_within_what_is_left(shipped, finance, manager):
    receipt = record(finance, shipped.account, "300.00")
    invoice = issued_invoice(shipped, now=NOW, amount="1000.00", ship=False, finance=finance)

    def allocate(amount, who=finance):
        return receipts.receipt_allocate(
            actor=who,
            receipt=receipt,
            now=NOW,
            allocations=[AllocationInput(invoice=invoice.pk, amount=M(amount))],
        )

    refused(ValidationError, lambda: allocate("300.01"))
    refused(PermissionDenied, lambda: allocate("1.00", manager))
    allocate("120.00")
    allocate("180.00")
    assert figures.open_amount(invoice) == M("700.00")
    assert figures.receipt_unallocated(receipt) == 0


def test_a_refunded_credit_is_not_allocated_again(shipped, finance):
    """Refunds are paid out of the account's credit: a receipt's unallocated part that was
    refunded is not set against an invoice afterwards (the invoice would look paid with
    money given back)."""
    receipt = record(finance, shipped.account, "300.00")
    receipts.refund_record(
        actor=finance,
        account=shipped.account,
        amount="200.00",
        method="transfer",
        date=TODAY,
        now=NOW,
    )
    invoice = issued_invoice(shipped, now=NOW, amount="1000.00", ship=False, finance=finance)
    made = receipts.receipt_allocate(actor=finance, receipt=receipt, now=NOW)
    assert [(a.invoice_id, a.amount) for a in made] == [(invoice.pk, M("100.00"))]
    assert figures.unallocated_credit(shipped.account_id) == 0
    refused(
        DomainError,
        lambda: receipts.receipt_allocate(actor=finance, receipt=receipt, now=NOW),
        code="nothing_left",
    )
    assert figures.balance(shipped.account_id) == figures.open_amount(invoice) == M("900.00")


# ---------------------------------------------------------------- reversal


def test_a_reversal_takes_back_the_allocations_and_debits_the_ledger(two, finance):
    older, newer = two
    account = older.account
    receipt = record(finance, account, "800.00")
    reversal = receipts.receipt_reverse(
        actor=finance, receipt=receipt, reason="录错客户", now=NOW + DAY
    )
    assert (reversal.reversal_of, reversal.amount, reversal.reference, reversal.note) == (
        receipt,
        M("800.00"),
        receipt.number,
        "录错客户",
    )
    assert sorted(allocated(reversal)) == sorted(
        [(older.pk, M("-500.00")), (newer.pk, M("-300.00"))]
    )
    assert (figures.open_amount(older), figures.open_amount(newer)) == (
        M("500.00"),
        M("1750.00"),
    )
    line = LedgerLine.objects.get(receipt=reversal)
    assert (line.kind, line.debit, line.credit, line.date) == (
        "reversal",
        M("800.00"),
        0,
        TODAY + DAY,
    )
    assert figures.balance(account.pk) == M("2250.00")
    assert figures.unallocated_credit(account.pk) == 0
    # the original is kept as it was (append-only) and is not allocated again
    assert Receipt.objects.get(pk=receipt.pk).amount == M("800.00")
    assert allocated(receipt) == [(older.pk, M("500.00")), (newer.pk, M("300.00"))]
    refused(
        DomainError,
        lambda: receipts.receipt_allocate(actor=finance, receipt=receipt, now=NOW),
        code="reversed",
    )


def test_a_receipt_is_reversed_once_and_a_reversal_never(two, finance):
    older, _newer = two
    receipt = record(finance, older.account, "100.00")
    reversal = receipts.receipt_reverse(actor=finance, receipt=receipt, reason="重复", now=NOW)
    refused(
        DomainError,
        lambda: receipts.receipt_reverse(actor=finance, receipt=receipt, reason="再", now=NOW),
        code="already_reversed",
    )
    refused(
        DomainError,
        lambda: receipts.receipt_reverse(actor=finance, receipt=reversal, reason="再", now=NOW),
        code="reversal",
    )
    refused(
        DomainError,
        lambda: receipts.receipt_allocate(actor=finance, receipt=reversal, now=NOW),
        code="reversed",
    )


def test_a_reversal_needs_a_reason_and_finance(two, finance, manager):
    older, _newer = two
    receipt = record(finance, older.account, "100.00")
    refused(
        ValidationError,
        lambda: receipts.receipt_reverse(actor=finance, receipt=receipt, reason=" ", now=NOW),
    )
    refused(
        PermissionDenied,
        lambda: receipts.receipt_reverse(actor=manager, receipt=receipt, reason="错", now=NOW),
    )


def test_a_refunded_receipt_is_not_reversed(account, finance):
    """Reversing a receipt whose credit was paid back would leave the account owing money no
    invoice shows."""
    receipt = record(finance, account, "300.00")
    receipts.refund_record(
        actor=finance, account=account, amount="100.00", method="cash", date=TODAY, now=NOW
    )
    refused(
        DomainError,
        lambda: receipts.receipt_reverse(actor=finance, receipt=receipt, reason="错", now=NOW),
        code="refunded",
    )
    # another receipt's credit covers it: the reversal goes through
    record(finance, account, "100.00")
    receipts.receipt_reverse(actor=finance, receipt=receipt, reason="错", now=NOW)
    assert figures.unallocated_credit(account.pk) == 0
    assert figures.balance(account.pk) == 0


# ---------------------------------------------------------------- refunds


def test_a_refund_is_at_most_the_credit_and_debits_the_ledger(two, finance):
    older, _newer = two
    account = older.account
    record(finance, account, "2500.00")  # 250.00 over what is open
    refund = lambda amount, who=finance: receipts.refund_record(  # noqa: E731
        actor=who, account=account, amount=amount, method="transfer", date=TODAY, now=NOW
    )
    refused(ValidationError, lambda: refund("250.01"))
    made = refund("250.00")
    assert made.number == "TK-2026-0001"
    line = LedgerLine.objects.get(refund=made)
    assert (line.kind, line.debit, line.credit) == ("refund", M("250.00"), 0)
    assert figures.unallocated_credit(account.pk) == 0 and figures.balance(account.pk) == 0
    refused(ValidationError, lambda: refund("0.01"))
    refused(ValidationError, lambda: refund("-1.00"))


def test_only_finance_refunds(account, finance, manager, salesperson):
    record(finance, account, "100.00")
    for who in (manager, salesperson):
        refused(
            PermissionDenied,
            lambda who=who: receipts.refund_record(
                actor=who, account=account, amount="10.00", method="cash", date=TODAY, now=NOW
            ),
        )
