"""The API of shipping and returns exactly as API.md writes it (second part: /demand-requests/,
/outbound-orders/ with ship/ and confirmation/, /returns/ with submit/ and inspection/): the
fields of each shape, a red order's quantities negative, `400` when a quantity is over what is
left, `409 insufficient_stock`, and who may call what (anonymous 401, wrong role 403, another
branch 404). A refused call saves nothing."""

import pytest
import time_machine

from contracts.factories import NOW
from shipping.factories import (
    approved_request,
    decide_all,
    decide_next,
    issued_order,
    row_counts,
    ship_order,
)
from shipping.models import DemandRequest, OutboundOrder, ReturnRequest
from staff.choices import Role
from staff.factories import UserFactory
from stock.models import StockBalance

from .conftest import receive

pytestmark = pytest.mark.django_db

REQUEST = {"id", "number", "contract", "lines", "status", "approvals"}
ORDER = {"id", "number", "demand_request", "warehouse", "lines", "red", "status"}
ORDER_LINE = {"product", "quantity", "shipped"}
RETURN = {"id", "contract", "lines", "reason", "genuine", "status", "approvals"}
LINE = {"product", "quantity"}
APPROVAL_ROW = {"step", "role", "state", "decided_by", "decided_at", "comment"}
PAGE = {"count", "next", "previous", "results"}
TODAY = "2026-03-10"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def people(approvers, clerk, warehouse):
    return [*approvers, clerk, warehouse]


@pytest.fixture
def other_clerk(other_office):
    return UserFactory(username="clerk-riverside", roles=[Role.CLERK], offices=[other_office])


@pytest.fixture
def other_keeper(other_office):
    return UserFactory(username="keeper-riverside", roles=[Role.WAREHOUSE], offices=[other_office])


def call(api, user, method, path, body=None, **extra):
    api.force_authenticate(user)
    return getattr(api, method)(path, body, format="json", **extra)


def lines(*pairs):
    return [{"product": p.pk, "quantity": q} for p, q in pairs]


@pytest.fixture
def order(contract, salesperson, people, clerk, depot):
    """An outbound order of 10 motors, nothing shipped."""
    from shipping.factories import approved_request

    request = approved_request(
        contract, [(contract.lines.first().product, "10")], now=NOW, requester=salesperson,
        people=people,
    )  # fmt: skip
    return issued_order(request, now=NOW, warehouse=depot, clerk=clerk)


# ---------------------------------------------------------------- /demand-requests/


def test_a_demand_request_as_written(api, contract, salesperson, product, cable, people):
    r = call(
        api, salesperson, "post", "/api/v1/demand-requests/",
        {"contract": contract.pk, "lines": lines((product, "6"), (cable, "40.5"))},
    )  # fmt: skip
    assert r.status_code == 201, r.json()
    body = r.json()
    assert set(body) >= REQUEST and all(set(x) >= LINE for x in body["lines"])
    assert (body["number"], body["contract"], body["status"], body["approvals"]) == (
        "XQ-2026-0001",
        contract.pk,
        "draft",
        [],
    )
    assert [(x["product"], x["quantity"]) for x in body["lines"]] == [
        (product.pk, "6.000"),
        (cable.pk, "40.500"),
    ]
    r = call(api, salesperson, "post", f"/api/v1/demand-requests/{body['id']}/submit/")
    assert r.status_code == 200, r.json()
    submitted = r.json()
    assert submitted["status"] == "pending"
    assert all(set(a) >= APPROVAL_ROW for a in submitted["approvals"])
    assert [(a["step"], a["role"], a["state"]) for a in submitted["approvals"]] == [
        (0, "manager", "pending"),
        (1, "director", "waiting"),
    ]
    decide_all(DemandRequest.objects.get(pk=body["id"]), people, now=NOW)
    listed = call(api, salesperson, "get", "/api/v1/demand-requests/").json()
    assert set(listed) >= PAGE and listed["count"] == 1
    assert set(listed["results"][0]) >= REQUEST and listed["results"][0]["status"] == "approved"


def test_400_when_a_quantity_exceeds_what_the_contract_has_left(
    api, contract, salesperson, product
):
    call(
        api, salesperson, "post", "/api/v1/demand-requests/",
        {"contract": contract.pk, "lines": lines((product, "7"))},
    )  # fmt: skip
    before = row_counts()
    r = call(
        api, salesperson, "post", "/api/v1/demand-requests/",
        {"contract": contract.pk, "lines": lines((product, "3.5"))},
    )  # fmt: skip
    assert r.status_code == 400
    assert "quantity" in r.json()["lines"][0]
    assert row_counts() == before


