"""Outbound orders and shipping through their services (R-13.2, R-13.3, R-10.3): the clerk
issues a numbered order from an approved request, naming a warehouse of the branch; the
warehouse keeper ships all or part, stock falls through the ledger and never below zero; the
rest stays open (backorders); the last goods fulfil the contract. Every refusal saves nothing."""

from decimal import Decimal

import pytest
from rest_framework.exceptions import PermissionDenied, ValidationError

from common.errors import DomainError
from contracts.factories import NOW
from notifications.models import Notification
from shipping import selectors, services
from shipping.factories import approved_request, issued_order, row_counts
from shipping.models import OutboundOrder
from shipping.services import LineInput
from staff.choices import Role
from staff.factories import UserFactory
from stock.models import StockBalance, StockMove
from stock.services import warehouse_create

from .conftest import receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(approvers, clerk, warehouse):
    return [*approvers, clerk, warehouse]


@pytest.fixture
def request_(contract, salesperson, people):
    """An approved request for everything: 10 motors, 100 metres of cable."""
    return approved_request(contract, now=NOW, requester=salesperson, people=people)


@pytest.fixture
def order(request_, clerk, depot):
    return issued_order(request_, now=NOW, warehouse=depot, clerk=clerk)


@pytest.fixture
def other_keeper(other_office):
    return UserFactory(username="keeper-riverside", roles=[Role.WAREHOUSE], offices=[other_office])


@pytest.fixture
def other_depot(other_office, other_keeper):
    return warehouse_create(office=other_office, code="W9", name="江畔仓库", keeper=other_keeper)


def on_hand(depot, product) -> Decimal:
    row = StockBalance.objects.filter(warehouse=depot, product=product).first()
    return row.on_hand if row else Decimal("0")


def ship(order, actor, *lines):
    return services.order_ship(
        actor=actor,
        order=order,
        lines=[LineInput(product=p, quantity=Decimal(q)) for p, q in lines],
        now=NOW,
    )


# ---------------------------------------------------------------- issuing


def test_the_clerk_issues_the_numbered_order_of_an_approved_request(
    request_, clerk, depot, warehouse, product, cable
):
    order = services.order_issue(actor=clerk, demand_request=request_, warehouse=depot, now=NOW)
    assert (order.number, order.red, order.status, order.warehouse) == (
        "CK-2026-0001",
        False,
        "open",
        depot,
    )
    assert (order.contract, order.office, order.issued_by) == (
        request_.contract,
        request_.office,
        clerk,
    )
    # complete and matching the request
    assert [(ol.product, ol.quantity, ol.shipped) for ol in order.lines.order_by("pk")] == [
        (product, Decimal("10.000"), 0),
        (cable, Decimal("100.000"), 0),
    ]
    request_.refresh_from_db()
    assert request_.status == "issued"
    note = Notification.objects.get(kind="outbound_to_ship")
    assert (note.recipient, note.params["number"], note.params["red"]) == (
        warehouse,  # the depot's keeper
        "CK-2026-0001",
        False,
    )


def test_a_request_is_issued_once(order, request_, clerk, depot):
    before = row_counts()
    with pytest.raises(DomainError) as refused:
        services.order_issue(actor=clerk, demand_request=request_, warehouse=depot, now=NOW)
    assert refused.value.code == "already_issued"
    assert row_counts() == before


@pytest.mark.parametrize("state", ["draft", "pending", "rejected", "cancelled"])
def test_an_order_from_an_unapproved_request_is_refused(
    contract, salesperson, clerk, depot, product, manager, state
):
    made = services.request_create(
        actor=salesperson,
        contract=contract,
        lines=[LineInput(product=product, quantity=Decimal("1"))],
        now=NOW,
    )
    if state in ("pending", "rejected"):
        services.request_submit(request=made, actor=salesperson, now=NOW)
    if state == "rejected":
        from approvals.services import approval_decide

        step = made.approvals().get(state="pending")
        approval_decide(approval=step, actor=manager, decision="reject", comment="不行", now=NOW)
    if state == "cancelled":
        services.request_cancel(request=made, actor=salesperson, now=NOW)
    made.refresh_from_db()
    assert made.status == state
    before = row_counts()
    with pytest.raises(DomainError) as refused:
        services.order_issue(actor=clerk, demand_request=made, warehouse=depot, now=NOW)
    assert refused.value.code == "not_approved"
    assert row_counts() == before


