"""Races of invoicing and receivables (R-14.2, R-14.3, R-15.3), real threads against
PostgreSQL.

Every write that moves money on an account locks the account's row first (an invoice's issue
and a red-letter invoice lock the contract before it), so two people racing are served one
after the other and the second sees what the first did:

- two receipts allocated to the same invoice at once never over-allocate it: the second sets
  what is left against it and keeps the rest as credit, or, allocating as chosen, is refused;
- two invoice requests submitted at once for the contract's last shippable value: one is
  pending, the other refused and still a draft;
- one approved request issued twice at once: one invoice, the other `not_approved`; two
  requests of two contracts issued at once with the same number: one invoice, the other
  refused (400, not a server error);
- a red-letter invoice racing a receipt on the same invoice: allocated + credited never goes
  over the invoice's amount, and the loser is refused or keeps its money as credit.

Each race runs several rounds; every outcome is asserted.
"""

import datetime
from collections import Counter
from decimal import Decimal

import pytest
from django.db.models import Sum
from rest_framework.exceptions import ValidationError
from rest_framework.test import APIClient

from common.errors import DomainError
from contracts.factories import approved_account, line, make_product, signed
from receivables import figures, reconcile
from receivables.choices import InvoiceRequestStatus
from receivables.factories import invoice_request, issued_invoice
from receivables.models import Allocation, Invoice, InvoiceRequest, Receipt
from receivables.services import invoices, receipts
from receivables.services.receipts import AllocationInput
from shipping.factories import ship_everything
from staff.choices import Role
from staff.factories import UserFactory
from stock.services import warehouse_create

from .harness import Outcome, run_together

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 3
T0 = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)
TODAY = T0.date()
M = Decimal


def describe(outcomes: list[Outcome]) -> str:
    return "; ".join(f"{i}: {o.error!r}" for i, o in enumerate(outcomes) if o.error)


@pytest.fixture
def world(office, salesperson, manager, director, clerk, warehouse, finance):
    executive = UserFactory(username="r-exec", roles=[Role.EXECUTIVE], offices=[office])
    technician = UserFactory(username="r-tech", roles=[Role.TECHNICIAN], offices=[office])
    people = [manager, director, executive, technician, clerk, warehouse]
    return {
        "product": make_product(manager, now=T0),
        "people": people,
        "depot": warehouse_create(office=office, code="W1", name="一号仓库", keeper=warehouse),
        "finance2": UserFactory(username="r-fin2", roles=[Role.FINANCE], offices=[office]),
        "office": office,
    }


def shipped_contract(world, salesperson, quantity="10", account=None):
    """A contract of `quantity` motors at 100.00, shipped in full, of its own account."""
    account = account or approved_account(world["office"], salesperson, credit_limit="100000000.00")
    contract = signed(
        account, salesperson, [line(world["product"], quantity)], world["people"], now=T0
    )
    ship_everything(contract, now=T0, people=world["people"], warehouse=world["depot"])
    return contract


def allocated_to(invoice) -> Decimal:
    return Allocation.objects.filter(invoice=invoice).aggregate(t=Sum("amount"))["t"] or M("0")


def record(actor, account, amount, chosen=None):
    return lambda: receipts.receipt_record(
        actor=actor,
        account=account,
        amount=M(amount),
        method="transfer",
        date=TODAY,
        allocations=chosen,
        now=T0,
    )


# ----------------------------------------------------------------


def test_two_receipts_oldest_due_first_never_over_allocate(world, salesperson, finance):
    """An invoice of 1,000.00 and two receipts of 700.00 at once by the branch's two finance
    people: one allocates 700.00, the other the 300.00 left and keeps 400.00 as credit."""
    for n in range(ROUNDS):
        contract = shipped_contract(world, salesperson)
        invoice = issued_invoice(contract, now=T0, ship=False, finance=finance)
        account = contract.account
        outcomes = run_together(
            [record(finance, account, "700.00"), record(world["finance2"], account, "700.00")]
        )
        assert [o.error for o in outcomes] == [None, None], describe(outcomes)
        made = [o.value for o in outcomes]
        assert sorted(figures.receipt_unallocated(r) for r in made) == [M("0.00"), M("400.00")], n
        assert allocated_to(invoice) == M("1000.00")
        assert figures.open_amount(invoice) == 0
        assert figures.unallocated_credit(account.pk) == M("400.00")
        assert figures.balance(account.pk) == M("-400.00")
    assert reconcile.mismatches() == []


