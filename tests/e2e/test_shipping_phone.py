"""Goods out and goods back, from the pages of the people who do each step (R-13).

- The warehouse keeper opens the queue on the phone, opens the order and ships it, part now and
  the rest later; the stock falls each time (R-13.3). The clerk records the customer's
  confirmation on the phone with a photo taken there (R-13.4); it shows on the order and its
  photo downloads.
- A return travels (R-13.5): the salesperson records it on the phone and submits it; the branch
  manager confirms it in the inbox at the desk; the technician finds the goods genuine on the
  phone; the director approves it in the inbox; the clerk issues the red outbound order at the
  desk; the keeper receives the goods back from the queue on the phone and the stock rises.

Every phone page fits 390 px."""

import base64
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, Page, expect

from approvals.services import approval_decide
from contracts.factories import approved_account, line, make_product, signed
from shipping import services
from shipping.choices import OrderStatus, ReturnStatus
from shipping.models import Confirmation, OutboundOrder, ReturnRequest
from shipping.services import LineInput
from staff.choices import Role
from staff.factories import DEFAULT_PASSWORD, OfficeFactory, UserFactory
from stock.models import StockBalance
from stock.services import stock_receive, warehouse_create
from tests.e2e.conftest import DESK, PHONE, assert_no_horizontal_scroll, login

pytestmark = pytest.mark.e2e

# a 1×1 PNG, as a phone's camera would hand it over (its bytes are what the upload is judged by)
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJ"
    "RU5ErkJggg=="
)
ROLES = (
    Role.SALESPERSON,
    Role.MANAGER,
    Role.DIRECTOR,
    Role.CLERK,
    Role.WAREHOUSE,
    Role.TECHNICIAN,
)


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return gettext(text)


@pytest.fixture
def branch(transactional_db) -> dict:
    """A branch with one person per role, a warehouse holding 20 motors, and a signed contract
    of 10 motors whose demand request is approved."""
    now = timezone.now()
    office = OfficeFactory(name="华东分部", code="east")
    people = {
        role: UserFactory(username=f"s-{role}", roles=[role], offices=[office]) for role in ROLES
    }
    account = approved_account(office, people[Role.SALESPERSON], name="华东机械有限公司")
    product = make_product(people[Role.MANAGER], "DJ-100", name="三相电机", now=now)
    depot = warehouse_create(
        office=office, code="W1", name="一号仓库", keeper=people[Role.WAREHOUSE]
    )
    stock_receive(
        warehouse=depot, product=product, quantity=Decimal("20"), supplier="供应商",
        actor=people[Role.WAREHOUSE], now=now,
    )  # fmt: skip
    approvers = [people[Role.MANAGER], people[Role.DIRECTOR]]
    contract = signed(account, people[Role.SALESPERSON], [line(product, "10")], approvers, now=now)
    request = services.request_create(
        actor=people[Role.SALESPERSON], contract=contract, now=now,
        lines=[LineInput(product=product, quantity=Decimal("10"))],
    )  # fmt: skip
    services.request_submit(request=request, actor=people[Role.SALESPERSON], now=now)
    for approver in approvers:
        step = request.approvals().get(state="pending")
        approval_decide(approval=step, actor=approver, decision="approve", comment="", now=now)
    request.refresh_from_db()
    return {
        "office": office,
        "product": product,
        "depot": depot,
        "contract": contract,
        "request": request,
        "now": now,
        **people,
    }


def on_hand(branch) -> Decimal:
    return StockBalance.objects.get(warehouse=branch["depot"], product=branch["product"]).on_hand


def open_page(browser: Browser, viewport: dict) -> Page:
    context = browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(10_000)
    return context.new_page()


def issued_order(branch) -> OutboundOrder:
    return services.order_issue(
        actor=branch[Role.CLERK],
        demand_request=branch["request"],
        warehouse=branch["depot"],
        now=branch["now"],
    )


