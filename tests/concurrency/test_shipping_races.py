"""Races of shipping and returns (R-13.1, R-13.3, R-13.5, R-10.3), real threads against
PostgreSQL.

Every write of shipping.services locks the contract's row first (then the document's, then the
stock balances in (warehouse, product) order), so that two people racing for the last units
are served one after the other and the second sees what the first did:

- two shipments for the last units in stock: one ships, the other is refused with `409
  insufficient_stock`, and the stock is 0, never negative;
- two demand requests for the last quantity of a contract: one is made, the other refused;
- two red outbound orders for one return: one is issued, the other `already_issued`;
- two returns for the last shipped units: one is recorded, the other refused.

Each race runs several rounds; every outcome is asserted.
"""

import datetime
from collections import Counter
from decimal import Decimal

import pytest
from rest_framework.exceptions import ValidationError
from rest_framework.test import APIClient

from common.errors import DomainError
from contracts.factories import approved_account, line, make_product, signed
from shipping import progress, services
from shipping.factories import approved_request, decide_all, issued_order, ship_order, stock_up
from shipping.models import DemandRequest, OutboundOrder, ReturnRequest, Shipment
from shipping.services import LineInput
from staff.choices import Role
from staff.factories import UserFactory
from stock.models import StockBalance, StockMove
from stock.services import warehouse_create

from .harness import Outcome, run_together

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 4
T0 = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)


def describe(outcomes: list[Outcome]) -> str:
    return "; ".join(f"{i}: {o.error!r}" for i, o in enumerate(outcomes) if o.error)


@pytest.fixture
def world(office, salesperson, manager, director, clerk, warehouse):
    executive = UserFactory(username="r-exec", roles=[Role.EXECUTIVE], offices=[office])
    technician = UserFactory(username="r-tech", roles=[Role.TECHNICIAN], offices=[office])
    keeper2 = UserFactory(username="r-keeper2", roles=[Role.WAREHOUSE], offices=[office])
    clerk2 = UserFactory(username="r-clerk2", roles=[Role.CLERK], offices=[office])
    people = [manager, director, executive, technician, clerk, warehouse]
    return {
        "product": make_product(manager, now=T0),
        "account": approved_account(office, salesperson, credit_limit="100000000.00"),
        "depot": warehouse_create(office=office, code="W1", name="一号仓库", keeper=warehouse),
        "people": people,
        "keeper2": keeper2,
        "clerk2": clerk2,
        "technician": technician,
    }


def contract_of(world, salesperson, quantity: str):
    return signed(
        world["account"], salesperson, [line(world["product"], quantity)], world["people"], now=T0
    )


def on_hand(world) -> Decimal:
    row = StockBalance.objects.filter(warehouse=world["depot"], product=world["product"]).first()
    return row.on_hand if row else Decimal("0")


# ----------------------------------------------------------------


def test_two_shipments_for_the_last_units_one_409_stock_zero(world, salesperson, clerk, warehouse):
    """Two orders of 5 each, 5 in stock: the two keepers of the branch ship at once over HTTP;
    one 200, one 409 insufficient_stock; the stock is 0 and the ledger sums to it. Even rounds
    the orders are of one contract (its row lock serves them in turn), odd rounds of two (the
    stock balance's lock does)."""
    product = world["product"]
    for n in range(ROUNDS):
        contract = contract_of(world, salesperson, "10")
        request = approved_request(
            contract, [(product, "5")], now=T0, requester=salesperson, people=world["people"]
        )
        first = issued_order(request, now=T0, warehouse=world["depot"], clerk=clerk)
        if n % 2:
            contract = contract_of(world, salesperson, "10")
        request = approved_request(
            contract, [(product, "5")], now=T0, requester=salesperson, people=world["people"]
        )
        second = issued_order(request, now=T0, warehouse=world["depot"], clerk=clerk)
        stock_up(world["depot"], product, "5", actor=warehouse, now=T0)
        assert on_hand(world) == 5

        def post(keeper, order):
            def call():
                api = APIClient()
                api.force_authenticate(keeper)
                return api.post(
                    f"/api/v1/outbound-orders/{order.pk}/ship/",
                    {"lines": [{"product": product.pk, "quantity": "5"}]},
                    format="json",
                )

            return call

        outcomes = run_together([post(warehouse, first), post(world["keeper2"], second)])
        assert [o.error for o in outcomes] == [None, None], describe(outcomes)
        answers = Counter(
            (
                o.value.status_code,
                o.value.json().get("code") if o.value.status_code != 200 else None,
            )
            for o in outcomes
        )
        assert answers == {(200, None): 1, (409, "insufficient_stock"): 1}, n
        assert on_hand(world) == 0
        ledger = sum(
            StockMove.objects.filter(warehouse=world["depot"], product=product).values_list(
                "quantity", flat=True
            )
        )
        assert ledger == 0
        statuses = sorted(
            OutboundOrder.objects.filter(pk__in=[first.pk, second.pk]).values_list(
                "status", flat=True
            )
        )
        assert statuses == ["done", "open"]
        assert Shipment.objects.filter(order__in=[first, second]).count() == 1