def test_two_receipts_chosen_for_the_same_invoice_one_refused(world, salesperson, finance):
    """Both allocate 700.00 to the invoice of 1,000.00 as chosen: one is recorded, the other
    refused (over the open amount) and saves nothing: no receipt, no ledger line."""
    for _n in range(ROUNDS):
        contract = shipped_contract(world, salesperson)
        invoice = issued_invoice(contract, now=T0, ship=False, finance=finance)
        account = contract.account
        chosen = [AllocationInput(invoice=invoice.pk, amount=M("700.00"))]
        outcomes = run_together(
            [
                record(finance, account, "700.00", chosen),
                record(world["finance2"], account, "700.00", chosen),
            ]
        )
        errors = [o.error for o in outcomes if o.error is not None]
        assert len(errors) == 1 and isinstance(errors[0], ValidationError), describe(outcomes)
        assert errors[0].get_codes()["allocations"] == {0: ["over_open"]}
        assert Receipt.objects.filter(account=account).count() == 1
        assert allocated_to(invoice) == M("700.00")
        assert figures.balance(account.pk) == M("300.00")
    assert reconcile.mismatches() == []


def test_receipts_over_http_at_once(world, salesperson, finance):
    """Three receipts of 400.00 posted at once for an invoice of 1,000.00: all 201, the
    invoice paid exactly, 200.00 left as credit."""
    contract = shipped_contract(world, salesperson)
    invoice = issued_invoice(contract, now=T0, ship=False, finance=finance)

    def post(actor):
        def call():
            api = APIClient()
            api.force_authenticate(actor)
            return api.post(
                "/api/v1/receipts/",
                {
                    "account": contract.account_id,
                    "amount": "400.00",
                    "method": "transfer",
                    "date": TODAY.isoformat(),
                },
                format="json",
            )

        return call

    outcomes = run_together([post(finance), post(world["finance2"]), post(finance)])
    assert [o.error for o in outcomes] == [None] * 3, describe(outcomes)
    assert Counter(o.value.status_code for o in outcomes) == {201: 3}
    left = sorted(o.value.json()["unallocated"] for o in outcomes)
    assert left == ["0.00", "0.00", "200.00"]
    assert allocated_to(invoice) == M("1000.00")


# ----------------------------------------------------------------


def test_two_requests_submitted_for_the_last_value_one_refused(world, salesperson, office):
    """Two drafts of 600.00 on a contract of 1,000.00 shipped, submitted at once by the
    account's owner and its deputy: one pending (holding 600.00), the other refused."""
    deputy = UserFactory(username="r-deputy", roles=[Role.SALESPERSON], offices=[office])
    for n in range(ROUNDS):
        contract = shipped_contract(world, salesperson)
        contract.account.deputy = deputy
        contract.account.save(update_fields=["deputy"])
        drafts = [
            invoice_request(contract, now=T0, amount="600.00", submit=False) for _ in range(2)
        ]

        def submit(actor, request):
            return lambda: invoices.invoice_request_submit(request=request, actor=actor, now=T0)

        outcomes = run_together([submit(salesperson, drafts[0]), submit(deputy, drafts[1])])
        errors = [o.error for o in outcomes if o.error is not None]
        assert len(errors) == 1 and isinstance(errors[0], ValidationError), describe(outcomes)
        assert errors[0].get_codes() == {"amount": ["over_shipped"]}
        statuses = Counter(
            InvoiceRequest.objects.filter(contract=contract).values_list("status", flat=True)
        )
        assert statuses == {InvoiceRequestStatus.PENDING: 1, InvoiceRequestStatus.DRAFT: 1}, n
        assert figures.invoiceable(contract) == M("400.00")


def test_one_request_issued_twice_at_once_one_invoice(world, salesperson, finance):
    for _n in range(ROUNDS):
        contract = shipped_contract(world, salesperson)
        request = invoice_request(contract, now=T0, amount="1000.00")

        def issue(actor, number, request=request):
            return lambda: invoices.invoice_issue(
                actor=actor, request=request, number=number, date=TODAY, now=T0
            )

        n = Invoice.objects.count()
        outcomes = run_together([issue(finance, f"A{n}"), issue(world["finance2"], f"B{n}")])
        errors = [o.error for o in outcomes if o.error is not None]
        assert len(errors) == 1, describe(outcomes)
        assert isinstance(errors[0], DomainError) and errors[0].code == "not_approved"
        assert Invoice.objects.filter(request=request).count() == 1
        assert figures.balance(contract.account_id) == M("1000.00")
    assert reconcile.mismatches() == []


