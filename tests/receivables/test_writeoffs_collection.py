"""Write-offs, collection requests and handovers through the services (R-15.1, R-15.3, R-15.4,
R-8): a write-off is proposed by finance or the branch manager, approved by the director then
the executive (never by its author nor the account's salesperson) and posted to the ledger only
when approved, refused with 409 when the invoice no longer has that much open; a collection
request is the account's salesperson's, confirmed by the manager then finance, and a receipt
against it marks it received; a cheque or cash handed over is signed for by finance once, a
salesperson records only their own accounts' money. Every refusal saves nothing."""

import datetime
from decimal import Decimal

import pytest
from rest_framework.exceptions import PermissionDenied, ValidationError

from approvals.services import approval_decide
from common.errors import DomainError
from contracts.factories import NOW, approved_account
from notifications.models import Notification
from receivables import figures
from receivables.choices import CollectionStatus, WriteOffStatus
from receivables.factories import issued_invoice, received
from receivables.models import LedgerLine
from receivables.services import collection, invoices, receipts
from shipping.factories import decide_all, decide_next
from staff.choices import Role
from staff.factories import UserFactory

from .books import row_counts

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


@pytest.fixture
def invoice(shipped, finance):
    return issued_invoice(shipped, now=NOW, ship=False, finance=finance)  # 2,250.00


def propose(invoice, actor, amount="500.00", reason="客户破产"):
    return receipts.write_off_create(
        actor=actor, invoice=invoice, amount=amount, reason=reason, now=NOW
    )


def submitted(invoice, actor, amount="500.00"):
    write_off = propose(invoice, actor, amount)
    return receipts.write_off_submit(write_off=write_off, actor=actor, now=NOW)


# ---------------------------------------------------------------- write-offs


def test_finance_or_the_manager_proposes_nobody_else(invoice, finance, manager, salesperson, clerk):
    assert propose(invoice, finance).status == WriteOffStatus.DRAFT
    assert propose(invoice, manager).number == "HX-2026-0002"
    for who in (salesperson, clerk):
        refused(PermissionDenied, lambda who=who: propose(invoice, who))


def test_a_write_off_is_at_most_what_remains_of_an_ordinary_invoice(invoice, finance):
    received(invoice.account, "2000.00", now=NOW, finance=finance)
    refused(ValidationError, lambda: propose(invoice, finance, "250.01"))
    refused(ValidationError, lambda: propose(invoice, finance, "0"))
    refused(ValidationError, lambda: propose(invoice, finance, "10.00", reason=""))
    red = invoices.invoice_red(
        actor=finance, invoice=invoice, amount="50.00", number="R-1", date=TODAY, now=NOW
    )
    refused(ValidationError, lambda: propose(red, finance, "10.00"))
    assert propose(invoice, finance, "200.00").amount == M("200.00")


def test_director_then_executive_and_posted_only_when_approved(
    invoice, finance, director, executive
):
    write_off = submitted(invoice, finance)
    steps = [(a.role, a.state) for a in write_off.approvals().order_by("step")]
    assert steps == [("director", "pending"), ("executive", "waiting")]
    write_off = decide_next(write_off, director, now=NOW)
    assert write_off.status == WriteOffStatus.PENDING
    assert not LedgerLine.objects.filter(write_off=write_off).exists()
    assert figures.open_amount(invoice) == M("2250.00")
    write_off = decide_next(write_off, executive, now=NOW + DAY)
    write_off.refresh_from_db()
    assert (write_off.status, write_off.date) == (WriteOffStatus.APPROVED, TODAY + DAY)
    line = LedgerLine.objects.get(write_off=write_off)
    assert (line.kind, line.credit, line.debit, line.document) == (
        "write_off",
        M("500.00"),
        0,
        write_off.number,
    )
    assert figures.open_amount(invoice) == M("1750.00")
    assert figures.balance(invoice.account_id) == M("1750.00")


def test_a_rejected_write_off_posts_nothing(invoice, finance, director):
    write_off = submitted(invoice, finance)
    decide_next(write_off, director, now=NOW, decision="reject", comment="继续催收")
    write_off.refresh_from_db()
    assert write_off.status == WriteOffStatus.REJECTED
    assert not LedgerLine.objects.filter(write_off=write_off).exists()
    assert figures.open_amount(invoice) == M("2250.00")


