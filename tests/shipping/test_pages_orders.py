"""The pages of demand requests, outbound orders, the warehouse keeper's queue, shipping,
customer confirmations and the follow-up lists (R-13.1–R-13.4), as the people who use them;
the wrong role, another branch and another salesperson refused."""

import datetime
import io
import re
import struct
import zlib
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from contracts.factories import NOW, draft, line
from shipping import services
from shipping.models import Confirmation, DemandRequest, FirstOrderDelay, OutboundOrder, Shipment
from shipping.services import LineInput
from staff.choices import Role
from staff.factories import UserFactory
from stock.models import StockBalance

from .conftest import receive
from .test_smoke_flow import decide_all

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _request(contract, actor, quantities, *, now=NOW) -> DemandRequest:
    return services.request_create(
        actor=actor,
        contract=contract,
        lines=[LineInput(product=p, quantity=Decimal(q)) for p, q in quantities],
        now=now,
    )


def _approved(contract, salesperson, approvers, quantities) -> DemandRequest:
    made = _request(contract, salesperson, quantities)
    services.request_submit(request=made, actor=salesperson, now=NOW)
    return decide_all(made, approvers)


@pytest.fixture
def order(contract, salesperson, clerk, depot, product, cable, approvers):
    """An outbound order of 4 motors and 100 metres of cable from the depot."""
    made = _approved(contract, salesperson, approvers, [(product, "4"), (cable, "100")])
    return services.order_issue(actor=clerk, demand_request=made, warehouse=depot, now=NOW)


@pytest.fixture
def stocked(depot, product, cable, warehouse):
    receive(depot, product, "20", warehouse)
    receive(depot, cable, "500", warehouse)


@pytest.fixture
def shipped(order, stocked, warehouse, product, cable):
    services.order_ship(
        actor=warehouse,
        order=order,
        lines=[LineInput(product=product, quantity=Decimal("4"))],
        now=NOW,
    )
    return order


@pytest.fixture
def red_order(shipped, contract, salesperson, clerk, depot, product, approvers):
    """The red outbound order of a return of 2 of the motors that shipped."""
    ret = services.return_create(
        actor=salesperson,
        contract=contract,
        reason="损坏",
        lines=[LineInput(product=product, quantity=Decimal("2"))],
        now=NOW,
    )
    services.return_submit(ret=ret, actor=salesperson, now=NOW)
    ret = decide_all(ret, approvers)
    return services.red_order_issue(actor=clerk, return_request=ret, warehouse=depot, now=NOW)


@pytest.fixture
def secretary_of(office):
    return UserFactory(username="sec-x", roles=[Role.SECRETARY], offices=[office])


def _on_hand(depot, product) -> Decimal:
    return StockBalance.objects.get(warehouse=depot, product=product).on_hand