@pytest.mark.parametrize(
    "body",
    [
        {"lines": []},
        {"lines": [{"product": 999999, "quantity": "1"}]},
        {"lines": [{"quantity": "1"}]},
        {"lines": [{"product": "x", "quantity": "abc"}]},
        {"lines": "lines"},
        {"contract": None},
        {"contract": 999999},
    ],
)
def test_bad_demand_requests_are_400_and_save_nothing(api, contract, salesperson, product, body):
    sent = {"contract": contract.pk, "lines": lines((product, "1")), **body}
    before = row_counts()
    r = call(api, salesperson, "post", "/api/v1/demand-requests/", sent)
    assert r.status_code == 400, r.json()
    assert row_counts() == before


def test_a_product_not_on_the_contract_is_400(api, contract, salesperson, manager):
    from contracts.factories import make_product

    stranger = make_product(manager, "QT-7")
    r = call(
        api, salesperson, "post", "/api/v1/demand-requests/",
        {"contract": contract.pk, "lines": lines((stranger, "1"))},
    )  # fmt: skip
    assert r.status_code == 400 and "product" in r.json()["lines"][0]
    assert not DemandRequest.objects.exists()


def test_who_requests_over_the_api(
    api, contract, product, clerk, warehouse, secretary, other_salesperson, other_clerk
):
    body = {"contract": contract.pk, "lines": lines((product, "1"))}
    assert api.post("/api/v1/demand-requests/", body, format="json").status_code == 401
    assert call(api, warehouse, "post", "/api/v1/demand-requests/", body).status_code == 403
    # a colleague's contract or another branch's is not theirs to name
    assert call(api, other_salesperson, "post", "/api/v1/demand-requests/", body).status_code == 400
    assert call(api, other_clerk, "post", "/api/v1/demand-requests/", body).status_code == 400
    assert not DemandRequest.objects.exists()
    made = call(api, clerk, "post", "/api/v1/demand-requests/", body)
    assert made.status_code == 201
    pk = made.json()["id"]
    assert call(api, other_clerk, "get", f"/api/v1/demand-requests/{pk}/").status_code == 404
    assert call(api, other_salesperson, "get", f"/api/v1/demand-requests/{pk}/").status_code == 404
    r = call(api, other_salesperson, "post", f"/api/v1/demand-requests/{pk}/submit/")
    assert r.status_code == 404
    assert call(api, secretary, "get", "/api/v1/demand-requests/").status_code == 403
    assert call(api, warehouse, "get", "/api/v1/demand-requests/").json()["count"] == 0


# ---------------------------------------------------------------- /outbound-orders/


def test_an_outbound_order_as_written(api, contract, salesperson, people, clerk, depot, product):
    request = approved_request(
        contract, [(product, "10")], now=NOW, requester=salesperson, people=people
    )
    r = call(
        api, clerk, "post", "/api/v1/outbound-orders/",
        {"demand_request": request.pk, "warehouse": depot.pk},
    )  # fmt: skip
    assert r.status_code == 201, r.json()
    body = r.json()
    assert set(body) >= ORDER and all(set(x) >= ORDER_LINE for x in body["lines"])
    assert (body["number"], body["demand_request"], body["warehouse"], body["red"]) == (
        "CK-2026-0001",
        request.pk,
        depot.pk,
        False,
    )
    assert body["status"] == "open" and body["return"] is None
    assert [(x["product"], x["quantity"], x["shipped"]) for x in body["lines"]] == [
        (product.pk, "10.000", "0.000")
    ]
    got = call(api, salesperson, "get", f"/api/v1/demand-requests/{request.pk}/").json()
    assert (got["status"], got["outbound_order"]) == ("issued", body["id"])
    again = call(
        api, clerk, "post", "/api/v1/outbound-orders/",
        {"demand_request": request.pk, "warehouse": depot.pk},
    )  # fmt: skip
    assert again.status_code == 409 and again.json()["code"] == "already_issued"
    assert OutboundOrder.objects.count() == 1