def test_issuing_with_a_warehouse_of_another_office_is_refused(request_, clerk, other_depot):
    before = row_counts()
    with pytest.raises(ValidationError) as refused:
        services.order_issue(actor=clerk, demand_request=request_, warehouse=other_depot, now=NOW)
    assert "warehouse" in refused.value.detail
    assert row_counts() == before
    request_.refresh_from_db()
    assert request_.status == "approved"


@pytest.mark.parametrize("who", ["other_clerk", "salesperson", "manager", "warehouse"])
def test_only_the_branchs_clerk_issues(request, request_, depot, other_office, who):
    """Abuse: a clerk of another branch issuing; nobody but a clerk of the branch."""
    if who == "other_clerk":
        actor = UserFactory(username="clerk-riverside", roles=[Role.CLERK], offices=[other_office])
    else:
        actor = request.getfixturevalue(who)
    before = row_counts()
    with pytest.raises(PermissionDenied):
        services.order_issue(actor=actor, demand_request=request_, warehouse=depot, now=NOW)
    assert row_counts() == before


# ---------------------------------------------------------------- shipping


def test_partial_then_full_shipment_moves_stock_and_fulfils(
    order, warehouse, depot, product, cable
):
    receive(depot, product, "12", warehouse)
    receive(depot, cable, "100", warehouse)
    first = ship(order, warehouse, (product, "4"))
    order.refresh_from_db()
    assert order.status == "partial"
    assert on_hand(depot, product) == Decimal("8")
    move = StockMove.objects.get(kind="outbound")
    assert (move.quantity, move.balance_after, move.reason) == (
        Decimal("-4.000"),
        Decimal("8.000"),
        order.number,
    )
    assert (move.document_type, move.document_id) == ("shipping.outboundorder", order.pk)
    assert [(sl.order_line.product, sl.quantity) for sl in first.lines.all()] == [
        (product, Decimal("4.000"))
    ]
    order.contract.refresh_from_db()
    assert order.contract.status == "signed"
    lines = {ol.product: ol for ol in order.lines.all()}
    assert (lines[product].shipped, lines[product].remaining) == (4, 6)
    ship(order, warehouse, (product, "6"), (cable, "100"))
    order.refresh_from_db()
    order.contract.refresh_from_db()
    assert order.status == "done"
    assert (order.contract.status, order.contract.fulfilled_at) == ("fulfilled", NOW)
    assert on_hand(depot, product) == Decimal("2") and on_hand(depot, cable) == 0
    told = Notification.objects.filter(kind="goods_shipped").order_by("pk")
    kinds = list(told.values_list("params", flat=True))
    assert [k["done"] for k in kinds] == [False, True]


def test_shipping_more_than_the_order_line_saves_nothing(order, warehouse, depot, product):
    receive(depot, product, "50", warehouse)
    ship(order, warehouse, (product, "3"))
    before = row_counts()
    with pytest.raises(ValidationError) as refused:
        ship(order, warehouse, (product, "7.001"))
    (message,) = refused.value.detail["lines"][0]["quantity"]
    assert "7" in str(message)
    assert row_counts() == before
    assert on_hand(depot, product) == Decimal("47")
    assert order.lines.get(product=product).shipped == 3


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ([("stranger", "1")], "product"),
        ([("product", "0")], "quantity"),
        ([("product", "-2")], "quantity"),
        ([("product", "1"), ("product", "1")], "product"),
    ],
)
def test_bad_shipping_lines_are_refused(order, warehouse, depot, product, manager, lines, field):
    from contracts.factories import make_product

    receive(depot, product, "50", warehouse)
    products = {"product": product, "stranger": make_product(manager, "QT-1")}
    before = row_counts()
    with pytest.raises(ValidationError) as refused:
        ship(order, warehouse, *[(products[k], q) for k, q in lines])
    assert any(field in e for e in refused.value.detail["lines"])
    assert row_counts() == before