def test_the_keeper_ships_from_the_queue_and_the_clerk_files_the_confirmation(
    page: Page, browser, live_server, branch
):
    order = issued_order(branch)
    order_line = order.lines.get()

    # the keeper: the queue on the phone, the order, 4 of the 10 motors now
    login(page, live_server, "s-warehouse", DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}/shipping/queue/")
    card = page.locator(f"#queue-{order.pk}")
    expect(card).to_contain_text(order.number)
    expect(card).to_contain_text("华东机械有限公司")
    expect(card).to_contain_text("一号仓库")
    assert_no_horizontal_scroll(page)
    card.locator("a.button").click()
    expect(page.locator("h1")).to_contain_text(order.number)
    quantity = page.locator(f"#id_q-{order_line.pk}")
    expect(quantity).to_have_value("10")  # prefilled with what remains
    assert_no_horizontal_scroll(page)
    quantity.fill("4")
    page.locator("#ship-button").click()
    expect(page.locator("#order-status")).to_have_text(zh(OrderStatus.PARTIAL.label))
    expect(page.locator(f"#line-{order_line.pk}")).to_contain_text("16")  # on hand
    assert on_hand(branch) == 16
    assert_no_horizontal_scroll(page)

    # the rest, later: back in the queue with 6 to pick, shipped in full
    page.locator("#back-to-queue").click()
    expect(page.locator(f"#queue-{order.pk} .pick .qty")).to_contain_text("6")
    page.locator(f"#queue-{order.pk} a.button").click()
    expect(page.locator(f"#id_q-{order_line.pk}")).to_have_value("6")
    page.locator("#ship-button").click()
    expect(page.locator("#order-status")).to_have_text(zh(OrderStatus.DONE.label))
    expect(page.locator("#ship-form")).to_have_count(0)
    expect(page.locator("#order-shipments .visit-row")).to_have_count(2)
    assert on_hand(branch) == 10
    order.refresh_from_db()
    branch["contract"].refresh_from_db()
    assert order.status == "done" and branch["contract"].status == "fulfilled"
    page.goto(f"{live_server.url}/shipping/queue/")
    expect(page.locator(f"#queue-{order.pk}")).to_have_count(0)

    # the clerk, on her phone at the customer's: who signed, what arrived, a photo of the form
    clerk = open_page(browser, PHONE)
    login(clerk, live_server, "s-clerk", DEFAULT_PASSWORD)
    clerk.goto(f"{live_server.url}/shipping/orders/{order.pk}/")
    assert_no_horizontal_scroll(clerk)
    clerk.locator("#id_signed_by").fill("王经理")
    clerk.locator(f"#id_q-{order_line.pk}").fill("10")
    clerk.locator("#id_photo").set_input_files(
        {"name": "confirmation.png", "mimeType": "image/png", "buffer": PNG}
    )
    clerk.locator("#confirm-button").click()
    confirmation = Confirmation.objects.get()
    row = clerk.locator(f"#confirmation-{confirmation.pk}")
    expect(row).to_contain_text("王经理")
    expect(row).to_contain_text("10")
    confirmed = clerk.locator(f"#line-{order_line.pk} td").nth(4)
    expect(confirmed).to_have_text("10")
    expect(clerk.locator("#confirm-form")).to_have_count(0)  # nothing left to confirm
    assert_no_horizontal_scroll(clerk)
    photo = clerk.request.get(f"{live_server.url}/shipping/confirmations/{confirmation.pk}/scan/")
    assert photo.status == 200 and photo.body() == PNG
    assert confirmation.scan_type == "image/png"
    clerk.context.close()


def _approve_in_inbox(desk: Page, live_server, number: str) -> None:
    desk.goto(f"{live_server.url}/approvals/inbox/")
    card = desk.locator(".approval-card", has_text=number)
    card.get_by_role("button", name=zh("Approve")).click()
    expect(card.locator("form.decide-form")).to_have_count(0)


