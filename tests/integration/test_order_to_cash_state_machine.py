"""The whole order-to-cash flow as one Hypothesis state machine (issue 21, Integrity): contract →
demand request → approval → outbound order → shipment (stock out) → return (red outbound order,
goods received back, stock in) → invoice request → invoice → red-letter invoice → receipt
(allocation) → write-off, over two accounts, each with a signed contract of two products, and
a warehouse holding little of either.

It is the receivables machine (tests/receivables/test_state_machine.py: its invoice, red-letter,
receipt, allocation and write-off rules, each asserting its outcome, and its account and
invoice invariants; its reversals and refunds are left to it) with shipping's rules beside it,
so that goods leave and come back between the money's steps. After every step:
- stock: each warehouse's on hand = Σ its stock ledger, never negative (R-10.3);
- per contract line: requested − exchanged ≤ ordered, shipped ≤ requested, being returned and
  received back ≤ shipped (R-13.1, R-13.3, R-13.5); the contract fulfilled exactly when all
  of it has shipped;
- per account: ledger balance = Σ open invoices − unallocated credit, credit ≥ 0 (R-15.1);
- per invoice: 0 ≤ allocated ≤ amount − credited − written off (R-14.3, R-15.3);
- per contract: invoiced − red ≤ the value shipped net of returns, plus the value received back
  that red-letter invoices have not yet credited (R-14.2, R-14.3: the return of invoiced goods
  asks for one), or ≤ its total when it says invoice before delivery;
and at the end of each example `manage.py reconcile` (all of these checks, for the branch)
finds nothing.
Each rule asserts its own outcome: refused exactly when it goes too far, and a refusal changes
no row (receivables', shipping's, the stock ledger's and the balances)."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import F, Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, precondition, rule, run_state_machine_as_test
from rest_framework.exceptions import ValidationError

from common.errors import DomainError
from contracts.factories import approved_account, line, make_product, signed
from receivables import figures
from receivables.models import InvoiceRequest
from receivables.services import invoices
from shipping import progress
from shipping import services as shipping
from shipping.choices import OrderStatus, RequestStatus, ReturnStatus
from shipping.factories import approved_request, decide_all, decide_next, issued_order, ship_order
from shipping.factories import row_counts as shipping_rows
from shipping.models import DemandRequest, OutboundLine, OutboundOrder
from shipping.services import LineInput
from staff.choices import Role
from staff.factories import OfficeFactory, UserFactory
from stock.models import StockBalance, StockMove
from stock.services import stock_receive, warehouse_create
from tests.receivables import test_state_machine as receivables_machine

NOW = receivables_machine.NOW
ZERO = Decimal("0.00")
# the two contracts: (product, quantity, unit price) of each line
ORDERED = (("10", "100.00"), ("6", "50.00"))
quantities = st.integers(1, 7)
OUTCOMES = ("draft", "reject", "issue", "issue", "issue")


def _quantity(kind: str, limit: Decimal, given: int) -> Decimal:
    """A quantity relative to a limit (what is left to request or return), as the receivables
    machine's amounts are: the limit itself, one over it, half of it, or any quantity."""
    if kind == "all":
        return max(limit, Decimal(1))
    if kind == "over":
        return limit + 1
    if kind == "half":
        return max((limit / 2).to_integral_value(), Decimal(1))
    return Decimal(given)


class FlowWorld:
    """Made once per test: the branch, its people, two products, a warehouse holding a little
    of each, and two accounts with a signed contract each — the first invoiced on what has
    shipped, the second invoiced before delivery. Each example runs in a savepoint."""

    def __init__(self):
        office = OfficeFactory(code="sm-flow")
        user = lambda name, role: UserFactory(  # noqa: E731
            username=f"sm-flow-{name}", roles=[role], offices=[office]
        )
        self.office = office
        self.sales = user("sales", Role.SALESPERSON)
        self.manager = user("manager", Role.MANAGER)
        self.finance = user("finance", Role.FINANCE)
        self.clerk = user("clerk", Role.CLERK)
        self.keeper = user("keeper", Role.WAREHOUSE)
        self.technician = user("tech", Role.TECHNICIAN)
        self.people = [
            self.manager,
            user("director", Role.DIRECTOR),
            user("executive", Role.EXECUTIVE),
            self.technician,
            self.clerk,
            self.keeper,
        ]
        self.products = [
            make_product(self.manager, "SM-F1", now=NOW),
            make_product(self.manager, "SM-F2", price="50.00", name="电缆", unit="米", now=NOW),
        ]
        self.depot = warehouse_create(office=office, code="SMF", name="仓库", keeper=self.keeper)
        for product in self.products:
            stock_receive(
                warehouse=self.depot,
                product=product,
                quantity=Decimal(3),
                supplier="供应商",
                actor=self.keeper,
                now=NOW,
            )
        self.accounts = [
            approved_account(office, self.sales, name="甲公司"),
            approved_account(office, self.sales, name="乙公司"),
        ]
        lines = [line(p, q, price) for p, (q, price) in zip(self.products, ORDERED, strict=True)]
        self.contracts = [
            signed(self.accounts[0], self.sales, lines, self.people, now=NOW),
            signed(
                self.accounts[1],
                self.sales,
                lines,
                self.people,
                now=NOW,
                invoice_before_delivery=True,
            ),
        ]


