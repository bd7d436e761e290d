"""Shipping's invariants under random requests, approvals, orders, shipments, confirmations and
returns (R-13.1–R-13.5, R-10.3): per contract line, requested ≥ shipped ≥ 0, what is being
returned and what came back ≤ shipped, confirmed ≤ shipped, never more requested than ordered
(net of exchanges); stock on hand = Σ its ledger and never below zero; the contract fulfilled
exactly when everything ordered has shipped (net of exchanged goods that came back)."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import F, Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from rest_framework.exceptions import ValidationError

from accounts.factories import AccountFactory
from catalog.models import Product
from common.errors import DomainError
from contracts.factories import line, make_product, signed
from shipping import progress, services
from shipping.choices import OrderStatus, RequestStatus, ReturnStatus
from shipping.factories import decide_all, decide_next, stock_up
from shipping.models import DemandRequest, OutboundLine, OutboundOrder
from shipping.services import LineInput
from staff.choices import Role
from staff.factories import OfficeFactory, UserFactory
from stock.models import StockBalance, StockMove, Warehouse
from stock.services import stock_receive

NOW = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)
ORDERED = ("6", "4")  # the contract's two lines
quantities = st.integers(1, 7)
OUTCOMES = ("draft", "reject", "issue", "issue")


def _user(office, name, role):
    return UserFactory(username=f"sm-ship-{name}", roles=[role], offices=[office])


class ShippingMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        office = OfficeFactory(code="sm-ship")
        self.sales = _user(office, "sales", Role.SALESPERSON)
        self.clerk = _user(office, "clerk", Role.CLERK)
        self.keeper = _user(office, "keeper", Role.WAREHOUSE)
        self.technician = _user(office, "tech", Role.TECHNICIAN)
        self.people = [
            _user(office, "manager", Role.MANAGER),
            _user(office, "director", Role.DIRECTOR),
            _user(office, "executive", Role.EXECUTIVE),
            self.technician,
        ]
        manager = self.people[0]
        self.products = [
            Product.objects.filter(code=code).first() or make_product(manager, code)
            for code in ("SM-1", "SM-2")
        ]
        self.depot = Warehouse.objects.filter(office=office, code="SM").first()
        if self.depot is None:
            self.depot = Warehouse.objects.create(office=office, code="SM", name="仓库")
        account = AccountFactory(
            office=office, author=self.sales, status="approved", credit_limit=Decimal("1e9")
        )
        self.contract = signed(
            account,
            self.sales,
            [line(p, q) for p, q in zip(self.products, ORDERED, strict=True)],
            self.people,
            now=NOW,
        )
        self.tick = 0

    def now(self):
        self.tick += 1
        return NOW + datetime.timedelta(minutes=self.tick)

    def figures(self):
        return progress.contract_progress(self.contract)

    def _pick(self, qs, i):
        rows = list(qs.order_by("pk"))
        return rows[i % len(rows)] if rows else None

    def open_orders(self):
        return OutboundOrder.objects.filter(
            contract=self.contract, status__in=[OrderStatus.OPEN, OrderStatus.PARTIAL]
        )

    def waiting_requests(self):
        return DemandRequest.objects.filter(
            contract=self.contract,
            status__in=[RequestStatus.DRAFT, RequestStatus.REJECTED, RequestStatus.APPROVED],
        )

    def shipped_lines(self):
        return OutboundLine.objects.filter(
            order__contract=self.contract, order__red=False, shipped__gt=0
        )

    def on_hand(self, product) -> Decimal:
        row = StockBalance.objects.filter(warehouse=self.depot, product=product).first()
        return row.on_hand if row else Decimal("0")

    # ------------------------------------------------------------ rules

    @rule(which=st.integers(0, 1), quantity=quantities, outcome=st.sampled_from(OUTCOMES))
    def request(self, which, quantity, outcome):
        """The salesperson requests goods; the request is left a draft, rejected by the branch
        manager, or approved and its outbound order issued."""
        figures = self.figures()[which]
        try:
            request = services.request_create(
                actor=self.sales,
                contract=self.contract,
                lines=[LineInput(contract_line=figures.line, quantity=Decimal(quantity))],
                now=self.now(),
            )
        except ValidationError:
            assert quantity > figures.left_to_request
            return
        assert quantity <= figures.left_to_request
        self._advance(request, outcome)

    @precondition(lambda self: self.waiting_requests().exists())
    @rule(i=st.integers(0, 9), outcome=st.sampled_from(OUTCOMES))
    def advance_request(self, i, outcome):
        """A request left behind (a draft, a rejected one, an exchange's replacement) goes on."""
        self._advance(self._pick(self.waiting_requests(), i), outcome)

    def _advance(self, request, outcome):
        if outcome == "draft":
            return
        if request.status in (RequestStatus.DRAFT, RequestStatus.REJECTED):
            services.request_submit(request=request, actor=self.sales, now=self.now())
            if outcome == "reject":
                decide_next(
                    request, self.people[0], now=self.now(), decision="reject", comment="再议"
                )
                return
            request = decide_all(request, self.people, now=self.now())
        assert request.status == RequestStatus.APPROVED
        order = services.order_issue(
            actor=self.clerk, demand_request=request, warehouse=self.depot, now=self.now()
        )
        assert sorted(order.lines.values_list("quantity", flat=True)) == sorted(
            request.lines.values_list("quantity", flat=True)
        )

    @rule(which=st.integers(0, 1), quantity=st.integers(1, 12))
    def receive(self, which, quantity):
        stock_receive(
            warehouse=self.depot,
            product=self.products[which],
            quantity=Decimal(quantity),
            supplier="供应商",
            actor=self.keeper,
            now=self.now(),
        )

    @precondition(lambda self: self.open_orders().exists())
    @rule(
        i=st.integers(0, 9),
        which=st.integers(0, 1),
        quantity=quantities,
        within=st.sampled_from([True, True, False]),
        restock=st.booleans(),
    )
    def ship(self, i, which, quantity, within, restock):
        """The keeper ships (a red order: receives back) part of an open order's line: mostly
        within what remains of it, sometimes whatever was asked; with the stock it lacks
        received first, or without."""
        order = self._pick(self.open_orders(), i)
        target = self._pick(
            order.lines.filter(shipped__lt=F("quantity")).select_related("product"), which
        )
        if within:
            quantity = min(quantity, target.remaining)
        if restock and not order.red:
            stock_up(self.depot, target.product, quantity, actor=self.keeper, now=self.now())
        on_hand = self.on_hand(target.product)
        try:
            services.order_ship(
                actor=self.keeper,
                order=order,
                lines=[
                    LineInput(contract_line=target.contract_line_id, quantity=Decimal(quantity))
                ],
                now=self.now(),
            )
        except ValidationError:
            assert quantity > target.remaining
            return
        except DomainError as refused:
            assert refused.code == "insufficient_stock"
            assert not order.red and quantity > on_hand
            return
        assert quantity <= target.remaining
        expected = on_hand + quantity if order.red else on_hand - quantity
        assert self.on_hand(target.product) == expected

    @precondition(lambda self: self.shipped_lines().exists())
    @rule(i=st.integers(0, 9), quantity=st.integers(0, 7))
    def confirm(self, i, quantity):
        shipped_line = self._pick(self.shipped_lines(), i)
        try:
            services.confirmation_record(
                actor=self.clerk,
                order=shipped_line.order,
                signed_by="王",
                signed_on=NOW.date(),
                lines=[
                    LineInput(
                        contract_line=shipped_line.contract_line_id, quantity=Decimal(quantity)
                    )
                ],
                now=self.now(),
            )
        except ValidationError:
            confirmed = sum(c.quantity for c in shipped_line.confirmation_lines.all())
            assert quantity == 0 or quantity > shipped_line.shipped - confirmed
            return

    @precondition(lambda self: self.shipped_lines().exists())
    @rule(
        which=st.integers(0, 1),
        quantity=quantities,
        exchange=st.booleans(),
        genuine=st.sampled_from([True, True, False]),
    )
    def give_back(self, which, quantity, exchange, genuine):
        """The customer's return or exchange, confirmed by the manager, inspected (genuine or
        not), approved by the director and its red outbound order issued."""
        figures = self.figures()[which]
        try:
            ret = services.return_create(
                actor=self.sales,
                contract=self.contract,
                kind="exchange" if exchange else "return",
                reason="损坏",
                lines=[LineInput(contract_line=figures.line, quantity=Decimal(quantity))],
                now=self.now(),
            )
        except ValidationError:
            assert quantity > figures.left_to_return
            return
        assert quantity <= figures.left_to_return
        services.return_submit(ret=ret, actor=self.sales, now=self.now())
        decide_next(ret, self.people[0], now=self.now())  # the branch manager
        services.return_inspect(
            ret=ret, actor=self.technician, genuine=genuine, note="" if genuine else "假货",
            now=self.now(),
        )  # fmt: skip
        ret = decide_all(ret, self.people, now=self.now())
        if not genuine:
            assert (ret.status, ret.refused) == (ReturnStatus.REJECTED, True)
            return
        assert ret.status == ReturnStatus.APPROVED
        services.red_order_issue(
            actor=self.clerk, return_request=ret, warehouse=self.depot, now=self.now()
        )

    # ------------------------------------------------------------ invariants

    @invariant()
    def quantities_follow_the_lines(self):
        for ordered, f in zip(ORDERED, self.figures(), strict=True):
            assert f.ordered == Decimal(ordered)
            assert f.requested >= f.shipped >= 0
            # never shipped beyond the order, but for the replacements of approved exchanges
            assert f.shipped - f.exchanged <= f.ordered
            assert f.requested - f.exchanged <= f.ordered  # net of exchanges
            assert f.returning <= f.shipped
            assert 0 <= f.received_back <= f.shipped
            assert f.received_back <= f.returning
            assert 0 <= f.confirmed <= f.shipped

    @invariant()
    def stock_is_its_ledger_and_never_negative(self):
        for product in self.products:
            ledger = StockMove.objects.filter(warehouse=self.depot, product=product).aggregate(
                s=Sum("quantity")
            )["s"] or Decimal("0")
            assert self.on_hand(product) == ledger
            assert self.on_hand(product) >= 0

    @invariant()
    def fulfilled_exactly_when_everything_shipped(self):
        self.contract.refresh_from_db()
        complete = progress.is_complete(self.figures())
        assert (self.contract.status == "fulfilled") == complete
        assert self.contract.status in ("signed", "fulfilled")


@pytest.mark.django_db
def test_shipping_state_machine():
    from hypothesis.stateful import run_state_machine_as_test

    run_state_machine_as_test(
        ShippingMachine,
        settings=settings(
            max_examples=10,
            stateful_step_count=50,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