def test_a_return_travels_from_the_customer_back_into_stock(
    page: Page, desk_page: Page, browser, live_server, branch
):
    order = issued_order(branch)
    services.order_ship(
        actor=branch[Role.WAREHOUSE], order=order, now=branch["now"],
        lines=[LineInput(product=branch["product"], quantity=Decimal("10"))],
    )  # fmt: skip
    assert on_hand(branch) == 10
    contract = branch["contract"]

    # the salesperson records the customer's return on the phone and submits it
    login(page, live_server, "s-salesperson", DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}/shipping/returns/new/?contract={contract.pk}")
    assert_no_horizontal_scroll(page)
    page.locator("#id_reason").fill("两台电机外壳运输中磕坏")
    page.locator("#id_lines-0-quantity").fill("2")
    page.locator("#save-return").click()
    ret = ReturnRequest.objects.get()
    expect(page.locator("h1")).to_contain_text(ret.number)
    page.locator("#submit-return").click()
    expect(page.locator("#return-status")).to_have_text(zh(ReturnStatus.PENDING.label))
    assert_no_horizontal_scroll(page)

    # the branch manager confirms it in the inbox, at the desk
    login(desk_page, live_server, "s-manager", DEFAULT_PASSWORD)
    _approve_in_inbox(desk_page, live_server, ret.number)

    # the technician inspects the goods on the phone: genuine
    technician = open_page(browser, PHONE)
    login(technician, live_server, "s-technician", DEFAULT_PASSWORD)
    technician.goto(f"{live_server.url}/shipping/returns/{ret.pk}/")
    assert_no_horizontal_scroll(technician)
    technician.locator("#inspect-form input[value=yes]").check()
    technician.locator("#id_note").fill("铭牌、编号与出库记录一致")
    technician.locator("#record-inspection").click()
    expect(technician.locator("#inspection-result")).to_contain_text(zh("Genuine"))
    technician.context.close()

    # the director approves the red-letter request in the inbox
    director = open_page(browser, DESK)
    login(director, live_server, "s-director", DEFAULT_PASSWORD)
    _approve_in_inbox(director, live_server, ret.number)
    director.context.close()
    ret.refresh_from_db()
    assert ret.status == "approved" and ret.genuine is True

    # the clerk issues the red outbound order at the desk, naming the warehouse
    clerk = open_page(browser, DESK)
    login(clerk, live_server, "s-clerk", DEFAULT_PASSWORD)
    clerk.goto(f"{live_server.url}/shipping/returns/{ret.pk}/")
    clerk.locator("#id_warehouse").select_option(str(branch["depot"].pk))
    clerk.locator("#issue-red-order").click()
    expect(clerk.locator("#red-label")).to_be_visible()
    red = OutboundOrder.objects.get(red=True)
    expect(clerk.locator("h1")).to_contain_text(red.number)
    clerk.context.close()

    # the keeper receives the goods back from the queue on the phone: the stock rises
    keeper = open_page(browser, PHONE)
    login(keeper, live_server, "s-warehouse", DEFAULT_PASSWORD)
    keeper.goto(f"{live_server.url}/shipping/queue/")
    card = keeper.locator(f"#queue-{red.pk}")
    expect(card).to_contain_text(red.number)
    assert_no_horizontal_scroll(keeper)
    card.locator("a.button").click()
    red_line = red.lines.get()
    expect(keeper.locator(f"#id_q-{red_line.pk}")).to_have_value("2")
    keeper.locator("#ship-button").click()
    expect(keeper.locator("#order-status")).to_have_text(zh("Goods received back"))
    assert_no_horizontal_scroll(keeper)
    keeper.context.close()
    assert on_hand(branch) == 12
    ret.refresh_from_db()
    assert ret.status == "received"

    # the salesperson sees the return back in stock on its page
    page.goto(f"{live_server.url}/shipping/returns/{ret.pk}/")
    expect(page.locator("#return-status")).to_have_text(zh(ReturnStatus.RECEIVED.label))