def test_the_author_and_the_accounts_salesperson_do_not_decide(office, invoice, finance, executive):
    author = UserFactory(
        username="fin-director", roles=[Role.FINANCE, Role.DIRECTOR], offices=[office]
    )
    write_off = submitted(invoice, author)
    step = write_off.approvals().get(state="pending")
    with pytest.raises(PermissionDenied):
        approval_decide(approval=step, actor=author, decision="approve", comment="", now=NOW)
    # the account's deputy, a director, may not decide either
    deputy = UserFactory(
        username="deputy-director", roles=[Role.SALESPERSON, Role.DIRECTOR], offices=[office]
    )
    invoice.account.deputy = deputy
    invoice.account.save(update_fields=["deputy"])
    with pytest.raises(PermissionDenied):
        approval_decide(approval=step, actor=deputy, decision="approve", comment="", now=NOW)
    # neither do finance nor the manager: the steps are the director's and the executive's
    with pytest.raises(PermissionDenied):
        approval_decide(approval=step, actor=finance, decision="approve", comment="", now=NOW)
    other = UserFactory(username="director-2", roles=[Role.DIRECTOR], offices=[office])
    decide_next(write_off, other, now=NOW)
    decide_next(write_off, executive, now=NOW)
    write_off.refresh_from_db()
    assert write_off.status == WriteOffStatus.APPROVED


def test_only_the_author_submits(invoice, finance, manager):
    write_off = propose(invoice, finance)
    refused(
        PermissionDenied,
        lambda: receipts.write_off_submit(write_off=write_off, actor=manager, now=NOW),
    )


def test_over_the_open_amount_at_approval_409_and_nothing_posted(
    invoice, finance, director, executive
):
    write_off = submitted(invoice, finance, "500.00")
    decide_next(write_off, director, now=NOW)
    received(invoice.account, "2000.00", now=NOW, finance=finance)  # 250.00 left open
    refused(DomainError, lambda: decide_next(write_off, executive, now=NOW), code="over_open")
    write_off.refresh_from_db()
    assert write_off.status == WriteOffStatus.PENDING
    assert write_off.approvals().get(role="executive").state == "pending"
    assert figures.open_amount(invoice) == M("250.00")


def test_a_pending_write_off_holds_its_amount(invoice, finance, manager, director, executive):
    # two proposals together never write off more than is open
    first = submitted(invoice, finance, "2000.00")
    refused(ValidationError, lambda: propose(invoice, manager, "300.00"))
    drafted = propose(invoice, manager, "250.00")  # what the pending one leaves
    # a draft holds nothing, but submitting it is checked again
    other = propose(invoice, finance, "250.00")
    receipts.write_off_submit(write_off=other, actor=finance, now=NOW)
    refused(
        ValidationError,
        lambda: receipts.write_off_submit(write_off=drafted, actor=manager, now=NOW),
    )
    decide_all(first, [director, executive], now=NOW)
    assert figures.open_amount(invoice) == M("250.00")
    assert LedgerLine.objects.filter(kind="write_off").count() == 1


def test_two_write_offs_of_the_same_remainder_post_one(
    invoice, finance, manager, director, executive
):
    second = propose(invoice, manager, "2250.00")  # a draft: it holds nothing
    first = submitted(invoice, finance, "2250.00")
    decide_all(first, [director, executive], now=NOW)
    refused(
        ValidationError,
        lambda: receipts.write_off_submit(write_off=second, actor=manager, now=NOW),
    )
    assert figures.open_amount(invoice) == 0
    assert LedgerLine.objects.filter(kind="write_off").count() == 1


# ---------------------------------------------------------------- collection requests


def ask_for(account, actor, amount="1000.00", method="transfer", date=TODAY + 7 * DAY):
    return collection.collection_request_create(
        actor=actor,
        account=account,
        expected_amount=amount,
        method=method,
        expected_date=date,
        now=NOW,
    )


def test_the_accounts_salesperson_files_it_nobody_else(
    account, salesperson, manager, finance, other_salesperson
):
    request = ask_for(account, salesperson)
    assert (request.status, request.owner, request.expected_amount, request.number) == (
        CollectionStatus.DRAFT,
        salesperson,
        M("1000.00"),
        "SQ-2026-0001",
    )
    for who in (manager, finance, other_salesperson):
        refused(PermissionDenied, lambda who=who: ask_for(account, who))


@pytest.mark.parametrize(
    "bad",
    [
        {"amount": "0"},
        {"amount": "-10.00"},
        {"method": "bitcoin"},
        {"date": TODAY + 367 * DAY},
        {"date": TODAY - 32 * DAY},
        {"date": "明天"},
    ],
)
def test_a_bad_collection_request_is_refused(account, salesperson, bad):
    refused(ValidationError, lambda: ask_for(account, salesperson, **bad))


def test_manager_then_finance_confirm_then_the_customer_is_told(
    account, salesperson, manager, finance
):
    request = ask_for(account, salesperson)
    request = collection.collection_request_submit(request=request, actor=salesperson, now=NOW)
    assert [(a.role, a.state) for a in request.approvals().order_by("step")] == [
        ("manager", "pending"),
        ("finance", "waiting"),
    ]
    step = request.approvals().get(state="pending")
    for who in (salesperson, finance):
        with pytest.raises(PermissionDenied):
            approval_decide(approval=step, actor=who, decision="approve", comment="", now=NOW)
    request = decide_next(request, manager, now=NOW)
    assert request.status == CollectionStatus.PENDING
    request = decide_next(request, finance, now=NOW)
    assert request.status == CollectionStatus.APPROVED
    assert Notification.objects.filter(recipient=salesperson, kind="collection_confirmed").exists()
    told = collection.collection_customer_told(request=request, actor=salesperson, now=NOW)
    assert told.customer_told_at == NOW
    refused(
        DomainError,
        lambda: collection.collection_customer_told(request=request, actor=salesperson, now=NOW),
        code="not_approved",
    )