def test_an_order_from_an_unapproved_request_is_409(
    api, contract, salesperson, clerk, depot, product
):
    made = call(
        api, salesperson, "post", "/api/v1/demand-requests/",
        {"contract": contract.pk, "lines": lines((product, "1"))},
    ).json()  # fmt: skip
    r = call(
        api, clerk, "post", "/api/v1/outbound-orders/",
        {"demand_request": made["id"], "warehouse": depot.pk},
    )  # fmt: skip
    assert (r.status_code, r.json()["code"]) == (409, "not_approved")
    assert not OutboundOrder.objects.exists()


def test_who_issues_over_the_api(
    api,
    contract,
    salesperson,
    people,
    clerk,
    depot,
    product,
    other_clerk,
    other_office,
    other_keeper,
):
    from stock.services import warehouse_create

    request = approved_request(
        contract, [(product, "1")], now=NOW, requester=salesperson, people=people
    )
    body = {"demand_request": request.pk, "warehouse": depot.pk}
    assert call(api, salesperson, "post", "/api/v1/outbound-orders/", body).status_code == 403
    assert call(api, other_clerk, "post", "/api/v1/outbound-orders/", body).status_code == 400
    theirs = warehouse_create(office=other_office, code="W9", name="江畔仓库", keeper=other_keeper)
    r = call(api, clerk, "post", "/api/v1/outbound-orders/", {**body, "warehouse": theirs.pk})
    assert r.status_code == 400 and "warehouse" in r.json()
    r = call(api, clerk, "post", "/api/v1/outbound-orders/", {"warehouse": depot.pk})
    assert r.status_code == 400
    assert not OutboundOrder.objects.exists()


def test_ship_partial_409_insufficient_stock_and_400_over_the_line(
    api, order, warehouse, depot, product
):
    path = f"/api/v1/outbound-orders/{order.pk}/ship/"
    before = row_counts()
    r = call(api, warehouse, "post", path, {"lines": lines((product, "4"))})
    assert r.status_code == 409
    assert set(r.json()) >= {"detail", "code"} and r.json()["code"] == "insufficient_stock"
    assert row_counts() == before
    receive(depot, product, "4", warehouse)
    r = call(api, warehouse, "post", path, {"lines": lines((product, "4"))})
    assert r.status_code == 200, r.json()
    body = r.json()
    assert set(body) >= ORDER and body["status"] == "partial"
    assert [(x["quantity"], x["shipped"]) for x in body["lines"]] == [("10.000", "4.000")]
    assert StockBalance.objects.get(warehouse=depot, product=product).on_hand == 0
    receive(depot, product, "100", warehouse)
    before = row_counts()
    r = call(api, warehouse, "post", path, {"lines": lines((product, "6.001"))})
    assert r.status_code == 400 and "quantity" in r.json()["lines"][0]
    assert row_counts() == before
    r = call(api, warehouse, "post", path, {"lines": lines((product, "6"))})
    assert r.json()["status"] == "done"
    r = call(api, warehouse, "post", path, {"lines": lines((product, "1"))})
    assert (r.status_code, r.json()["code"]) == (409, "order_closed")


def test_who_ships_over_the_api(
    api, order, clerk, salesperson, warehouse, depot, product, other_keeper
):
    receive(depot, product, "10", warehouse)
    path = f"/api/v1/outbound-orders/{order.pk}/ship/"
    body = {"lines": lines((product, "1"))}
    assert api.post(path, body, format="json").status_code == 401
    assert call(api, clerk, "post", path, body).status_code == 403
    assert call(api, salesperson, "post", path, body).status_code == 403
    assert call(api, other_keeper, "post", path, body).status_code == 404  # not theirs to see
    assert call(api, other_keeper, "get", f"/api/v1/outbound-orders/{order.pk}/").status_code == 404
    assert order.lines.get().shipped == 0
    # the keeper of the branch sees the order (quantities, no prices) and ships it
    listed = call(api, warehouse, "get", "/api/v1/outbound-orders/").json()
    assert [o["id"] for o in listed["results"]] == [order.pk]
    assert call(api, warehouse, "post", path, body).status_code == 200