def test_insufficient_stock_is_409_and_moves_nothing(order, warehouse, depot, product, cable):
    """R-10.3: all or none — the motors are there, the cable is short."""
    receive(depot, product, "10", warehouse)
    receive(depot, cable, "30", warehouse)
    before = row_counts()
    with pytest.raises(DomainError) as refused:
        ship(order, warehouse, (product, "10"), (cable, "40"))
    assert refused.value.code == "insufficient_stock"
    assert refused.value.extra["on_hand"] == "30.000"
    assert row_counts() == before
    assert (on_hand(depot, product), on_hand(depot, cable)) == (10, 30)
    assert order.lines.get(product=product).shipped == 0


def test_a_keeper_of_another_branch_does_not_ship(order, depot, product, warehouse, other_keeper):
    """Abuse: the warehouse keeper of another branch."""
    receive(depot, product, "10", warehouse)
    before = row_counts()
    for actor in (other_keeper,):
        with pytest.raises(PermissionDenied):
            ship(order, actor, (product, "1"))
    assert row_counts() == before


@pytest.mark.parametrize("who", ["clerk", "salesperson", "manager"])
def test_only_a_warehouse_keeper_ships(request, order, depot, product, warehouse, who):
    receive(depot, product, "10", warehouse)
    with pytest.raises(PermissionDenied):
        ship(order, request.getfixturevalue(who), (product, "1"))
    assert order.lines.get(product=product).shipped == 0


def test_a_done_order_ships_no_more(order, warehouse, depot, product, cable):
    receive(depot, product, "20", warehouse)
    receive(depot, cable, "200", warehouse)
    ship(order, warehouse, (product, "10"), (cable, "100"))
    with pytest.raises(DomainError) as refused:
        ship(order, warehouse, (product, "1"))
    assert refused.value.code == "order_closed"


def test_an_order_of_a_cancelled_contract_is_closed_and_ships_no_more(
    order, warehouse, depot, product, manager
):
    from contracts import services as contract_services

    receive(depot, product, "20", warehouse)
    ship(order, warehouse, (product, "3"))
    contract_services.contract_cancel(
        contract=order.contract, actor=manager, reason="客户取消", now=NOW
    )
    order.refresh_from_db()
    assert (order.status, order.closed_at) == ("closed", NOW)
    with pytest.raises(DomainError) as refused:
        ship(order, warehouse, (product, "1"))
    assert refused.value.code == "order_closed"
    assert on_hand(depot, product) == Decimal("17")


# ---------------------------------------------------------------- the queue and backorders


def test_the_keepers_queue_oldest_first_with_stock(
    contract, salesperson, people, clerk, depot, warehouse, product, other_keeper, office
):
    first = issued_order(
        approved_request(contract, [(product, "6")], now=NOW, requester=salesperson, people=people),
        now=NOW,
        warehouse=depot,
        clerk=clerk,
    )
    second = issued_order(
        approved_request(contract, [(product, "4")], now=NOW, requester=salesperson, people=people),
        now=NOW,
        warehouse=depot,
        clerk=clerk,
    )
    receive(depot, product, "5", warehouse)
    queue = selectors.queue(warehouse, office)
    assert [o.pk for o in queue] == [first.pk, second.pk]
    (line,) = queue[0].lines.all()
    assert (line.on_hand, line.short) == (Decimal("5.000"), True)
    assert selectors.queue(other_keeper, office) == []
    ship(first, warehouse, (product, "5"))
    assert [o.pk for o in selectors.backorders(clerk, office)] == [first.pk]
    (line,) = selectors.backorders(clerk, office)[0].lines.all()
    assert (line.remaining, line.on_hand) == (1, 0)
    assert OutboundOrder.objects.get(pk=first.pk).status == "partial"


def test_a_contract_with_an_open_order_keeps_its_terms_and_the_order_ships(
    order, salesperson, warehouse, depot, product
):
    """R-8.3, R-13.1: once goods are requested the contract's terms stay as approved (an
    amendment would leave the order shipping against a draft); the order ships on."""
    from contracts import services as contract_services

    receive(depot, product, "10", warehouse)
    before = row_counts()
    with pytest.raises(DomainError) as refused:
        contract_services.contract_update(
            contract=order.contract, actor=salesperson, now=NOW, payment_terms_days=45
        )
    assert refused.value.code == "requested"
    assert row_counts() == before
    order.contract.refresh_from_db()
    assert (order.contract.status, order.contract.payment_terms_days) == ("signed", 30)
    ship(order, warehouse, (product, "1"))
    assert on_hand(depot, product) == Decimal("9")