class OrderToCashMachine(receivables_machine.ReceivablesMachine):
    world: FlowWorld

    def __init__(self):
        super().__init__()
        w = self.world
        self.clerk, self.keeper, self.technician = w.clerk, w.keeper, w.technician
        # per contract: the value received back that no red-letter invoice has credited yet
        self.to_credit = [ZERO, ZERO]

    def teardown(self):
        """`manage.py reconcile` for the branch finds nothing, then the example is undone."""
        try:
            out = io.StringIO()
            call_command("reconcile", office=self.world.office.code, stdout=out)
            assert out.getvalue().strip() == "0 mismatches"
        finally:
            super().teardown()

    # ------------------------------------------------------------ helpers

    def refused(self, error, call, code=None):
        """Refused, and nothing saved: receivables' rows (the receivables machine checks
        them), shipping's and the stock ledger's, every balance and every order line."""
        before = self.snapshot()
        caught = super().refused(error, call, code)
        assert self.snapshot() == before
        return caught

    def snapshot(self):
        return (
            shipping_rows(),
            list(StockBalance.objects.order_by("pk").values_list("pk", "on_hand")),
            list(OutboundLine.objects.order_by("pk").values_list("pk", "shipped")),
            list(DemandRequest.objects.order_by("pk").values_list("pk", "status")),
        )

    def figures_of(self, c: int) -> list[progress.LineProgress]:
        return progress.contract_progress(self.world.contracts[c])

    def on_hand(self, product) -> Decimal:
        row = StockBalance.objects.filter(warehouse=self.world.depot, product=product).first()
        return row.on_hand if row else Decimal("0")

    def shipped_lines(self) -> list[tuple[int, progress.LineProgress]]:
        """Each contract line that has shipped, with its contract's index."""
        return [(c, p) for c in (0, 1) for p in self.figures_of(c) if p.shipped > 0]

    def open_orders(self):
        return OutboundOrder.objects.filter(
            office=self.world.office, status__in=[OrderStatus.OPEN, OrderStatus.PARTIAL]
        )

    def waiting_requests(self):
        return DemandRequest.objects.filter(
            office=self.world.office,
            status__in=[RequestStatus.DRAFT, RequestStatus.REJECTED, RequestStatus.APPROVED],
        )

    # ------------------------------------------------------------ the start

    @initialize(
        motors=st.integers(1, 6),
        cable=st.integers(0, 4),
        ahead=st.integers(0, 5),
        first=st.integers(1, 100_000),
        second=st.integers(1, 65_000),
    )
    def invoiced_to_start(self, motors, cable, ahead, first, second):
        """Replaces the receivables machine's start: part of each contract requested,
        approved, issued and shipped (the stock it lacks received first), an invoice of the
        first contract within what shipped and one of the second (invoiced before delivery)."""
        w = self.world
        now = self.now()
        for contract, lines in zip(
            w.contracts, ([(0, motors), (1, cable)], [(0, ahead)]), strict=True
        ):
            lines = [(w.products[k], q) for k, q in lines if q]
            if lines:
                request = approved_request(
                    contract, lines, now=now, requester=self.sales, people=self.people
                )
                order = issued_order(request, now=now, warehouse=w.depot, clerk=self.clerk)
                ship_order(order, now=now, keeper=self.keeper)
        contract, before_delivery = w.contracts
        self._invoice(contract, min(Decimal(first) / 100, figures.invoiceable(contract)))
        self._invoice(before_delivery, Decimal(second) / 100)

    # ------------------------------------------------------------ requests

    @rule(
        c=st.integers(0, 1),
        which=st.integers(0, 1),
        kind=receivables_machine.how,
        given=quantities,
        outcome=st.sampled_from(OUTCOMES),
        ship_now=st.integers(0, 7),
    )
    def request(self, c, which, kind, given, outcome, ship_now):
        """The salesperson requests goods of a contract's line: refused exactly when over what
        is left to request; the request is left a draft, rejected by the branch manager, or
        approved, its outbound order issued and (ship_now > 0) part of it shipped at once."""
        left = self.figures_of(c)[which]
        quantity = _quantity(kind, left.left_to_request, given)

        def create():
            return shipping.request_create(
                actor=self.sales,
                contract=self.world.contracts[c],
                lines=[LineInput(contract_line=left.line, quantity=Decimal(quantity))],
                now=self.now(),
            )

        if quantity > left.left_to_request:
            self.refused(ValidationError, create)
            return
        order = self._advance(create(), outcome)
        assert self.figures_of(c)[which].requested == left.requested + quantity
        if order is not None and ship_now:
            self._ship(order, 0, ship_now, within=True)

    @precondition(lambda self: self.waiting_requests().exists())
    @rule(i=st.integers(0, 9), outcome=st.sampled_from(OUTCOMES))
    def advance_request(self, i, outcome):
        """A request left behind (a draft, a rejected one, an exchange's replacement) goes on."""
        self._advance(self._pick(self.waiting_requests(), i), outcome)

    def _advance(self, request, outcome) -> OutboundOrder | None:
        """The request submitted and decided as `outcome` says: its outbound order, if issued."""
        if outcome == "draft":
            return None
        if request.status in (RequestStatus.DRAFT, RequestStatus.REJECTED):
            shipping.request_submit(request=request, actor=self.sales, now=self.now())
            if outcome == "reject":
                decide_next(
                    request, self.people[0], now=self.now(), decision="reject", comment="再议"
                )
                return None
            request = decide_all(request, self.people, now=self.now())
        assert request.status == RequestStatus.APPROVED
        order = shipping.order_issue(
            actor=self.clerk, demand_request=request, warehouse=self.world.depot, now=self.now()
        )
        assert sorted(order.lines.values_list("quantity", flat=True)) == sorted(
            request.lines.values_list("quantity", flat=True)
        )
        return order

    # ------------------------------------------------------------ stock

    @rule(which=st.integers(0, 1), quantity=st.integers(1, 6))
    def receive_goods(self, which, quantity):
        product = self.world.products[which]
        on_hand = self.on_hand(product)
        stock_receive(
            warehouse=self.world.depot,
            product=product,
            quantity=Decimal(quantity),
            supplier="供应商",
            actor=self.keeper,
            now=self.now(),
        )
        assert self.on_hand(product) == on_hand + quantity

    @precondition(lambda self: self.open_orders().exists())
    @rule(
        i=st.integers(0, 9),
        which=st.integers(0, 1),
        quantity=quantities,
        within=st.sampled_from([True, True, False]),
    )
    def ship(self, i, which, quantity, within):
        """The keeper ships (a red order: receives back) part of an open order's line, mostly
        within what remains of it."""
        self._ship(self._pick(self.open_orders(), i), which, quantity, within=within)

    def _ship(self, order, which, quantity, *, within):
        """Refused when over what remains of the line, or (going out) over what the warehouse
        holds. Goods received back lower the value shipped; what was invoiced of them now
        wants a red-letter invoice (R-14.3)."""
        target = self._pick(
            order.lines.filter(shipped__lt=F("quantity")).select_related("product"), which
        )
        if within:
            quantity = min(quantity, target.remaining)
        quantity = Decimal(quantity)
        on_hand = self.on_hand(target.product)
        c = [k.pk for k in self.world.contracts].index(order.contract_id)
        value = progress.net_shipped_value(self.world.contracts[c])

        def send():
            return shipping.order_ship(
                actor=self.keeper,
                order=order,
                lines=[LineInput(contract_line=target.contract_line_id, quantity=quantity)],
                now=self.now(),
            )

        if quantity > target.remaining:
            self.refused(ValidationError, send)
            return
        if not order.red and quantity > on_hand:
            self.refused(DomainError, send, code="insufficient_stock")
            return
        send()
        target.refresh_from_db()
        assert target.shipped + target.remaining == target.quantity
        assert self.on_hand(target.product) == on_hand + (quantity if order.red else -quantity)
        after = progress.net_shipped_value(self.world.contracts[c])
        if order.red:
            assert after < value
            self.to_credit[c] += value - after
        else:
            assert after > value

    # ------------------------------------------------------------ returns

    @precondition(lambda self: self.shipped_lines())
    @rule(
        i=st.integers(0, 9),
        kind=receivables_machine.how,
        given=quantities,
        exchange=st.booleans(),
        genuine=st.sampled_from([True, True, False]),
        back_now=st.integers(0, 7),
    )
    def give_back(self, i, kind, given, exchange, genuine, back_now):
        """The customer's return or exchange: refused exactly when over shipped − already
        being returned; confirmed by the branch manager, inspected (genuine, or refused for
        good), approved by the director and its red outbound order issued; (back_now > 0)
        part of the goods received back at once, the rest through `ship`."""
        lines = self.shipped_lines()
        c, left = lines[i % len(lines)]
        quantity = _quantity(kind, left.left_to_return, given)

        def create():
            return shipping.return_create(
                actor=self.sales,
                contract=self.world.contracts[c],
                kind="exchange" if exchange else "return",
                reason="损坏",
                lines=[LineInput(contract_line=left.line, quantity=Decimal(quantity))],
                now=self.now(),
            )

        if quantity > left.left_to_return:
            self.refused(ValidationError, create)
            return
        ret = create()
        shipping.return_submit(ret=ret, actor=self.sales, now=self.now())
        decide_next(ret, self.people[0], now=self.now())  # the branch manager
        shipping.return_inspect(
            ret=ret,
            actor=self.technician,
            genuine=genuine,
            note="" if genuine else "假货",
            now=self.now(),
        )
        ret = decide_all(ret, self.people, now=self.now())
        if not genuine:
            assert (ret.status, ret.refused) == (ReturnStatus.REJECTED, True)
            self.refused(
                DomainError,
                lambda: shipping.return_submit(ret=ret, actor=self.sales, now=self.now()),
                code="not_genuine",
            )
            return
        assert ret.status == ReturnStatus.APPROVED
        red = shipping.red_order_issue(
            actor=self.clerk, return_request=ret, warehouse=self.world.depot, now=self.now()
        )
        if back_now:
            self._ship(red, 0, back_now, within=True)

    # ------------------------------------------------------------ R-14 with goods coming back

    @precondition(lambda self: InvoiceRequest.objects.filter(status="approved").exists())
    @rule(i=st.integers(0, 9))
    def issue_held(self, i):
        """Finance issues a request approved earlier: refused (409 over_shipped) exactly when
        goods came back since and the contract may no longer be invoiced that much."""
        request = self._pick(
            InvoiceRequest.objects.filter(office=self.world.office, status="approved"), i
        )
        left = figures.invoiceable(request.contract, excluding_request=request.pk)
        if request.amount > left:
            self.refused(
                DomainError,
                lambda: invoices.invoice_issue(
                    actor=self.finance,
                    request=request,
                    number=self.number(),
                    date=NOW.date(),
                    now=self.now(),
                ),
                code="over_shipped",
            )
            return
        self._issue(request)

    @precondition(lambda self: self.ordinary().exists())
    @rule(i=st.integers(0, 9), kind=receivables_machine.how, given=receivables_machine.money)
    def red(self, i, kind, given):
        """The receivables machine's red-letter invoice; what it credits first settles the
        credit owed for goods received back on its contract."""
        invoice = self._pick(self.ordinary(), i)
        c = [k.pk for k in self.world.contracts].index(invoice.contract_id)
        credited = figures.contract_invoiced(invoice.contract)[1]
        super().red(i, kind, given)
        now_credited = figures.contract_invoiced(invoice.contract)[1]
        self.to_credit[c] = max(self.to_credit[c] - (now_credited - credited), ZERO)

    # the receivables machine's reversals and refunds are its own: not part of this flow
    reverse = None
    refund = None

    # ------------------------------------------------------------ invariants

    @invariant()
    def stock_is_its_ledger_and_never_negative(self):
        for product in self.world.products:
            ledger = StockMove.objects.filter(
                warehouse=self.world.depot, product=product
            ).aggregate(s=Sum("quantity"))["s"] or Decimal("0")
            assert self.on_hand(product) == ledger >= 0

    @invariant()
    def quantities_follow_the_lines(self):
        for c, contract in enumerate(self.world.contracts):
            lines = self.figures_of(c)
            for (ordered, _price), f in zip(ORDERED, lines, strict=True):
                assert f.ordered == Decimal(ordered)
                assert f.requested - f.exchanged <= f.ordered  # net of exchanges
                assert 0 <= f.shipped <= f.requested
                assert f.received_back <= f.returning <= f.shipped
            contract.refresh_from_db()
            assert (contract.status == "fulfilled") == progress.is_complete(lines)

    @invariant()
    def each_contract_within_its_cap(self):
        """Replaces the receivables machine's: goods received back lower the cap until their
        red-letter invoice is issued (R-14.3), so the bound counts what is still to credit."""
        for c, contract in enumerate(self.world.contracts):
            invoiced, credited = figures.contract_invoiced(contract)
            if contract.invoice_before_delivery:
                cap = contract.total
            else:
                cap = progress.net_shipped_value(contract) + self.to_credit[c]
            assert invoiced - credited + figures.held_by_requests(contract) <= cap


@pytest.mark.django_db
def test_order_to_cash_state_machine():
    OrderToCashMachine.world = FlowWorld()
    run_state_machine_as_test(
        OrderToCashMachine,
        settings=settings(
            max_examples=15,
            stateful_step_count=20,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