def _png() -> bytes:
    """A valid 1×1 PNG."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


# ---------------------------------------------------------------- demand requests


def test_the_salesperson_requests_from_the_contract_and_submits(
    client, contract, salesperson, product, cable, manager
):
    client.force_login(salesperson)
    page = client.get(f"/shipping/requests/new/?contract={contract.pk}")
    assert page.status_code == 200
    lines = {cl.product_id: cl for cl in contract.lines.all()}
    assert f'name="q-{lines[product.pk].pk}"' in page.content.decode()
    r = client.post(
        f"/shipping/requests/new/?contract={contract.pk}",
        {
            "contract": contract.pk,
            f"q-{lines[product.pk].pk}": "6",
            f"q-{lines[cable.pk].pk}": "",
            "note": "先发一半",
            "submit": "1",
        },
    )
    made = DemandRequest.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/shipping/requests/{made.pk}/"
    assert made.status == "pending" and made.note == "先发一半"
    assert [(dl.product_id, dl.quantity) for dl in made.lines.all()] == [(product.pk, 6)]
    page = _text(client.get(r["Location"]))
    assert made.number in page and "待审批" in page and "分部经理" in page


def test_a_quantity_over_what_is_left_comes_back_on_its_row_and_nothing_is_saved(
    client, contract, salesperson, product, cable
):
    _request(contract, salesperson, [(product, "8")])
    lines = {cl.product_id: cl for cl in contract.lines.all()}
    client.force_login(salesperson)
    r = client.post(
        f"/shipping/requests/new/?contract={contract.pk}",
        {
            "contract": contract.pk,
            f"q-{lines[product.pk].pk}": "5",
            f"q-{lines[cable.pk].pk}": "30",
            "note": "急",
        },
    )
    assert r.status_code == 422
    assert DemandRequest.objects.count() == 1
    form = r.context["form"]
    assert form.errors[f"q-{lines[product.pk].pk}"] and f"q-{lines[cable.pk].pk}" not in form.errors
    page = _text(r)
    assert "此行只有 2 台可申请" in page
    # what was typed is kept
    assert 'value="30"' in page and 'value="5"' in page and "急" in page


def test_who_may_open_the_request_form(
    client, contract, manager, warehouse, other_salesperson, clerk, other_manager
):
    url = f"/shipping/requests/new/?contract={contract.pk}"
    client.force_login(clerk)  # the branch's clerk fills one too
    assert client.get(url).status_code == 200
    client.force_login(manager)
    assert client.get(url).status_code == 403
    client.force_login(warehouse)
    assert client.get(url).status_code == 403
    client.force_login(other_salesperson)  # not their contract: it does not exist for them
    assert client.get(url).status_code == 404
    client.force_login(other_manager)
    assert client.get(url).status_code == 403


def test_the_request_list_and_page_by_role(
    client,
    contract,
    salesperson,
    other_salesperson,
    clerk,
    manager,
    director,
    warehouse,
    other_manager,
    product,
):
    made = _request(contract, salesperson, [(product, "3")])
    for user in (salesperson, clerk, manager, director):
        client.force_login(user)
        assert made.number in client.get("/shipping/requests/").content.decode(), user
        assert client.get(f"/shipping/requests/{made.pk}/").status_code == 200, user
    for user in (other_salesperson, other_manager):
        client.force_login(user)
        assert made.number not in client.get("/shipping/requests/").content.decode()
        assert client.get(f"/shipping/requests/{made.pk}/").status_code == 404
    client.force_login(warehouse)
    assert client.get("/shipping/requests/").status_code == 403
    assert client.get(f"/shipping/requests/{made.pk}/").status_code == 404


def test_the_director_sees_the_contract_beside_the_request_in_the_inbox_and_on_its_page(
    client, contract, salesperson, manager, director, product
):
    _request(contract, salesperson, [(product, "4")])
    made = _request(contract, salesperson, [(product, "3")])
    services.request_submit(request=made, actor=salesperson, now=NOW)
    client.force_login(manager)
    inbox = _text(client.get("/approvals/inbox/"))
    assert contract.number in inbox and contract.account.name in inbox
    # requested 3; the contract: ordered 10, shipped 0, left 10 − 4 − 3 = 3
    card = inbox[inbox.index(made.number) :]
    assert re.search(r"3 台.*10.*0.*3", card)
    step = made.approvals().get(state="pending")
    client.post(f"/approvals/{step.pk}/decide/", {"decision": "approve", "comment": ""})
    client.force_login(director)
    page = _text(client.get(f"/shipping/requests/{made.pk}/"))
    assert 'id="decide"' in page and "本申请" in page


def test_withdraw_asks_first(client, contract, salesperson, product):
    made = _request(contract, salesperson, [(product, "3")])
    client.force_login(salesperson)
    page = client.get(f"/shipping/requests/{made.pk}/cancel/")
    assert page.status_code == 200 and made.number in page.content.decode()
    made.refresh_from_db()
    assert made.status == "draft"
    r = client.post(f"/shipping/requests/{made.pk}/cancel/")
    assert r.status_code == 302
    made.refresh_from_db()
    assert made.status == "cancelled"


def test_another_salesperson_cannot_submit_or_withdraw(
    client, contract, salesperson, other_salesperson, product, finance
):
    made = _request(contract, salesperson, [(product, "3")])
    client.force_login(finance)  # sees the branch's contracts, fills no request
    assert client.post(f"/shipping/requests/{made.pk}/submit/").status_code == 403
    assert client.post(f"/shipping/requests/{made.pk}/cancel/").status_code == 403
    client.force_login(other_salesperson)
    assert client.post(f"/shipping/requests/{made.pk}/submit/").status_code == 404
    made.refresh_from_db()
    assert made.status == "draft"


def test_the_clerk_issues_the_outbound_order_with_a_warehouse(
    client, contract, salesperson, clerk, manager, depot, product, approvers
):
    made = _approved(contract, salesperson, approvers, [(product, "4")])
    client.force_login(manager)
    assert 'id="issue-form"' not in client.get(f"/shipping/requests/{made.pk}/").content.decode()
    assert (
        client.post(f"/shipping/requests/{made.pk}/issue/", {"warehouse": depot.pk}).status_code
        == 403
    )
    client.force_login(clerk)
    page = client.get(f"/shipping/requests/{made.pk}/")
    assert 'id="issue-form"' in page.content.decode()
    r = client.post(f"/shipping/requests/{made.pk}/issue/", {"warehouse": ""})
    assert r.status_code == 422 and not OutboundOrder.objects.exists()
    r = client.post(
        f"/shipping/requests/{made.pk}/issue/", {"warehouse": depot.pk, "note": "上午取"}
    )
    order = OutboundOrder.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/shipping/orders/{order.pk}/"
    assert order.warehouse == depot and order.note == "上午取"


# ---------------------------------------------------------------- outbound orders


def test_the_order_list_by_role(
    client,
    order,
    clerk,
    warehouse,
    salesperson,
    manager,
    director,
    other_manager,
    other_salesperson,
    secretary_of,
):
    for user in (clerk, warehouse, salesperson, manager, director):
        client.force_login(user)
        r = client.get("/shipping/orders/")
        assert r.status_code == 200 and order.number in r.content.decode(), user
        assert client.get(f"/shipping/orders/{order.pk}/").status_code == 200, user
    for user in (other_manager, other_salesperson):
        client.force_login(user)
        assert order.number not in client.get("/shipping/orders/").content.decode()
        assert client.get(f"/shipping/orders/{order.pk}/").status_code == 404
    client.force_login(secretary_of)
    assert client.get("/shipping/orders/").status_code == 403
    assert client.get(f"/shipping/orders/{order.pk}/").status_code == 404


def test_the_warehouse_keeper_ships_from_the_page_and_the_stock_falls(
    client, order, stocked, warehouse, depot, product, cable, contract
):
    client.force_login(warehouse)
    page = client.get(f"/shipping/orders/{order.pk}/")
    body = page.content.decode()
    assert 'id="ship-form"' in body and 'id="confirm-form"' not in body
    # no money on a warehouse keeper's page
    assert "1,000.00" not in body and "1,250.00" not in body and str(contract.total) not in body
    lines = {ol.product_id: ol for ol in order.lines.all()}
    r = client.post(
        f"/shipping/orders/{order.pk}/ship/",
        {f"q-{lines[product.pk].pk}": "3", f"q-{lines[cable.pk].pk}": ""},
    )
    assert r.status_code == 302 and r["Location"] == f"/shipping/orders/{order.pk}/"
    assert _on_hand(depot, product) == 17 and _on_hand(depot, cable) == 500
    order.refresh_from_db()
    assert order.status == "partial"
    page = _text(client.get(f"/shipping/orders/{order.pk}/"))
    assert "部分发货" in page


def test_shipping_more_than_in_stock_says_so_and_ships_nothing(
    client, order, warehouse, depot, product, cable
):
    receive(depot, product, "2", warehouse)
    receive(depot, cable, "500", warehouse)
    lines = {ol.product_id: ol for ol in order.lines.all()}
    client.force_login(warehouse)
    r = client.post(
        f"/shipping/orders/{order.pk}/ship/",
        {f"q-{lines[product.pk].pk}": "4", f"q-{lines[cable.pk].pk}": "100"},
    )
    assert r.status_code == 409
    page = _text(r)
    assert 'id="ship-error"' in page and "库存不足" in page
    assert 'value="4"' in page  # what was typed is kept
    assert not Shipment.objects.exists()
    assert _on_hand(depot, product) == 2 and _on_hand(depot, cable) == 500


def test_only_a_warehouse_keeper_of_the_branch_ships(
    client, order, stocked, clerk, other_office, product
):
    keeper_elsewhere = UserFactory(
        username="keeper-x", roles=[Role.WAREHOUSE], offices=[other_office]
    )
    line_id = order.lines.get(product=product).pk
    client.force_login(clerk)
    assert (
        client.post(f"/shipping/orders/{order.pk}/ship/", {f"q-{line_id}": "1"}).status_code == 403
    )
    client.force_login(keeper_elsewhere)
    assert (
        client.post(f"/shipping/orders/{order.pk}/ship/", {f"q-{line_id}": "1"}).status_code == 404
    )
    assert not Shipment.objects.exists()


def test_the_clerk_files_the_confirmation_with_a_photo(
    client, shipped, clerk, warehouse, other_manager, product
):
    line_id = shipped.lines.get(product=product).pk
    client.force_login(warehouse)
    assert 'id="confirm-form"' not in client.get(f"/shipping/orders/{shipped.pk}/").content.decode()
    client.force_login(clerk)
    page = client.get(f"/shipping/orders/{shipped.pk}/").content.decode()
    assert 'id="confirm-form"' in page and 'capture="environment"' in page
    photo = SimpleUploadedFile("IMG_0001.png", _png(), content_type="image/png")
    r = client.post(
        f"/shipping/orders/{shipped.pk}/confirm/",
        {
            "signed_by": "王经理",
            "signed_on": NOW.date().isoformat(),
            f"q-{line_id}": "4",
            "note": "完好",
            "photo": photo,
        },
    )
    assert r.status_code == 302, _text(r)
    confirmation = Confirmation.objects.get()
    assert confirmation.signed_by == "王经理" and confirmation.scan_type == "image/png"
    assert [cl.quantity for cl in confirmation.lines.all()] == [4]
    page = _text(client.get(f"/shipping/orders/{shipped.pk}/"))
    assert "王经理" in page and f"/shipping/confirmations/{confirmation.pk}/scan/" in page
    download = client.get(f"/shipping/confirmations/{confirmation.pk}/scan/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == _png()
    client.force_login(other_manager)
    assert client.get(f"/shipping/confirmations/{confirmation.pk}/scan/").status_code == 404


def test_a_confirmation_over_what_shipped_comes_back_with_its_error(
    client, shipped, clerk, product
):
    line_id = shipped.lines.get(product=product).pk
    client.force_login(clerk)
    r = client.post(
        f"/shipping/orders/{shipped.pk}/confirm/",
        {"signed_by": "王经理", "signed_on": NOW.date().isoformat(), f"q-{line_id}": "9"},
    )
    assert r.status_code == 422 and not Confirmation.objects.exists()
    assert r.context["confirm_form"].errors[f"q-{line_id}"]
    assert "王经理" in r.content.decode()


def test_a_red_order_is_red_negative_and_received_back(
    client, red_order, warehouse, clerk, depot, product
):
    client.force_login(warehouse)
    listing = _text(client.get("/shipping/orders/"))
    assert "red-order" in listing and "红字出库单" in listing and "-2 台" in listing
    page = _text(client.get(f"/shipping/orders/{red_order.pk}/"))
    assert 'id="red-label"' in page and "-2" in page and "收回退货" in page
    assert 'id="confirm-form"' not in page
    before = _on_hand(depot, product)
    line_id = red_order.lines.get().pk
    r = client.post(f"/shipping/orders/{red_order.pk}/ship/", {f"q-{line_id}": "2"})
    assert r.status_code == 302
    assert _on_hand(depot, product) == before + 2
    client.force_login(clerk)
    assert (
        'id="confirm-form"' not in client.get(f"/shipping/orders/{red_order.pk}/").content.decode()
    )


def _pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_delivery_note_and_the_red_orders_pdf(
    client, order, red_order, warehouse, salesperson, other_manager, contract
):
    client.force_login(warehouse)
    r = client.get(f"/shipping/orders/{order.pk}/pdf/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    text = _pdf_text(r.content)
    assert order.number in text and "送货单" in text and contract.account.name in text
    assert "红字出库单" not in text
    client.force_login(salesperson)
    red = client.get(f"/shipping/orders/{red_order.pk}/pdf/")
    assert red.content.startswith(b"%PDF") and red.content != r.content
    red_text = _pdf_text(red.content)
    assert "红字出库单" in red_text and "-2" in red_text and red_order.number in red_text
    client.force_login(other_manager)
    assert client.get(f"/shipping/orders/{order.pk}/pdf/").status_code == 404


# ---------------------------------------------------------------- the queue and follow-up lists


def test_the_warehouse_keepers_queue(client, order, red_order, warehouse, clerk, product):
    client.force_login(warehouse)
    r = client.get("/shipping/queue/")
    assert r.status_code == 200
    page = _text(r)
    # oldest first: the order, then the red order to receive back
    assert page.index(order.number) < page.index(red_order.number)
    assert "收回退货" in page and "一号仓库" in page and contract_name(order) in page
    assert f'href="/shipping/orders/{order.pk}/"' in page
    client.force_login(clerk)
    assert client.get("/shipping/queue/").status_code == 403


def contract_name(order) -> str:
    return order.contract.account.name


def test_the_queue_marks_what_the_stock_does_not_cover(client, order, warehouse, depot, product):
    receive(depot, product, "1", warehouse)
    client.force_login(warehouse)
    page = _text(client.get("/shipping/queue/"))
    assert "short-row" in page and "缺货" in page


def test_the_late_list_and_its_reason(client, contract, clerk, manager, warehouse, salesperson):
    later = NOW + datetime.timedelta(days=5)
    with time_machine.travel(later, tick=False):
        for user in (clerk, manager):
            client.force_login(user)
            page = _text(client.get("/shipping/late/"))
            assert contract.number in page, user
        r = client.post(
            f"/shipping/late/{contract.pk}/reason/",
            {"office": contract.office_id, f"c{contract.pk}-reason": "客户要求推迟"},
        )
        assert r.status_code == 302
        assert FirstOrderDelay.objects.get().reason == "客户要求推迟"
        r = client.post(
            f"/shipping/late/{contract.pk}/reason/",
            {"office": contract.office_id, f"c{contract.pk}-reason": ""},
        )
        assert r.status_code == 422
        assert "客户要求推迟" in _text(client.get("/shipping/late/"))
        for user in (warehouse, salesperson):
            client.force_login(user)
            assert client.get("/shipping/late/").status_code == 403
            assert client.post(
                f"/shipping/late/{contract.pk}/reason/",
                {f"c{contract.pk}-reason": "x"},
            ).status_code in (403, 404)


def test_the_follow_up_lists_of_another_branch_are_refused(client, office, other_manager, director):
    client.force_login(other_manager)
    for path in ("/shipping/late/", "/shipping/backorders/", "/shipping/unconfirmed/"):
        assert client.get(f"{path}?office={office.pk}").status_code == 404
    client.force_login(director)  # the director: any branch
    for path in ("/shipping/late/", "/shipping/backorders/", "/shipping/unconfirmed/"):
        assert client.get(f"{path}?office={office.pk}").status_code == 200


def test_backorders_and_unconfirmed_shipments(client, shipped, clerk, manager, warehouse):
    client.force_login(clerk)
    page = _text(client.get("/shipping/backorders/"))
    assert shipped.number in page  # 4 motors shipped, 100 m of cable owed
    assert shipped.number not in _text(client.get("/shipping/unconfirmed/"))
    with time_machine.travel(NOW + datetime.timedelta(days=8), tick=False):
        client.force_login(manager)
        page = _text(client.get("/shipping/unconfirmed/"))
        assert shipped.number in page and "电机" in page
        client.force_login(warehouse)
        assert client.get("/shipping/unconfirmed/").status_code == 403
        assert client.get("/shipping/backorders/").status_code == 403


# ---------------------------------------------------------------- the contract page and the menu


def test_the_contract_page_shows_its_fulfilment(
    client, shipped, contract, salesperson, clerk, product, account
):
    client.force_login(salesperson)
    page = _text(client.get(f"/contracts/{contract.pk}/"))
    assert 'id="contract-fulfilment"' in page
    motor_line = contract.lines.get(product=product)
    row = page[page.index(f'id="fulfil-{motor_line.pk}"') :]
    row = row[: row.index("</tr>")]
    # ordered 10, requested 4, shipped 4, confirmed 0, returned 0, left to request 6
    assert re.findall(r">\s*([\d.]+)(?: 台)?\s*<", row) == ["10", "4", "4", "0", "0", "6"]
    assert 'id="new-demand-request"' in page and 'id="new-return"' in page
    assert f"/shipping/orders/?contract={contract.pk}" in page
    client.force_login(clerk)
    page = _text(client.get(f"/contracts/{contract.pk}/"))
    assert 'id="new-demand-request"' in page and 'id="new-return"' not in page
    unsigned = draft(account, salesperson, [line(product, "1")])
    assert 'id="contract-fulfilment"' not in _text(client.get(f"/contracts/{unsigned.pk}/"))


def test_the_menu_has_the_shipping_pages_for_their_people(client, warehouse, clerk, salesperson):
    def menu(user):
        client.force_login(user)
        return {i["url"] for i in client.get("/offices/").context["nav_items"]}

    assert "/shipping/queue/" in menu(warehouse)
    assert "/shipping/late/" not in menu(warehouse)
    clerk_menu = menu(clerk)
    assert {"/shipping/late/", "/shipping/requests/", "/shipping/orders/"} <= clerk_menu
    assert "/shipping/queue/" not in clerk_menu
    assert {"/shipping/requests/", "/shipping/orders/"} <= menu(salesperson)


def test_the_lists_read_a_bounded_number_of_queries(
    client,
    contract,
    salesperson,
    clerk,
    warehouse,
    depot,
    product,
    cable,
    approvers,
    django_assert_max_num_queries,
):
    for quantity in ("1", "2", "3"):
        made = _approved(contract, salesperson, approvers, [(product, quantity), (cable, "5")])
        services.order_issue(actor=clerk, demand_request=made, warehouse=depot, now=NOW)
    _request(contract, salesperson, [(product, "1")])
    for user, path in (
        (clerk, "/shipping/requests/"),
        (clerk, "/shipping/orders/"),
        (warehouse, "/shipping/queue/"),
        (clerk, "/shipping/backorders/"),
        (clerk, f"/contracts/{contract.pk}/"),
    ):
        client.force_login(user)
        client.get(path)
        with django_assert_max_num_queries(20):
            assert client.get(path).status_code == 200


def test_a_scan_that_comes_back_later_is_filed_on_its_confirmation(
    client, shipped, clerk, warehouse, product
):
    """R-13.4: a confirmation recorded without its scan gets it later, from the order page,
    by the clerk only; a file that is not a PDF or an image is refused and nothing is kept."""
    line_id = shipped.lines.get(product=product).pk
    client.force_login(clerk)
    r = client.post(
        f"/shipping/orders/{shipped.pk}/confirm/",
        {"signed_by": "王经理", "signed_on": NOW.date().isoformat(), f"q-{line_id}": "4"},
    )
    assert r.status_code == 302, _text(r)
    confirmation = Confirmation.objects.get()
    assert not confirmation.scan
    assert f'id="attach-{confirmation.pk}"' in _text(client.get(f"/shipping/orders/{shipped.pk}/"))
    client.force_login(warehouse)
    photo = SimpleUploadedFile("IMG_0002.png", _png(), content_type="image/png")
    assert (
        client.post(
            f"/shipping/confirmations/{confirmation.pk}/attach/", {"scan": photo}
        ).status_code
        == 403
    )
    client.force_login(clerk)
    text = SimpleUploadedFile("note.png", b"not an image at all", content_type="image/png")
    client.post(f"/shipping/confirmations/{confirmation.pk}/attach/", {"scan": text})
    confirmation.refresh_from_db()
    assert not confirmation.scan
    photo = SimpleUploadedFile("IMG_0002.png", _png(), content_type="image/png")
    r = client.post(f"/shipping/confirmations/{confirmation.pk}/attach/", {"scan": photo})
    assert r.status_code == 302
    confirmation.refresh_from_db()
    assert confirmation.scan_type == "image/png"
    download = client.get(f"/shipping/confirmations/{confirmation.pk}/scan/")
    assert b"".join(download.streaming_content) == _png()