def test_a_confirmation_as_written(api, order, clerk, warehouse, depot, product):
    ship_order(order, now=NOW, keeper=warehouse)
    path = f"/api/v1/outbound-orders/{order.pk}/confirmation/"
    r = call(
        api, clerk, "post", path,
        {"signed_by": "王经理", "signed_on": TODAY, "lines": lines((product, "10"))},
    )  # fmt: skip
    assert r.status_code == 201, r.json()
    body = r.json()
    assert set(body) >= {"signed_by", "signed_on", "lines"}
    assert (body["signed_by"], body["signed_on"], body["scan"]) == ("王经理", TODAY, None)
    assert body["lines"] == [{"product": product.pk, "quantity": "10.000"}]
    got = call(api, clerk, "get", f"/api/v1/outbound-orders/{order.pk}/").json()
    assert [c["id"] for c in got["confirmations"]] == [body["id"]]
    scan = f"/api/v1/confirmations/{body['id']}/scan/"
    from django.core.files.uploadedfile import SimpleUploadedFile

    api.force_authenticate(clerk)
    pdf = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    r = api.post(scan, {"scan": pdf}, format="multipart")
    assert r.status_code == 200 and r.json()["scan"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"signed_on": "2026-03-11"}, "signed_on"),  # tomorrow
        ({"signed_on": "2026-02-30"}, "signed_on"),
        ({"signed_by": ""}, "signed_by"),
        ({"lines": [{"product": 0, "quantity": "1"}]}, "lines"),
        ({"quantity": "10.001"}, "lines"),  # over what shipped
    ],
)
def test_a_bad_confirmation_is_400_and_saves_nothing(
    api, order, clerk, warehouse, product, body, field
):
    ship_order(order, now=NOW, keeper=warehouse)
    sent = {"signed_by": "王", "signed_on": TODAY, "lines": lines((product, "10"))}
    if "quantity" in body:
        sent["lines"] = lines((product, body.pop("quantity")))
    sent |= body
    before = row_counts()
    r = call(api, clerk, "post", f"/api/v1/outbound-orders/{order.pk}/confirmation/", sent)
    assert r.status_code == 400 and field in r.json(), r.json()
    assert row_counts() == before


def test_only_the_clerk_confirms(api, order, warehouse, salesperson, product, other_clerk):
    ship_order(order, now=NOW, keeper=warehouse)
    path = f"/api/v1/outbound-orders/{order.pk}/confirmation/"
    body = {"signed_by": "王", "signed_on": TODAY, "lines": lines((product, "1"))}
    assert call(api, warehouse, "post", path, body).status_code == 403
    assert call(api, salesperson, "post", path, body).status_code == 403
    assert call(api, other_clerk, "post", path, body).status_code == 404


def test_list_filters_are_checked(api, order, clerk, contract):
    ok = call(api, clerk, "get", f"/api/v1/outbound-orders/?contract={contract.pk}&status=open")
    assert [o["id"] for o in ok.json()["results"]] == [order.pk]
    none = call(api, clerk, "get", "/api/v1/outbound-orders/?status=done").json()
    assert none["count"] == 0
    for query in ("status=shipped", "contract=abc", "contract=" + "9" * 30):
        assert call(api, clerk, "get", f"/api/v1/outbound-orders/?{query}").status_code == 400


# ---------------------------------------------------------------- /returns/ and red orders


@pytest.fixture
def shipped(order, warehouse):
    ship_order(order, now=NOW, keeper=warehouse)
    return order


