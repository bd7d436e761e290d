"""An after-sales request from the pages of the people who do each step (R-16.1).

The clerk takes the customer's call at the desk, with a photo; the manager confirms it on the
phone; the clerk files it to the technical department; the technician, on a phone, opens the
request from the list, takes it, records the first contact and then the result; the clerk
tells the salesperson and closes it. Every phone page fits 390 px."""

import base64

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from aftersales.models import ServiceRequest
from contracts.factories import approved_account
from staff.choices import Role
from staff.factories import DEFAULT_PASSWORD, OfficeFactory, UserFactory
from tests.e2e.conftest import DESK, PHONE, assert_no_horizontal_scroll, login

pytestmark = pytest.mark.e2e

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJ"
    "RU5ErkJggg=="
)
ROLES = (Role.SALESPERSON, Role.MANAGER, Role.CLERK, Role.TECHNICIAN)


@pytest.fixture
def branch(transactional_db) -> dict:
    office = OfficeFactory(name="华东分部", code="east")
    people = {
        role: UserFactory(username=f"a-{role}", roles=[role], offices=[office]) for role in ROLES
    }
    account = approved_account(office, people[Role.SALESPERSON], name="华东机械有限公司")
    return {"office": office, "people": people, "account": account}


def _context(browser: Browser, viewport: dict):
    context = browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(10_000)
    return context


def test_a_technician_on_a_phone_records_the_contact_and_the_result(
    browser: Browser, live_server, branch, page
):
    account = branch["account"]
    # the clerk takes the call at the desk, with a photo of the broken part
    desk = _context(browser, DESK).new_page()
    login(desk, live_server, f"a-{Role.CLERK}", DEFAULT_PASSWORD)
    desk.goto(f"{live_server.url}/aftersales/new/")
    desk.locator("#id_account").select_option(str(account.pk))
    desk.locator("#id_problem").fill("三相电机异响，无法启动")
    desk.locator("#id_photos").set_input_files(
        files=[{"name": "broken.png", "mimeType": "image/png", "buffer": PNG}]
    )
    desk.locator("#save").click()
    expect(desk.locator("#request-state")).to_have_text("新登记")
    made = ServiceRequest.objects.get()
    assert made.photos.count() == 1
    url = f"{live_server.url}/aftersales/{made.pk}/"

    # the manager confirms on the phone
    manager = _context(browser, PHONE).new_page()
    login(manager, live_server, f"a-{Role.MANAGER}", DEFAULT_PASSWORD)
    manager.goto(url)
    assert_no_horizontal_scroll(manager)
    manager.locator("#id_approve").select_option("1")
    manager.locator("#confirm-submit").click()
    expect(manager.locator("#request-state")).to_have_text("已确认")

    # the clerk files it to the technical department, naming nobody
    desk.goto(url)
    desk.locator("#file-submit").click()
    expect(desk.locator("#request-state")).to_have_text("已转技术部")

    # the technician, on a phone: the list, the request, take it, the contact, the result
    login(page, live_server, f"a-{Role.TECHNICIAN}", DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}/aftersales/")
    assert_no_horizontal_scroll(page)
    page.locator(f"#request-{made.pk} a").click()
    assert_no_horizontal_scroll(page)
    expect(page.locator("#request-photos img")).to_have_count(1)
    page.locator("#take-submit").click()
    expect(page.locator("#request-technician")).to_have_text(str(branch["people"][Role.TECHNICIAN]))
    page.locator("#id_method").select_option("visit")
    page.locator("#id_note").fill("约好下午上门")
    page.locator("#contact-submit").click()
    expect(page.locator("#request-state")).to_have_text("已联系客户")
    assert_no_horizontal_scroll(page)

    # resolved without a result: refused, the status kept
    page.locator("#id_status").fill("已拆机检查")
    page.locator("#id_resolved").check()
    page.locator("#result-submit").click()
    expect(page.locator("#step-result .field-error")).to_be_visible()
    expect(page.locator("#id_status")).to_have_value("已拆机检查")
    page.locator("#id_result").fill("更换轴承，试机正常")
    page.locator("#result-submit").click()
    expect(page.locator("#request-state")).to_have_text("已处理")
    expect(page.locator("#request-result")).to_contain_text("更换轴承")
    assert page.locator("#response-time").inner_text() != "—"
    assert_no_horizontal_scroll(page)

    # the clerk tells the salesperson and closes it
    desk.goto(url)
    desk.once("dialog", lambda dialog: dialog.accept())
    desk.locator("#close-submit").click()
    expect(desk.locator("#request-state")).to_have_text("已结案")
    made.refresh_from_db()
    assert made.state == "closed" and made.closed_at <= timezone.now()
    assert made.technician.username == f"a-{Role.TECHNICIAN}"
