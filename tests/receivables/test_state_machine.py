"""The money invariants of receivables under random invoices, red-letter invoices, receipts
(oldest due first or chosen, some over what is open), later allocations, reversals, refunds and
write-offs (R-14.2, R-14.3, R-15.1, R-15.3), over two accounts: one with a contract shipped in
full, one whose contract says invoice before delivery and has shipped nothing.

After every step:
- per account: ledger balance = Σ debits − Σ credits = Σ open amounts of its invoices −
  its unallocated credit, and that credit is never negative;
- per invoice: 0 ≤ allocated ≤ amount − credited − written off;
- per contract: invoiced − red ≤ the value shipped net of returns (the contract's total when
  it says invoice before delivery);
and at the end of each example `receivables.reconcile` finds nothing wrong.
Each step also asserts its own outcome: refused exactly when it goes over what is open, what
is left, or the credit; and a refusal changes no row."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from rest_framework.exceptions import ValidationError

from common.errors import DomainError
from contracts.factories import approved_account, line, make_product, signed
from receivables import figures, reconcile
from receivables.choices import InvoiceRequestStatus, InvoiceType
from receivables.models import Invoice, InvoiceRequest, LedgerLine, Receipt
from receivables.services import invoices, receipts, writeoffs
from receivables.services.receipts import AllocationInput
from shipping.factories import decide_all, decide_next, ship_everything
from shipping.progress import net_shipped_value
from staff.choices import Role
from staff.factories import OfficeFactory, UserFactory
from stock.services import warehouse_create

from .books import row_counts

NOW = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
money = st.integers(1, 150_000).map(lambda cents: Decimal(cents) / 100)  # up to 1,500.00
# an amount relative to a limit (what is open, left or credited): the limit itself, a cent
# over it, half of it, or any amount
how = st.sampled_from(["all", "over", "half", "any"])


def _amount(kind: str, limit: Decimal, given: Decimal) -> Decimal:
    if kind == "all":
        return limit
    if kind == "over":
        return limit + CENT
    if kind == "half":
        return (limit / 2).quantize(CENT)
    return given


class World:
    """Made once per test, before the examples; each example runs in a savepoint rolled back
    at its end, so that every example starts from these rows alone."""

    def __init__(self):
        office = OfficeFactory(code="sm-recv")
        user = lambda name, role: UserFactory(  # noqa: E731
            username=f"sm-recv-{name}", roles=[role], offices=[office]
        )
        self.office = office
        self.sales = user("sales", Role.SALESPERSON)
        self.manager = user("manager", Role.MANAGER)
        self.finance = user("finance", Role.FINANCE)
        self.clerk = user("clerk", Role.CLERK)
        keeper = user("keeper", Role.WAREHOUSE)
        people = [
            self.manager,
            user("director", Role.DIRECTOR),
            user("executive", Role.EXECUTIVE),
            user("tech", Role.TECHNICIAN),
            self.clerk,
            keeper,
        ]
        self.people = people
        motor = make_product(self.manager, "SM-R1", now=NOW)
        depot = warehouse_create(office=office, code="SMR", name="仓库", keeper=keeper)
        first = approved_account(office, self.sales, name="甲公司")
        second = approved_account(office, self.sales, name="乙公司")
        shipped = signed(first, self.sales, [line(motor, "10")], people, now=NOW)
        ship_everything(shipped, now=NOW, people=people, warehouse=depot)
        ahead = signed(
            second, self.sales, [line(motor, "8")], people, now=NOW, invoice_before_delivery=True
        )
        self.contracts = [shipped, ahead]  # 1,000.00 shipped; 800.00 invoiced before delivery
        self.accounts = [first, second]


class ReceivablesMachine(RuleBasedStateMachine):
    world: World

    def __init__(self):
        super().__init__()
        self.savepoint = transaction.atomic()
        self.savepoint.__enter__()
        w = self.world
        self.finance, self.sales, self.people = w.finance, w.sales, w.people
        self.tick = 0
        self.numbers = 0

    def teardown(self):
        """The whole books checked the way `manage.py reconcile` does, then rolled back."""
        try:
            assert reconcile.mismatches([self.world.office]) == []
        finally:
            transaction.set_rollback(True)
            self.savepoint.__exit__(None, None, None)

    @initialize(first=st.integers(1, 100_000), second=st.integers(1, 80_000))
    def invoiced_to_start(self, first, second):
        """Two invoices of the shipped contract and one of the other, so that every example
        has something to pay, credit and write off."""
        shipped, ahead = self.world.contracts
        first = Decimal(first) / 100
        self._invoice(shipped, first)
        rest = ((shipped.total - first) / 2).quantize(CENT)
        if rest > 0:
            self._invoice(shipped, rest)
        self._invoice(ahead, Decimal(second) / 100)

    def _invoice(self, contract, amount, *, hold=False):
        now = self.now()
        request = invoices.invoice_request_create(
            actor=self.sales,
            contract=contract,
            invoice_type=InvoiceType.ORDINARY,
            amount=amount,
            now=now,
        )
        invoices.invoice_request_submit(request=request, actor=self.sales, now=now)
        request = decide_all(request, self.people, now=now)
        if not hold:
            self._issue(request)

    def now(self):
        self.tick += 1
        return NOW + datetime.timedelta(minutes=self.tick)

    def number(self) -> str:
        self.numbers += 1
        return f"SM{self.numbers:06d}"

    def _pick(self, qs, i):
        rows = list(qs.order_by("pk"))
        return rows[i % len(rows)] if rows else None

    def ordinary(self):
        return Invoice.objects.filter(office=self.world.office, red_of__isnull=True)

    def live_receipts(self):
        """Receipts that are neither a reversal nor reversed."""
        return Receipt.objects.filter(
            office=self.world.office, reversal_of__isnull=True, reversal__isnull=True
        )

    def refused(self, error, call, code=None):
        before = row_counts()
        with pytest.raises(error) as caught:
            call()
        if code is not None:
            assert caught.value.code == code
        assert row_counts() == before
        return caught.value

    # ------------------------------------------------------------ R-14 invoices

    @rule(which=st.integers(0, 1), kind=how, given=money, hold=st.sampled_from([0, 0, 1]))
    def invoice(self, which, kind, given, hold):
        """The salesperson asks for an invoice (the cap as the limit); the manager approves
        it; finance issues it, or it is left approved, holding its amount."""
        contract = self.world.contracts[which]
        left = figures.invoiceable(contract)
        amount = _amount(kind, left, given)
        if not ZERO < amount <= left:
            self.refused(
                ValidationError,
                lambda: invoices.invoice_request_create(
                    actor=self.sales,
                    contract=contract,
                    invoice_type=InvoiceType.ORDINARY,
                    amount=amount,
                    now=self.now(),
                ),
            )
            return
        self._invoice(contract, amount, hold=bool(hold))
        assert figures.invoiceable(contract) == left - amount  # held or invoiced

    @precondition(
        lambda self: InvoiceRequest.objects.filter(status=InvoiceRequestStatus.APPROVED).exists()
    )
    @rule(i=st.integers(0, 9))
    def issue_held(self, i):
        self._issue(self._pick(InvoiceRequest.objects.filter(status="approved"), i))

    def _issue(self, request):
        now = self.now()
        invoice = invoices.invoice_issue(
            actor=self.finance, request=request, number=self.number(), date=now.date(), now=now
        )
        assert invoice.amount == request.amount
        assert figures.open_amount(invoice) == invoice.amount

    @precondition(lambda self: self.ordinary().exists())
    @rule(i=st.integers(0, 9), kind=how, given=money)
    def red(self, i, kind, given):
        """R-14.3: a red-letter invoice of at most what remains of its invoice."""
        invoice = self._pick(self.ordinary(), i)
        remains = figures.open_amount(invoice)
        amount = _amount(kind, remains, given)

        def credit():
            now = self.now()
            return invoices.invoice_red(
                actor=self.finance,
                invoice=invoice,
                amount=amount,
                number=self.number(),
                date=now.date(),
                now=now,
            )

        if not ZERO < amount <= remains:
            self.refused(ValidationError, credit)
            return
        made = credit()
        assert figures.open_amount(invoice) == remains - amount
        self.refused(
            DomainError,
            lambda: invoices.invoice_red(
                actor=self.finance,
                invoice=made,
                amount=CENT,
                number=self.number(),
                date=made.date,
                now=self.now(),
            ),
            code="red_of_red",
        )

    # ------------------------------------------------------------ receipts

    @rule(
        which=st.integers(0, 1),
        amount=money,
        chosen=st.booleans(),
        i=st.integers(0, 9),
        kind=how,
        part=money,
    )
    def receipt(self, which, amount, chosen, i, kind, part):
        """Finance records a receipt: oldest due first, or one invoice chosen (of either
        account) for an amount relative to its open amount."""
        account = self.world.accounts[which]
        before = self._open_of(account)
        credit = figures.unallocated_credit(account.pk)
        plan = None
        invoice = self._pick(self.ordinary(), i) if chosen else None
        if invoice is not None:
            open_amount = figures.open_amount(invoice)
            share = _amount(kind, open_amount, part)
            plan = [AllocationInput(invoice=invoice.pk, amount=share)]
            fits = (
                invoice.account_id == account.pk and ZERO < share <= open_amount and share <= amount
            )
            if not fits:
                self.refused(ValidationError, lambda: self._receive(account, amount, plan))
                return
        receipt = self._receive(account, amount, plan)
        taken = amount - figures.receipt_unallocated(receipt)
        if plan is None:
            assert taken == min(amount, before)  # everything open is paid before any credit
        else:
            assert taken == plan[0].amount
        assert figures.unallocated_credit(account.pk) == credit + amount - taken

    def _receive(self, account, amount, plan):
        now = self.now()
        return receipts.receipt_record(
            actor=self.finance,
            account=account,
            amount=amount,
            method="transfer",
            date=now.date(),
            allocations=plan,
            now=now,
        )

    def _open_of(self, account) -> Decimal:
        return sum(
            (i.open_amount for i in figures.open_invoices(account.pk)), start=Decimal("0.00")
        )

    @precondition(lambda self: self.live_receipts().exists())
    @rule(i=st.integers(0, 9))
    def allocate_later(self, i):
        """What is left of a receipt, set against invoices oldest due first: never more than
        is open, what the receipt has left, or the account's credit (refunds come out of it)."""
        receipt = self._pick(self.live_receipts(), i)
        left = figures.receipt_unallocated(receipt)
        credit = figures.unallocated_credit(receipt.account_id)
        open_total = self._open_of(receipt.account)
        call = lambda: receipts.receipt_allocate(  # noqa: E731
            actor=self.finance, receipt=receipt, now=self.now()
        )
        if left <= 0 or credit <= 0:
            self.refused(DomainError, call, code="nothing_left")
            return
        if open_total <= 0:
            self.refused(DomainError, call, code="nothing_open")
            return
        made = call()
        assert sum(a.amount for a in made) == min(left, credit, open_total)

    @precondition(lambda self: self.live_receipts().exists())
    @rule(i=st.integers(0, 9))
    def reverse(self, i):
        """A receipt entered wrongly is reversed: its allocations taken back, the ledger
        debited; refused when part of its credit was refunded."""
        receipt = self._pick(self.live_receipts(), i)
        account = receipt.account
        credit = figures.unallocated_credit(account.pk)
        left = figures.receipt_unallocated(receipt)
        balance = figures.balance(account.pk)
        call = lambda: receipts.receipt_reverse(  # noqa: E731
            actor=self.finance, receipt=receipt, reason="录错", now=self.now()
        )
        if credit < left:
            self.refused(DomainError, call, code="refunded")
            return
        reversal = call()
        assert figures.balance(account.pk) == balance + receipt.amount
        assert figures.receipt_unallocated(receipt) + figures.receipt_unallocated(reversal) == 0
        assert figures.unallocated_credit(account.pk) == credit - left
        self.refused(DomainError, call, code="already_reversed")

    @rule(which=st.integers(0, 1), kind=how, given=money)
    def refund(self, which, kind, given):
        """R-15.1: a credit paid back, never more than the credit."""
        account = self.world.accounts[which]
        credit = figures.unallocated_credit(account.pk)
        amount = _amount(kind, credit, given)

        def pay_back():
            now = self.now()
            return receipts.refund_record(
                actor=self.finance,
                account=account,
                amount=amount,
                method="transfer",
                date=now.date(),
                now=now,
            )

        if not ZERO < amount <= credit:
            self.refused(ValidationError, pay_back)
            return
        pay_back()
        assert figures.unallocated_credit(account.pk) == credit - amount

    # ------------------------------------------------------------ write-offs

    @precondition(lambda self: self.ordinary().exists())
    @rule(i=st.integers(0, 9), kind=how, given=money, pay=st.booleans(), paying=money)
    def write_off(self, i, kind, given, pay, paying):
        """Finance proposes writing off part of an invoice; the director approves; sometimes
        a payment of the invoice arrives before the executive's approval, which is then
        refused (409) when the invoice no longer has that much open."""
        invoice = self._pick(self.ordinary(), i)
        remains = figures.open_amount(invoice)
        # a write-off refused by the executive earlier is still waiting and holds its amount
        writable = writeoffs.left_to_write_off(invoice)
        amount = _amount(kind, writable, given)
        if not ZERO < amount <= writable:
            self.refused(
                ValidationError,
                lambda: receipts.write_off_create(
                    actor=self.finance,
                    invoice=invoice,
                    amount=amount,
                    reason="无法收回",
                    now=self.now(),
                ),
            )
            return
        now = self.now()
        write_off = receipts.write_off_create(
            actor=self.finance, invoice=invoice, amount=amount, reason="无法收回", now=now
        )
        receipts.write_off_submit(write_off=write_off, actor=self.finance, now=now)
        decide_next(write_off, self.people[1], now=now)  # the director
        paid = min(paying, remains) if pay else ZERO
        if paid:
            self._receive(invoice.account, paid, [AllocationInput(invoice=invoice.pk, amount=paid)])
        left = remains - paid
        if amount > left:
            self.refused(
                DomainError,
                lambda: decide_next(write_off, self.people[2], now=self.now()),
                code="over_open",
            )
            return
        decide_next(write_off, self.people[2], now=self.now())  # the executive
        assert figures.open_amount(invoice) == left - amount
        assert LedgerLine.objects.filter(write_off=write_off).count() == 1

    # ------------------------------------------------------------ invariants

    @invariant()
    def each_account_balances(self):
        for account in self.world.accounts:
            rows = LedgerLine.objects.filter(account=account).aggregate(
                d=Sum("debit"), c=Sum("credit")
            )
            balance = (rows["d"] or ZERO) - (rows["c"] or ZERO)
            assert balance == figures.balance(account.pk)
            opens = (
                figures.with_open_amount(
                    Invoice.objects.filter(account=account, red_of__isnull=True)
                ).aggregate(t=Sum("open_amount"))["t"]
                or ZERO
            )
            credit = figures.unallocated_credit(account.pk)
            assert balance == opens - credit
            assert credit >= 0

    @invariant()
    def each_invoice_within_its_amount(self):
        for invoice in figures.with_open_amount(Invoice.objects.filter(office=self.world.office)):
            if invoice.red_of_id:
                assert invoice.allocated == invoice.credited == invoice.written_off == 0
                continue
            room = invoice.amount - invoice.credited - invoice.written_off
            assert 0 <= invoice.allocated <= room
            assert invoice.open_amount >= 0

    @invariant()
    def each_contract_within_its_cap(self):
        for contract in self.world.contracts:
            invoiced, credited = figures.contract_invoiced(contract)
            cap = (
                contract.total if contract.invoice_before_delivery else net_shipped_value(contract)
            )
            assert invoiced - credited <= cap
            assert invoiced - credited + figures.held_by_requests(contract) <= cap


@pytest.mark.django_db
def test_receivables_state_machine():
    from hypothesis.stateful import run_state_machine_as_test

    ReceivablesMachine.world = World()
    run_state_machine_as_test(
        ReceivablesMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=15,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