def test_two_invoices_of_one_branch_given_one_number_at_once(world, salesperson, finance):
    """Two contracts (two locks), one number typed by two finance people at once: the
    database's unique constraint decides; the loser gets the same 400 as a number seen
    taken, and its request stays approved."""
    for n in range(ROUNDS):
        requests = [
            invoice_request(shipped_contract(world, salesperson), now=T0, amount="500.00")
            for _ in range(2)
        ]

        def issue(actor, request, number=f"SAME-{n}"):
            return lambda: invoices.invoice_issue(
                actor=actor, request=request, number=number, date=TODAY, now=T0
            )

        outcomes = run_together(
            [issue(finance, requests[0]), issue(world["finance2"], requests[1])]
        )
        errors = [o.error for o in outcomes if o.error is not None]
        assert len(errors) == 1 and isinstance(errors[0], ValidationError), describe(outcomes)
        assert "number" in errors[0].detail
        assert Invoice.objects.filter(number=f"SAME-{n}").count() == 1
        assert sorted(
            InvoiceRequest.objects.filter(pk__in=[r.pk for r in requests]).values_list(
                "status", flat=True
            )
        ) == [InvoiceRequestStatus.APPROVED, InvoiceRequestStatus.ISSUED]


# ---------------------------------------------------------------- against


def test_a_red_invoice_racing_a_receipt_never_credits_what_was_paid(world, salesperson, finance):
    """An invoice of 1,000.00: a red-letter invoice of 600.00 and a receipt of 600.00
    (oldest due first) at once. Either the receipt came first (600.00 paid, the red one
    refused: only 400.00 remained) or the red one did (600.00 credited, the receipt pays the
    400.00 left and keeps 200.00 as credit); allocated + credited ≤ 1,000.00 always."""
    seen = Counter()
    for n in range(ROUNDS * 2):
        contract = shipped_contract(world, salesperson)
        invoice = issued_invoice(contract, now=T0, ship=False, finance=finance)

        def red(invoice=invoice, n=n):
            return invoices.invoice_red(
                actor=world["finance2"],
                invoice=invoice,
                amount="600.00",
                number=f"R{n}",
                date=TODAY,
                now=T0,
            )

        outcomes = run_together([red, record(finance, contract.account, "600.00")])
        assert outcomes[1].error is None, describe(outcomes)
        receipt = outcomes[1].value
        credited = figures.contract_invoiced(contract)[1]
        paid = allocated_to(invoice)
        if outcomes[0].error is None:
            seen["red first"] += 1
            assert (credited, paid, figures.receipt_unallocated(receipt)) == (
                M("600.00"),
                M("400.00"),
                M("200.00"),
            )
        else:
            seen["receipt first"] += 1
            error = outcomes[0].error
            assert isinstance(error, ValidationError), describe(outcomes)
            assert error.get_codes() == {"amount": ["over_remaining"]}
            assert (credited, paid) == (M("0.00"), M("600.00"))
        assert paid + credited <= invoice.amount
        assert figures.open_amount(invoice) == invoice.amount - paid - credited
    assert sum(seen.values()) == ROUNDS * 2
    assert reconcile.mismatches() == []


def test_a_red_invoice_racing_a_chosen_receipt_one_refused(world, salesperson, finance):
    """The same race with the receipt allocated as chosen (600.00 to this invoice): exactly
    one of the two goes through."""
    for n in range(ROUNDS):
        contract = shipped_contract(world, salesperson)
        invoice = issued_invoice(contract, now=T0, ship=False, finance=finance)
        chosen = [AllocationInput(invoice=invoice.pk, amount=M("600.00"))]

        def red(invoice=invoice, n=n):
            return invoices.invoice_red(
                actor=world["finance2"],
                invoice=invoice,
                amount="600.00",
                number=f"RC{n}",
                date=TODAY,
                now=T0,
            )

        outcomes = run_together([red, record(finance, contract.account, "600.00", chosen)])
        errors = [o.error for o in outcomes if o.error is not None]
        assert len(errors) == 1 and isinstance(errors[0], ValidationError), describe(outcomes)
        credited = figures.contract_invoiced(contract)[1]
        paid = allocated_to(invoice)
        assert sorted([credited, paid]) == [M("0.00"), M("600.00")]
        assert figures.open_amount(invoice) == M("400.00")
        assert Receipt.objects.filter(account=contract.account).count() == (1 if paid else 0)
    assert reconcile.mismatches() == []
