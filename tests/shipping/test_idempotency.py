"""`Idempotency-Key` on the endpoints that make shipping documents and move stock (issue 21;
R-13.2, R-13.3), over HTTP with real threads against PostgreSQL: a shipment posted ten times at
once leaves the warehouse once, an outbound order issued ten times at once is issued once, and
every caller gets the same answer; the key reused with another body is 422 and moves nothing; a
request without a key is not deduplicated; `409 insufficient_stock` can be retried with the same
key once the stock has come in."""

import pytest

from contracts.factories import NOW
from shipping.factories import approved_request, issued_order, row_counts
from shipping.models import OutboundOrder, Shipment
from stock.models import StockBalance, StockMove

from ..receivables.test_idempotency import post, same_key_at_once
from .conftest import receive

pytestmark = pytest.mark.django_db
THREADS = pytest.mark.django_db(transaction=True)  # only the races need committed rows


@pytest.fixture
def people(approvers, clerk, warehouse):
    return [*approvers, clerk, warehouse]


@pytest.fixture
def approved(contract, product, salesperson, people):
    """The salesperson's demand request for 10 motors, approved (R-13.1)."""
    return approved_request(
        contract, [(product, "10")], now=NOW, requester=salesperson, people=people
    )


@pytest.fixture
def order(approved, depot, clerk):
    """Its outbound order, nothing shipped."""
    return issued_order(approved, now=NOW, warehouse=depot, clerk=clerk)


def ship_body(product, quantity: str) -> dict:
    return {"lines": [{"product": product.pk, "quantity": quantity}]}


def on_hand(depot, product):
    return StockBalance.objects.get(warehouse=depot, product=product).on_hand


@THREADS
def test_an_order_issued_then_shipped_ten_times_at_once_is_issued_and_shipped_once(
    approved, depot, product, clerk, warehouse
):
    """R-13.2: one order for the approved request, one number; R-13.3: one shipment, one stock
    move, the balance down by 4 and not by 40. (One test: a threaded test's flush is slow.)"""
    body = {"demand_request": approved.pk, "warehouse": depot.pk}
    issued = same_key_at_once(clerk, "/api/v1/outbound-orders/", body, "issue-1", status=201)
    assert list(OutboundOrder.objects.values_list("pk", flat=True)) == [issued["id"]]
    receive(depot, product, "40", warehouse)
    path = f"/api/v1/outbound-orders/{issued['id']}/ship/"
    first = same_key_at_once(warehouse, path, ship_body(product, "4"), "dock-4", status=200)
    assert (first["status"], first["lines"][0]["shipped"]) == ("partial", "4.000")
    assert Shipment.objects.filter(order_id=issued["id"]).count() == 1
    assert StockMove.objects.filter(kind="outbound").count() == 1
    assert on_hand(depot, product) == 36


def test_a_ship_key_reused_with_another_body_is_422_and_moves_nothing(
    order, depot, product, warehouse
):
    receive(depot, product, "10", warehouse)
    path = f"/api/v1/outbound-orders/{order.pk}/ship/"
    assert post(warehouse, path, ship_body(product, "2"), "dock-2").status_code == 200
    before = row_counts()
    reused = post(warehouse, path, ship_body(product, "3"), "dock-2")
    assert (reused.status_code, reused.json()["code"]) == (422, "idempotency_key_reused")
    assert row_counts() == before
    assert on_hand(depot, product) == 8


def test_without_a_key_each_post_ships_again(order, depot, product, warehouse):
    """No header: the endpoint behaves as before, two posts are two shipments."""
    receive(depot, product, "10", warehouse)
    path = f"/api/v1/outbound-orders/{order.pk}/ship/"
    answers = [post(warehouse, path, ship_body(product, "3")) for _ in range(2)]
    assert [r.status_code for r in answers] == [200, 200]
    assert answers[1].json()["lines"][0]["shipped"] == "6.000"
    assert Shipment.objects.filter(order=order).count() == 2
    assert on_hand(depot, product) == 4


def test_a_shipment_refused_for_stock_ships_with_the_same_key_once_received(
    order, depot, product, warehouse
):
    """R-13.3: `409 insufficient_stock` is not kept under the key: after the goods come in,
    the same key ships, and a further retry replays that shipment."""
    path = f"/api/v1/outbound-orders/{order.pk}/ship/"
    body = ship_body(product, "5")
    refused = post(warehouse, path, body, "dock-5")
    assert (refused.status_code, refused.json()["code"]) == (409, "insufficient_stock")
    assert not Shipment.objects.exists()
    receive(depot, product, "5", warehouse)
    shipped = post(warehouse, path, body, "dock-5")
    assert shipped.status_code == 200 and shipped.get("Idempotent-Replayed") is None
    again = post(warehouse, path, body, "dock-5")
    assert again.get("Idempotent-Replayed") == "true" and again.content == shipped.content
    assert Shipment.objects.count() == 1 and on_hand(depot, product) == 0