def test_a_receipt_against_a_confirmed_request_marks_it_received(
    invoice, salesperson, manager, finance
):
    account = invoice.account
    request = ask_for(account, salesperson)
    collection.collection_request_submit(request=request, actor=salesperson, now=NOW)

    def pay():
        return receipts.receipt_record(
            actor=finance,
            account=account,
            amount="1000.00",
            method="transfer",
            date=TODAY,
            collection_request=request,
            now=NOW,
        )

    refused(ValidationError, pay)  # still pending
    decide_all(request, [manager, finance], now=NOW)
    receipt = pay()
    request.refresh_from_db()
    assert (receipt.collection_request, request.status) == (request, CollectionStatus.RECEIVED)
    assert figures.open_amount(invoice) == M("1250.00")
    assert Notification.objects.filter(recipient=salesperson, kind="collection_received").exists()


def test_a_receipt_against_another_accounts_request_is_refused(
    invoice, office, salesperson, manager, finance
):
    other = approved_account(office, salesperson, name="南方电气")
    request = ask_for(other, salesperson)
    collection.collection_request_submit(request=request, actor=salesperson, now=NOW)
    decide_all(request, [manager, finance], now=NOW)
    refused(
        ValidationError,
        lambda: receipts.receipt_record(
            actor=finance,
            account=invoice.account,
            amount="10.00",
            method="transfer",
            date=TODAY,
            collection_request=request,
            now=NOW,
        ),
    )


def test_a_request_is_withdrawn_only_before_it_is_pending_or_once_confirmed(
    account, salesperson, manager, finance
):
    request = ask_for(account, salesperson)
    collection.collection_request_submit(request=request, actor=salesperson, now=NOW)
    refused(
        DomainError,
        lambda: collection.collection_request_cancel(request=request, actor=salesperson, now=NOW),
        code="not_cancellable",
    )
    decide_all(request, [manager, finance], now=NOW)
    cancelled = collection.collection_request_cancel(request=request, actor=salesperson, now=NOW)
    assert cancelled.status == CollectionStatus.CANCELLED


# ---------------------------------------------------------------- handovers


def hand(account, actor, kind="cheque", amount="800.00", number="CK-001"):
    return collection.handover_record(
        actor=actor, account=account, kind=kind, amount=amount, instrument_number=number, now=NOW
    )


def test_a_salesperson_hands_over_only_their_own_accounts_money(
    account, office, salesperson, other_salesperson, clerk, finance
):
    made = hand(account, salesperson)
    assert (made.received_by, made.signed_at) == (salesperson, None)
    assert Notification.objects.filter(recipient=finance, kind="handover_to_sign").exists()
    refused(PermissionDenied, lambda: hand(account, other_salesperson))
    assert hand(account, clerk, kind="cash", number="").kind == "cash"  # the clerk: any account
    refused(PermissionDenied, lambda: hand(account, finance))
    refused(ValidationError, lambda: hand(account, clerk, kind="transfer"))
    refused(ValidationError, lambda: hand(account, clerk, number=""))  # a cheque has a number
    refused(ValidationError, lambda: hand(account, clerk, amount="0"))


def test_finance_signs_once_and_only_finance(account, salesperson, clerk, finance, manager):
    made = hand(account, salesperson)
    for who in (salesperson, clerk, manager):
        refused(
            PermissionDenied,
            lambda who=who: collection.handover_sign(actor=who, handover=made, now=NOW),
        )
    signed = collection.handover_sign(actor=finance, handover=made, now=NOW)
    assert (signed.signed_by, signed.signed_at) == (finance, NOW)
    refused(
        DomainError,
        lambda: collection.handover_sign(actor=finance, handover=made, now=NOW + DAY),
        code="already_signed",
    )


def test_a_signed_handover_becomes_one_receipt_of_its_amount_and_kind(
    account, salesperson, finance
):
    made = hand(account, salesperson)

    def receive(amount="800.00", method="cheque"):
        return receipts.receipt_record(
            actor=finance,
            account=account,
            amount=amount,
            method=method,
            date=TODAY,
            handover=made,
            now=NOW,
        )

    refused(ValidationError, receive)  # not signed for yet
    collection.handover_sign(actor=finance, handover=made, now=NOW)
    refused(ValidationError, lambda: receive(amount="799.00"))
    refused(ValidationError, lambda: receive(method="cash"))
    receipt = receive()
    assert receipt.handover == made and receipt.amount == M("800.00")
    refused(DomainError, receive, code="used")