def test_a_return_through_inspection_into_a_red_order_as_written(
    api, shipped, contract, salesperson, manager, director, technician, clerk, warehouse, depot,
    product,
):  # fmt: skip
    before = row_counts()
    r = call(
        api, salesperson, "post", "/api/v1/returns/",
        {"contract": contract.pk, "reason": "外壳破损", "lines": lines((product, "10.001"))},
    )  # fmt: skip
    assert r.status_code == 400 and "quantity" in r.json()["lines"][0]  # over shipped − returned
    assert row_counts() == before
    r = call(
        api, salesperson, "post", "/api/v1/returns/",
        {"contract": contract.pk, "reason": "外壳破损", "lines": lines((product, "3"))},
    )  # fmt: skip
    assert r.status_code == 201, r.json()
    body = r.json()
    assert set(body) >= RETURN and all(set(x) >= LINE for x in body["lines"])
    assert (body["contract"], body["reason"], body["genuine"], body["status"]) == (
        contract.pk,
        "外壳破损",
        None,
        "draft",
    )
    pk = body["id"]
    r = call(api, salesperson, "post", f"/api/v1/returns/{pk}/submit/")
    assert r.json()["status"] == "pending"
    assert [(a["role"], a["state"]) for a in r.json()["approvals"]] == [
        ("manager", "pending"),
        ("technician", "waiting"),
        ("director", "waiting"),
    ]
    decide_next(ReturnRequest.objects.get(pk=pk), manager, now=NOW)
    inspection = f"/api/v1/returns/{pk}/inspection/"
    assert call(api, manager, "post", inspection, {"genuine": True}).status_code == 403
    r = call(api, technician, "post", inspection, {"genuine": True})
    assert r.status_code == 200, r.json()
    assert (r.json()["genuine"], r.json()["status"]) == (True, "pending")
    decide_next(ReturnRequest.objects.get(pk=pk), director, now=NOW)
    # the clerk's red outbound order: `{return, warehouse}`, red, quantities negative
    r = call(api, clerk, "post", "/api/v1/outbound-orders/", {"return": pk, "warehouse": depot.pk})
    assert r.status_code == 201, r.json()
    red = r.json()
    assert set(red) >= ORDER
    assert (red["red"], red["return"], red["demand_request"], red["number"]) == (
        True,
        pk,
        None,
        "HC-2026-0001",
    )
    assert [(x["quantity"], x["shipped"]) for x in red["lines"]] == [("-3.000", "0.000")]
    again = call(
        api, clerk, "post", "/api/v1/outbound-orders/", {"return": pk, "warehouse": depot.pk}
    )
    assert (again.status_code, again.json()["code"]) == (409, "already_issued")
    # on a red order, ship/ receives the goods back: stock rises
    r = call(
        api, warehouse, "post", f"/api/v1/outbound-orders/{red['id']}/ship/",
        {"lines": lines((product, "3"))},
    )  # fmt: skip
    assert r.status_code == 200, r.json()
    assert (r.json()["status"], r.json()["lines"][0]["shipped"]) == ("done", "-3.000")
    assert StockBalance.objects.get(warehouse=depot, product=product).on_hand == 3
    got = call(api, salesperson, "get", f"/api/v1/returns/{pk}/").json()
    assert (got["status"], got["red_order"]) == ("received", red["id"])


def test_not_genuine_over_the_api(
    api, shipped, contract, salesperson, manager, technician, product
):
    made = call(
        api, salesperson, "post", "/api/v1/returns/",
        {"contract": contract.pk, "reason": "坏了", "lines": lines((product, "1"))},
    ).json()  # fmt: skip
    call(api, salesperson, "post", f"/api/v1/returns/{made['id']}/submit/")
    decide_next(ReturnRequest.objects.get(pk=made["id"]), manager, now=NOW)
    path = f"/api/v1/returns/{made['id']}/inspection/"
    r = call(api, technician, "post", path, {"genuine": False})
    assert r.status_code == 400 and "note" in r.json()
    r = call(api, technician, "post", path, {"genuine": False, "note": "非本公司产品"})
    assert (r.json()["status"], r.json()["genuine"]) == ("rejected", False)
    r = call(api, salesperson, "post", f"/api/v1/returns/{made['id']}/submit/")
    assert (r.status_code, r.json()["code"]) == (409, "not_genuine")


def test_who_returns_over_the_api(
    api, shipped, contract, product, clerk, other_salesperson, technician, warehouse, secretary
):
    body = {"contract": contract.pk, "reason": "坏了", "lines": lines((product, "1"))}
    assert api.post("/api/v1/returns/", body, format="json").status_code == 401
    assert call(api, clerk, "post", "/api/v1/returns/", body).status_code == 403
    assert call(api, other_salesperson, "post", "/api/v1/returns/", body).status_code == 400
    assert call(api, secretary, "get", "/api/v1/returns/").status_code == 403
    assert call(api, warehouse, "get", "/api/v1/returns/").json()["count"] == 0
    # a technician sees only the returns waiting for their inspection
    assert call(api, technician, "get", "/api/v1/returns/").json()["count"] == 0
    assert not ReturnRequest.objects.exists()


def test_a_red_order_from_an_unapproved_return_is_409(
    api, shipped, contract, salesperson, clerk, depot, product
):
    made = call(
        api, salesperson, "post", "/api/v1/returns/",
        {"contract": contract.pk, "reason": "坏了", "lines": lines((product, "1"))},
    ).json()  # fmt: skip
    r = call(
        api,
        clerk,
        "post",
        "/api/v1/outbound-orders/",
        {"return": made["id"], "warehouse": depot.pk},
    )
    assert (r.status_code, r.json()["code"]) == (409, "not_approved")
    r = call(
        api, clerk, "post", "/api/v1/outbound-orders/",
        {"return": made["id"], "demand_request": shipped.demand_request_id, "warehouse": depot.pk},
    )  # fmt: skip
    assert r.status_code == 400  # one source, not both
    assert not OutboundOrder.objects.filter(red=True).exists()
