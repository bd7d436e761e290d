"""Invoicing through the services (R-14, R-8, R-15.2): the salesperson's invoice request (an
amount or lines; a VAT special invoice needs the buyer's bank details; never over the value
shipped net of returns, unless the contract says invoice before delivery; pending requests
hold their amount), the manager's review, finance issuing it (number unique per branch, date
neither ahead nor before the request, goods returned meanwhile: 409), red-letter invoices,
the customer's signature and questions. Each step by the right person, the wrong one refused,
and every refusal leaves every table as it was."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.exceptions import PermissionDenied, ValidationError

from approvals.services import approval_decide
from common.errors import DomainError
from contracts.choices import PaymentBasis
from contracts.factories import NOW, approved_account
from notifications.models import Notification
from receivables import figures, rules
from receivables.choices import InvoiceRequestStatus, InvoiceType
from receivables.factories import invoice_request, issued_invoice, received
from receivables.models import Invoice, InvoiceRequest, LedgerLine
from receivables.services import invoices
from receivables.services.invoices import LineInput
from shipping.factories import approved_request, decide_all, decide_next, issued_order, ship_order
from staff.choices import Role
from staff.factories import UserFactory

from .books import give_back, row_counts, signed_contract

pytestmark = pytest.mark.django_db

TODAY = NOW.date()
DAY = datetime.timedelta(days=1)
M = Decimal
BANK = {"buyer_address_phone": "上海市浦东新区 021-5555", "buyer_bank_account": "工行 6222"}


def ask(contract, actor, *, amount=None, lines=None, kind=InvoiceType.ORDINARY, now=NOW, **buyer):
    return invoices.invoice_request_create(
        actor=actor,
        contract=contract,
        invoice_type=kind,
        amount=amount,
        lines=lines,
        now=now,
        **buyer,
    )


def refused(error, call, *, code=None):
    """The call raises `error` (with `code`) and saves nothing."""
    before = row_counts()
    with pytest.raises(error) as caught:
        call()
    if code is not None:
        assert caught.value.code == code
    assert row_counts() == before
    return caught.value


def issue(request, finance, *, number="00000001", date=TODAY, now=NOW):
    return invoices.invoice_issue(actor=finance, request=request, number=number, date=date, now=now)


@pytest.fixture
def people(approvers, clerk, warehouse):
    return [*approvers, clerk, warehouse]


# ---------------------------------------------------------------- the request


def test_a_request_by_amount_is_a_draft_of_the_contract(shipped, salesperson):
    request = ask(shipped, salesperson, amount="1130.00")
    assert (request.status, request.amount, request.contract, request.account) == (
        InvoiceRequestStatus.DRAFT,
        M("1130.00"),
        shipped,
        shipped.account,
    )
    # the tax at the contract's own ratio, the buyer from the account
    assert request.tax == rules.tax_part(
        M("1130.00"), total=shipped.total, tax_total=shipped.tax_total
    )
    assert (request.buyer_name, request.buyer_tax_number) == (
        shipped.account.name,
        shipped.account.credit_code,
    )
    assert request.number == "KP-2026-0001" and request.owner == salesperson


def test_a_request_by_lines_is_priced_as_the_contract(shipped, salesperson, product, cable):
    given = [
        LineInput(product=product, quantity=M("4")),
        LineInput(product=cable, quantity=M("20")),
    ]
    request = ask(shipped, salesperson, lines=given)
    assert request.amount == M("650.00")  # 4 × 100.00 + 20 × 12.50
    assert sorted((line.product_id, line.amount) for line in request.lines.all()) == sorted(
        [(product.pk, M("400.00")), (cable.pk, M("250.00"))]
    )
    assert request.tax == sum(line.tax for line in request.lines.all())


@pytest.mark.parametrize(
    "lines",
    [
        pytest.param([("motor", "11")], id="more than the contract's line"),
        pytest.param([("motor", "1"), ("motor", "2")], id="the same line twice"),
        pytest.param([("motor", "0")], id="a quantity of nothing"),
        pytest.param([("motor", "-1")], id="a negative quantity"),
        pytest.param([("other", "1")], id="a product not on the contract"),
    ],
)
def test_bad_lines_are_refused(shipped, salesperson, product, manager, lines):
    from contracts.factories import make_product

    other = make_product(manager, "QT-1")
    chosen = {"motor": product, "other": other}
    given = [LineInput(product=chosen[p], quantity=M(q)) for p, q in lines]
    refused(ValidationError, lambda: ask(shipped, salesperson, lines=given))


def test_vat_special_needs_the_buyers_bank_details(shipped, salesperson):
    error = refused(
        ValidationError,
        lambda: ask(shipped, salesperson, amount="100.00", kind=InvoiceType.VAT_SPECIAL),
    )
    assert "buyer_bank_account" in error.detail
    request = ask(shipped, salesperson, amount="100.00", kind=InvoiceType.VAT_SPECIAL, **BANK)
    assert request.buyer_bank_account == "工行 6222"


@pytest.mark.parametrize("amount", ["0", "-5.00", "1.005", None, "abc"])
def test_a_bad_amount_is_refused(shipped, salesperson, amount):
    refused(ValidationError, lambda: ask(shipped, salesperson, amount=amount))


def test_only_the_contracts_salesperson_asks(shipped, manager, finance, other_salesperson):
    for who in (manager, finance, other_salesperson):
        refused(PermissionDenied, lambda who=who: ask(shipped, who, amount="100.00"))


def test_an_unsigned_contract_is_not_invoiced(account, salesperson, product, approvers):
    from contracts.factories import draft, line

    contract = draft(account, salesperson, [line(product, "10")])
    refused(
        DomainError, lambda: ask(contract, salesperson, amount="1.00"), code="contract_not_signed"
    )


# ---------------------------------------------------------------- the cap


def test_never_over_the_value_shipped(shipped, salesperson):
    error = refused(ValidationError, lambda: ask(shipped, salesperson, amount="2250.01"))
    assert error.get_codes() == {"amount": ["over_shipped"]}
    assert ask(shipped, salesperson, amount="2250.00").amount == M("2250.00")


def test_nothing_shipped_nothing_to_invoice(contract, salesperson):
    refused(ValidationError, lambda: ask(contract, salesperson, amount="0.01"))


def test_a_part_shipped_is_a_part_invoiced(contract, salesperson, product, people, depot, clerk):
    request = approved_request(
        contract, [(product, "4")], now=NOW, requester=salesperson, people=people
    )
    ship_order(issued_order(request, now=NOW, warehouse=depot, clerk=clerk), now=NOW)
    assert figures.invoiceable(contract) == M("400.00")
    refused(ValidationError, lambda: ask(contract, salesperson, amount="400.01"))
    assert ask(contract, salesperson, amount="400.00").amount == M("400.00")


def test_a_cancelled_contract_is_invoiced_for_what_it_shipped(
    contract, salesperson, product, people, depot, clerk, manager, finance
):
    """R-12.4 cancels what has not shipped: the 4 motors that did are still invoiced, never
    more, and an invoice-before-delivery contract cancelled is capped the same way."""
    from contracts.services import contract_cancel

    request = approved_request(
        contract, [(product, "4")], now=NOW, requester=salesperson, people=people
    )
    ship_order(issued_order(request, now=NOW, warehouse=depot, clerk=clerk), now=NOW)
    contract = contract_cancel(contract=contract, actor=manager, reason="客户取消余量", now=NOW)
    assert contract.status == "cancelled"
    assert figures.invoiceable(contract) == M("400.00")
    refused(ValidationError, lambda: ask(contract, salesperson, amount="400.01"))
    invoice = issued_invoice(contract, now=NOW, ship=False, finance=finance)
    assert invoice.amount == M("400.00") and figures.invoiceable(contract) == 0


def test_an_invoice_before_delivery_contract_cancelled_is_capped_by_what_shipped(
    account, salesperson, product, approvers, manager
):
    from contracts.services import contract_cancel

    contract = signed_contract(
        account, salesperson, product, approvers, invoice_before_delivery=True
    )
    contract_cancel(contract=contract, actor=manager, reason="客户取消", now=NOW)
    contract.refresh_from_db()
    assert figures.invoiceable(contract) == 0
    refused(ValidationError, lambda: ask(contract, salesperson, amount="0.01"))


def test_returned_goods_lower_the_cap(
    shipped, salesperson, product, people, clerk, warehouse, depot
):
    give_back(
        shipped,
        product,
        "3",
        people=people,
        salesperson=salesperson,
        clerk=clerk,
        keeper=warehouse,
        depot=depot,
    )
    assert figures.invoiceable(shipped) == M("1950.00")
    refused(ValidationError, lambda: ask(shipped, salesperson, amount="1950.01"))
    assert ask(shipped, salesperson, amount="1950.00")


def test_invoice_before_delivery_up_to_the_contracts_total(
    account, salesperson, product, approvers
):
    contract = signed_contract(
        account, salesperson, product, approvers, invoice_before_delivery=True
    )
    assert contract.total == M("1000.00") and figures.invoiceable(contract) == M("1000.00")
    refused(ValidationError, lambda: ask(contract, salesperson, amount="1000.01"))
    request = invoice_request(contract, now=NOW, amount="1000.00")
    assert request.status == InvoiceRequestStatus.APPROVED
    assert figures.invoiceable(contract) == 0


def test_pending_and_approved_requests_hold_their_amount_drafts_do_not(
    shipped, salesperson, manager
):
    first = ask(shipped, salesperson, amount="2000.00")
    second = ask(shipped, salesperson, amount="2000.00")  # a draft holds nothing
    assert figures.invoiceable(shipped) == M("2250.00")
    invoices.invoice_request_submit(request=first, actor=salesperson, now=NOW)
    assert figures.invoiceable(shipped) == M("250.00")
    refused(ValidationError, lambda: ask(shipped, salesperson, amount="250.01"))
    error = refused(
        ValidationError,
        lambda: invoices.invoice_request_submit(request=second, actor=salesperson, now=NOW),
    )
    assert error.get_codes() == {"amount": ["over_shipped"]}
    second.refresh_from_db()
    assert second.status == InvoiceRequestStatus.DRAFT
    first = decide_all(first, [manager], now=NOW)
    assert figures.invoiceable(shipped) == M("250.00")  # approved: still held
    invoices.invoice_request_cancel(request=first, actor=salesperson, now=NOW)
    assert figures.invoiceable(shipped) == M("2250.00")  # withdrawn: free again
    second = invoices.invoice_request_submit(request=second, actor=salesperson, now=NOW)
    assert second.status == InvoiceRequestStatus.PENDING


def test_a_rejected_request_holds_nothing_and_goes_back_to_its_salesperson(
    shipped, salesperson, manager
):
    request = invoice_request(shipped, now=NOW, amount="2000.00", approve=False)
    decide_next(request, manager, now=NOW, decision="reject", comment="金额不对")
    request.refresh_from_db()
    assert request.status == InvoiceRequestStatus.REJECTED
    assert figures.invoiceable(shipped) == M("2250.00")
    told = Notification.objects.get(recipient=salesperson, kind="invoice_request_rejected")
    assert told.params["comment"] == "金额不对"


# ---------------------------------------------------------------- R-8 the manager's review


def test_the_manager_reviews_nobody_else(shipped, salesperson, manager, finance, director):
    request = invoice_request(shipped, now=NOW, amount="500.00", approve=False)
    step = request.approvals().get()
    assert (step.role, step.state) == ("manager", "pending")
    for who in (salesperson, finance, director):
        with pytest.raises(PermissionDenied):
            approval_decide(approval=step, actor=who, decision="approve", comment="", now=NOW)
    request = decide_next(request, manager, now=NOW)
    assert request.status == InvoiceRequestStatus.APPROVED
    assert Notification.objects.filter(recipient=finance, kind="invoice_to_issue").count() == 1


def test_a_manager_who_owns_the_account_does_not_review_it(shipped, manager):
    """R-8.1: nobody decides a request for an account they own or deputise."""
    account = shipped.account
    account.deputy = manager
    account.save(update_fields=["deputy"])
    request = invoice_request(shipped, now=NOW, amount="500.00", approve=False)
    with pytest.raises(PermissionDenied):
        decide_next(request, manager, now=NOW)


def test_a_pending_request_is_not_withdrawn(shipped, salesperson):
    request = invoice_request(shipped, now=NOW, amount="500.00", approve=False)
    refused(
        DomainError,
        lambda: invoices.invoice_request_cancel(request=request, actor=salesperson, now=NOW),
        code="not_cancellable",
    )


# ---------------------------------------------------------------- finance issues


def test_finance_issues_the_invoice_which_debits_the_ledger(shipped, salesperson, finance):
    request = invoice_request(shipped, now=NOW, amount="1130.00")
    invoice = issue(request, finance, number="44001234")
    assert (invoice.number, invoice.date, invoice.amount, invoice.tax) == (
        "44001234",
        TODAY,
        M("1130.00"),
        request.tax,
    )
    assert invoice.due_date == TODAY + 30 * DAY  # the default terms
    assert (invoice.account, invoice.contract, invoice.request) == (
        shipped.account,
        shipped,
        request,
    )
    request.refresh_from_db()
    assert request.status == InvoiceRequestStatus.ISSUED
    line = LedgerLine.objects.get(account=shipped.account)
    assert (line.kind, line.document, line.debit, line.credit, line.date) == (
        "invoice",
        "44001234",
        M("1130.00"),
        M("0.00"),
        TODAY,
    )
    assert figures.balance(shipped.account_id) == M("1130.00")
    assert figures.open_amount(invoice) == M("1130.00")
    assert Notification.objects.filter(recipient=salesperson, kind="invoice_issued").exists()


def test_only_the_branchs_finance_issues(shipped, manager, salesperson, clerk, other_office):
    request = invoice_request(shipped, now=NOW, amount="100.00")
    elsewhere = UserFactory(username="fin-elsewhere", roles=[Role.FINANCE], offices=[other_office])
    for who in (manager, salesperson, clerk, elsewhere):
        refused(PermissionDenied, lambda who=who: issue(request, who))


def test_a_request_not_approved_is_not_issued(shipped, finance):
    request = invoice_request(shipped, now=NOW, amount="100.00", approve=False)
    refused(DomainError, lambda: issue(request, finance), code="not_approved")
    draft = invoice_request(shipped, now=NOW, amount="100.00", submit=False)
    refused(DomainError, lambda: issue(draft, finance), code="not_approved")


def test_a_request_is_issued_once(shipped, finance):
    request = invoice_request(shipped, now=NOW, amount="100.00")
    issue(request, finance, number="1")
    refused(DomainError, lambda: issue(request, finance, number="2"), code="not_approved")


def test_the_invoice_date_is_neither_ahead_nor_before_the_request(shipped, finance):
    request = invoice_request(shipped, now=NOW, amount="100.00")
    later = NOW + 5 * DAY
    for day in (TODAY + 6 * DAY, TODAY - DAY):
        error = refused(ValidationError, lambda d=day: issue(request, finance, date=d, now=later))
        assert "date" in error.detail
    assert issue(request, finance, date=TODAY, now=later).date == TODAY


def test_the_number_is_unique_per_branch(
    shipped, finance, other_office, director, executive, technician
):
    issue(invoice_request(shipped, now=NOW, amount="100.00"), finance, number="77")
    second = invoice_request(shipped, now=NOW, amount="100.00")
    error = refused(ValidationError, lambda: issue(second, finance, number="77"))
    assert "number" in error.detail
    # another branch has its own numbers
    seller = UserFactory(
        username="sales-riverside", roles=[Role.SALESPERSON], offices=[other_office]
    )
    boss = UserFactory(username="mgr-riverside", roles=[Role.MANAGER], offices=[other_office])
    cashier = UserFactory(username="fin-riverside", roles=[Role.FINANCE], offices=[other_office])
    from contracts.factories import make_product

    motor = make_product(boss, "RS-1")
    contract = signed_contract(
        approved_account(other_office, seller),
        seller,
        motor,
        [boss, director, executive, technician],
    )
    there = issued_invoice(contract, now=NOW, amount="100.00", finance=cashier)
    assert there.office == other_office
    request = invoice_request(contract, now=NOW, amount="100.00")
    assert issue(request, cashier, number="77").number == "77"


def test_goods_returned_since_the_request_409(
    shipped, salesperson, finance, product, people, clerk, warehouse, depot
):
    request = invoice_request(shipped, now=NOW, amount="2250.00")
    give_back(
        shipped,
        product,
        "1",
        people=people,
        salesperson=salesperson,
        clerk=clerk,
        keeper=warehouse,
        depot=depot,
    )
    refused(DomainError, lambda: issue(request, finance), code="over_shipped")
    request.refresh_from_db()
    assert request.status == InvoiceRequestStatus.APPROVED


def test_due_after_delivery_counts_from_the_last_shipment_before_the_invoice(
    account, salesperson, product, approvers, people, depot, clerk, warehouse, finance
):
    """R-15.2: 45 days after delivery: the last shipment on or before the invoice's day, even
    when later goods shipped before finance entered the (backdated) invoice."""
    contract = signed_contract(
        account,
        salesperson,
        product,
        approvers,
        payment_basis=PaymentBasis.AFTER_DELIVERY,
        payment_terms_days=45,
    )
    request = approved_request(
        contract, [(product, "4")], now=NOW, requester=salesperson, people=people
    )
    ship_order(
        issued_order(request, now=NOW, warehouse=depot, clerk=clerk), now=NOW, keeper=warehouse
    )
    later = NOW + 5 * DAY
    request = approved_request(
        contract, [(product, "6")], now=later, requester=salesperson, people=people
    )
    ship_order(
        issued_order(request, now=later, warehouse=depot, clerk=clerk), now=later, keeper=warehouse
    )
    asked = invoice_request(contract, now=NOW + DAY, amount="400.00")
    invoice = issue(asked, finance, date=TODAY + 2 * DAY, now=NOW + 6 * DAY)
    assert invoice.due_date == TODAY + 45 * DAY
    asked = invoice_request(contract, now=NOW + 6 * DAY, amount="600.00")
    invoice = issue(asked, finance, number="2", date=TODAY + 6 * DAY, now=NOW + 6 * DAY)
    assert invoice.due_date == TODAY + 5 * DAY + 45 * DAY


def test_due_after_delivery_invoiced_before_delivery_counts_from_the_invoice(
    account, salesperson, product, approvers, finance
):
    contract = signed_contract(
        account,
        salesperson,
        product,
        approvers,
        payment_basis=PaymentBasis.AFTER_DELIVERY,
        payment_terms_days=10,
        invoice_before_delivery=True,
    )
    invoice = issued_invoice(contract, now=NOW, amount="300.00", ship=False, finance=finance)
    assert invoice.due_date == TODAY + 10 * DAY


# ---------------------------------------------------------------- red-letter invoices


def red(invoice, finance, amount, *, number="R-1", date=TODAY, now=NOW):
    return invoices.invoice_red(
        actor=finance, invoice=invoice, amount=amount, number=number, date=date, now=now
    )


def test_a_red_invoice_credits_at_most_what_remains(shipped, finance):
    invoice = issued_invoice(shipped, now=NOW, ship=False, finance=finance)
    received(shipped.account, "1000.00", now=NOW, finance=finance)
    assert figures.open_amount(invoice) == M("1250.00")
    error = refused(ValidationError, lambda: red(invoice, finance, "1250.01"))
    assert error.get_codes() == {"amount": ["over_remaining"]}
    credit = red(invoice, finance, "1250.00")
    assert (credit.red_of, credit.amount, credit.due_date, credit.contract) == (
        invoice,
        M("1250.00"),
        None,
        shipped,
    )
    assert figures.open_amount(invoice) == 0
    line = LedgerLine.objects.get(invoice=credit)
    assert (line.kind, line.credit, line.debit) == ("red_invoice", M("1250.00"), M("0.00"))
    assert figures.balance(shipped.account_id) == 0
    # the contract may be invoiced again for what was credited
    assert figures.invoiceable(shipped) == M("1250.00")
    refused(ValidationError, lambda: red(invoice, finance, "0.01", number="R-2"))


def test_a_red_invoice_of_a_red_invoice_is_refused(shipped, finance):
    invoice = issued_invoice(shipped, now=NOW, ship=False, finance=finance)
    credit = red(invoice, finance, "100.00")
    refused(DomainError, lambda: red(credit, finance, "1.00", number="R-2"), code="red_of_red")


def test_only_finance_issues_a_red_invoice(shipped, finance, salesperson, manager):
    invoice = issued_invoice(shipped, now=NOW, ship=False, finance=finance)
    for who in (salesperson, manager):
        refused(PermissionDenied, lambda who=who: red(invoice, who, "1.00"))


def test_a_red_invoice_is_not_dated_before_its_invoice_nor_ahead(shipped, finance):
    invoice = issued_invoice(shipped, now=NOW, ship=False, finance=finance)
    refused(ValidationError, lambda: red(invoice, finance, "1.00", date=TODAY - DAY))
    refused(ValidationError, lambda: red(invoice, finance, "1.00", date=TODAY + DAY))
    refused(ValidationError, lambda: red(invoice, finance, "1.00", number=invoice.number))


def test_a_red_invoice_for_returned_goods_clears_what_is_to_credit(
    shipped, salesperson, finance, product, people, clerk, warehouse, depot
):
    invoice = issued_invoice(shipped, now=NOW, ship=False, finance=finance)
    ret = give_back(
        shipped,
        product,
        "2",
        people=people,
        salesperson=salesperson,
        clerk=clerk,
        keeper=warehouse,
        depot=depot,
    )
    assert figures.to_credit(shipped) == M("200.00")
    assert figures.invoiceable(shipped) == 0
    invoices.invoice_red(
        actor=finance,
        invoice=invoice,
        amount="200.00",
        number="R-9",
        date=TODAY,
        now=NOW,
        return_request=ret,
        reason="退货",
    )
    assert figures.to_credit(shipped) == 0
    assert figures.contract_invoiced(shipped) == (M("2250.00"), M("200.00"))


def test_a_red_invoice_for_a_price_correction_never_hides_a_later_return(
    shipped, salesperson, finance, product, people, clerk, warehouse, depot
):
    """R-14.2, R-14.3: invoiced in full, corrected by a red-letter invoice and invoiced again
    for the corrected part; then goods come back. The contract is invoiced over what stayed
    shipped, so a red-letter invoice is still needed for the goods returned."""
    invoice = issued_invoice(shipped, now=NOW, ship=False, finance=finance)
    red(invoice, finance, "500.00", number="R-5")
    issued_invoice(shipped, now=NOW, ship=False, finance=finance, amount=M("500.00"))
    assert figures.contract_invoiced(shipped) == (M("2750.00"), M("500.00"))
    assert figures.to_credit(shipped) == 0
    give_back(
        shipped,
        product,
        "2",
        people=people,
        salesperson=salesperson,
        clerk=clerk,
        keeper=warehouse,
        depot=depot,
    )
    assert figures.to_credit(shipped) == M("200.00")
    client = Client()
    client.force_login(finance)
    page = client.get(reverse("receivables:to_credit"))
    assert page.status_code == 200
    assert [r["to_credit"] for r in page.context["rows"]] == [M("200.00")]


# ---------------------------------------------------------------- signature and questions


def test_the_customers_signature_is_recorded_once(shipped, finance, salesperson):
    invoice = issued_invoice(shipped, now=NOW, ship=False, finance=finance)
    signed = invoices.invoice_sign(
        actor=salesperson, invoice=invoice, signed_by="李会计", signed_on=TODAY, now=NOW
    )
    assert (signed.signed_by, signed.signed_on, signed.signature_recorded_by) == (
        "李会计",
        TODAY,
        salesperson,
    )
    refused(
        DomainError,
        lambda: invoices.invoice_sign(
            actor=finance, invoice=invoice, signed_by="王", signed_on=TODAY, now=NOW
        ),
        code="already_signed",
    )


def test_the_signature_by_the_wrong_person_or_on_a_bad_day_is_refused(
    shipped, finance, other_salesperson, warehouse, clerk
):
    invoice = issued_invoice(shipped, now=NOW, ship=False, finance=finance)
    for who in (other_salesperson, warehouse):
        refused(
            PermissionDenied,
            lambda who=who: invoices.invoice_sign(
                actor=who, invoice=invoice, signed_by="李", signed_on=TODAY, now=NOW
            ),
        )
    for day in (TODAY - DAY, TODAY + DAY):
        refused(
            ValidationError,
            lambda d=day: invoices.invoice_sign(
                actor=clerk, invoice=invoice, signed_by="李", signed_on=d, now=NOW
            ),
        )
    refused(
        ValidationError,
        lambda: invoices.invoice_sign(
            actor=clerk, invoice=invoice, signed_by="  ", signed_on=TODAY, now=NOW
        ),
    )
    invoice.refresh_from_db()
    assert invoice.signed_on is None


def test_a_question_is_asked_and_answered_by_finance_or_the_clerk(
    shipped, finance, salesperson, clerk, other_salesperson
):
    invoice = issued_invoice(shipped, now=NOW, ship=False, finance=finance)
    refused(
        DomainError,
        lambda: invoices.invoice_query_answer(actor=clerk, invoice=invoice, answer="好", now=NOW),
        code="no_question",
    )
    refused(
        PermissionDenied,
        lambda: invoices.invoice_query(
            actor=other_salesperson, invoice=invoice, question="?", now=NOW
        ),
    )
    invoices.invoice_query(actor=salesperson, invoice=invoice, question="客户说金额不对", now=NOW)
    refused(
        PermissionDenied,
        lambda: invoices.invoice_query_answer(
            actor=salesperson, invoice=invoice, answer="好", now=NOW
        ),
    )
    answered = invoices.invoice_query_answer(
        actor=clerk, invoice=invoice, answer="已核对，金额无误", now=NOW + DAY
    )
    assert (answered.query, answered.query_answer, answered.query_answered_at) == (
        "客户说金额不对",
        "已核对，金额无误",
        NOW + DAY,
    )
    refused(
        DomainError,
        lambda: invoices.invoice_query_answer(actor=finance, invoice=invoice, answer="再", now=NOW),
        code="no_question",
    )
    assert Invoice.objects.get(pk=invoice.pk).amount == invoice.amount
    assert InvoiceRequest.objects.count() == 1