def test_two_partial_shipments_of_one_order_never_exceed_it(world, salesperson, clerk, warehouse):
    """The same order shipped by two keepers at once, 6 and 6 of 10 with stock for both: one
    ships, the other is refused (only 4 are left on the line), the line is never over-shipped."""
    product = world["product"]
    for _n in range(ROUNDS):
        contract = contract_of(world, salesperson, "10")
        request = approved_request(
            contract, [(product, "10")], now=T0, requester=salesperson, people=world["people"]
        )
        order = issued_order(request, now=T0, warehouse=world["depot"], clerk=clerk)
        stock_up(world["depot"], product, "12", actor=warehouse, now=T0)

        def ship(keeper, order=order):
            return lambda: services.order_ship(
                actor=keeper,
                order=order,
                lines=[LineInput(product=product, quantity=Decimal("6"))],
                now=T0,
            )

        outcomes = run_together([ship(warehouse), ship(world["keeper2"])])
        errors = [o.error for o in outcomes if o.error is not None]
        assert len(errors) == 1 and isinstance(errors[0], ValidationError), describe(outcomes)
        assert order.lines.get().shipped == 6
        assert on_hand(world) == 6
        ship_order(OutboundOrder.objects.get(pk=order.pk), now=T0, keeper=warehouse)


# ----------------------------------------------------------------


def test_two_demand_requests_for_the_last_quantity_one_refused(world, salesperson, clerk):
    """The salesperson and the clerk request the contract's 10 units at once (6 each): one
    request is made, the other refused; the contract is never over-requested."""
    product = world["product"]
    for _n in range(ROUNDS):
        contract = contract_of(world, salesperson, "10")

        def ask(actor, contract=contract):
            return lambda: services.request_create(
                actor=actor,
                contract=contract,
                lines=[LineInput(product=product, quantity=Decimal("6"))],
                now=T0,
            )

        outcomes = run_together([ask(salesperson), ask(clerk)])
        errors = [o.error for o in outcomes if o.error is not None]
        assert len(errors) == 1 and isinstance(errors[0], ValidationError), describe(outcomes)
        assert "quantity" in errors[0].detail["lines"][0]
        assert DemandRequest.objects.filter(contract=contract).count() == 1
        (figures,) = progress.contract_progress(contract)
        assert (figures.requested, figures.left_to_request) == (6, 4)


def test_two_demand_requests_over_http_one_201_one_400(world, salesperson, clerk):
    product = world["product"]
    contract = contract_of(world, salesperson, "10")

    def post(actor):
        def call():
            api = APIClient()
            api.force_authenticate(actor)
            return api.post(
                "/api/v1/demand-requests/",
                {"contract": contract.pk, "lines": [{"product": product.pk, "quantity": "10"}]},
                format="json",
            )

        return call

    outcomes = run_together([post(salesperson), post(clerk), post(salesperson)])
    assert [o.error for o in outcomes] == [None] * 3, describe(outcomes)
    assert Counter(o.value.status_code for o in outcomes) == {201: 1, 400: 2}
    assert DemandRequest.objects.filter(contract=contract).count() == 1


# ----------------------------------------------------------------


def _shipped_contract(world, salesperson, clerk, warehouse, quantity="5"):
    product = world["product"]
    contract = contract_of(world, salesperson, quantity)
    request = approved_request(
        contract, [(product, quantity)], now=T0, requester=salesperson, people=world["people"]
    )
    order = issued_order(request, now=T0, warehouse=world["depot"], clerk=clerk)
    ship_order(order, now=T0, keeper=warehouse)
    return contract


def test_two_red_orders_for_one_return_one_already_issued(world, salesperson, clerk, warehouse):
    """The branch's two clerks issue the red outbound order of the same approved return at
    once: one is issued, the other `already_issued`; one red order, its number taken once."""
    product = world["product"]
    for _n in range(ROUNDS):
        contract = _shipped_contract(world, salesperson, clerk, warehouse)
        ret = services.return_create(
            actor=salesperson,
            contract=contract,
            reason="损坏",
            lines=[LineInput(product=product, quantity=Decimal("2"))],
            now=T0,
        )
        services.return_submit(ret=ret, actor=salesperson, now=T0)
        ret = decide_all(ret, world["people"], now=T0)
        assert ret.status == "approved"

        def issue(actor, ret=ret):
            return lambda: services.red_order_issue(
                actor=actor, return_request=ret, warehouse=world["depot"], now=T0
            )

        outcomes = run_together([issue(clerk), issue(world["clerk2"])])
        errors = [o.error for o in outcomes if o.error is not None]
        assert len(errors) == 1, describe(outcomes)
        assert isinstance(errors[0], DomainError) and errors[0].code == "already_issued"
        assert OutboundOrder.objects.filter(return_request=ret).count() == 1
        ret.refresh_from_db()
        assert ret.status == "issued"
    numbers = list(OutboundOrder.objects.filter(red=True).values_list("number", flat=True))
    assert sorted(numbers) == [f"HC-2026-{n:04d}" for n in range(1, ROUNDS + 1)]


def test_two_returns_for_the_last_shipped_units_one_refused(world, salesperson, clerk, warehouse):
    """The account's owner and its deputy record a return of 3 of the 5 shipped at once: one
    is recorded, the other refused (only 2 are left to return)."""
    product = world["product"]
    deputy = UserFactory(
        username="r-deputy", roles=[Role.SALESPERSON], offices=[world["account"].office]
    )
    world["account"].deputy = deputy
    world["account"].save(update_fields=["deputy"])
    for _n in range(ROUNDS):
        contract = _shipped_contract(world, salesperson, clerk, warehouse)

        def give_back(actor, contract=contract):
            return lambda: services.return_create(
                actor=actor,
                contract=contract,
                reason="损坏",
                lines=[LineInput(product=product, quantity=Decimal("3"))],
                now=T0,
            )

        outcomes = run_together([give_back(salesperson), give_back(deputy)])
        errors = [o.error for o in outcomes if o.error is not None]
        assert len(errors) == 1 and isinstance(errors[0], ValidationError), describe(outcomes)
        assert ReturnRequest.objects.filter(contract=contract).count() == 1
        (figures,) = progress.contract_progress(contract)
        assert (figures.returning, figures.left_to_return) == (3, 2)
