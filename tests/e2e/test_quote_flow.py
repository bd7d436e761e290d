"""A quote with a discount from draft to PDF on phones (R-11.3, R-10.2, R-8): the salesperson
drafts a quote with a line below the floor price and its reason in the editor, whose totals and
approval chain the server computes as she types; the branch manager and then the head of the
sales department approve it from their inboxes; the salesperson downloads the numbered PDF."""

import datetime
import io

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from accounts.factories import AccountFactory
from quotes.factories import product_with_price
from quotes.models import Quote
from staff.choices import Role
from staff.factories import DEFAULT_PASSWORD, OfficeFactory, UserFactory
from tests.e2e.conftest import PHONE, assert_no_horizontal_scroll, login

pytestmark = pytest.mark.e2e


@pytest.fixture
def branch(transactional_db) -> dict:
    office = OfficeFactory(name="华东分部", code="east")
    people = {
        role: UserFactory(username=f"q-{role}", roles=[role], offices=[office])
        for role in (Role.SALESPERSON, Role.MANAGER, Role.DIRECTOR)
    }
    account = AccountFactory(
        office=office, author=people[Role.SALESPERSON], status="approved", name="华东机械有限公司"
    )
    product_with_price(actor=people[Role.MANAGER], code="DJ-100", name="三相电机")
    return {"office": office, "account": account, **people}


def _phone(browser: Browser) -> Page:
    context = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai")
    return context.new_page()


def _approve_from_inbox(page: Page, live_server, username: str) -> None:
    login(page, live_server, username, DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}/approvals/inbox/")
    card = page.locator(".approval-card", has_text="华东机械有限公司")
    expect(card).to_contain_text("优惠销售申请")
    expect(card).to_contain_text("老客户年度框架协议")
    expect(card).to_contain_text("此单需要：分部经理 → 销售部经理（低于底价）")
    assert_no_horizontal_scroll(page)
    card.get_by_role("button", name="批准").click()
    expect(card.locator("form.decide-form")).to_have_count(0)  # decided: the card says so


def test_a_discounted_quote_approved_on_phones_and_printed(
    page: Page, browser, live_server, branch
):
    login(page, live_server, "q-salesperson", DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}/quotes/new/?account={branch['account'].pk}")
    assert_no_horizontal_scroll(page)

    # the product's list and floor prices appear, its list price fills the unit price
    product = page.locator("#id_line-0-product option", has_text="DJ-100").get_attribute("value")
    page.locator("#id_line-0-product").select_option(product)
    expect(page.locator("#id_line-0-unit_price")).to_have_value("100.00")
    expect(page.locator("#editor-live")).to_contain_text("底价 80.00")
    page.locator("#id_line-0-quantity").fill("200")
    page.locator("#id_line-0-quantity").press("Tab")
    expect(page.locator("#quote-total")).to_have_text("20,000.00")
    expect(page.locator("#quote-chain")).to_have_text("此单需要：分部经理")

    # below the floor: the discount request and the director's step appear
    page.locator("#id_line-0-unit_price").fill("75.00")
    page.locator("#id_line-0-unit_price").press("Tab")
    expect(page.locator("#quote-total")).to_have_text("15,000.00")
    expect(page.locator("#quote-chain")).to_have_text("此单需要：分部经理 → 销售部经理（低于底价）")
    expect(page.locator("#discount-box")).to_be_visible()
    page.locator("#id_discount_reason").fill("老客户年度框架协议")
    page.locator("#id_delivery_terms").fill("合同签订后15日内送货")
    page.get_by_role("button", name="保存并提交审批").click()

    expect(page.locator("h1")).to_contain_text("尚未编号")
    expect(page.locator("#discount-request")).to_contain_text("老客户年度框架协议")
    assert_no_horizontal_scroll(page)
    quote = Quote.objects.get()
    assert (quote.status, quote.total) == ("pending", 15000)

    for username in ("q-manager", "q-director"):
        approver = _phone(browser)
        try:
            _approve_from_inbox(approver, live_server, username)
        finally:
            approver.context.close()

    quote.refresh_from_db()
    number = f"BJ-{timezone.localdate().year}-0001"
    assert (quote.status, quote.number) == ("approved", number)
    page.reload()
    expect(page.locator("h1")).to_contain_text(number)
    with page.expect_download() as download:
        page.locator("#quote-pdf").click()
    assert download.value.suggested_filename == f"{number}.pdf"
    with open(download.value.path(), "rb") as pdf:
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read())).pages)
    for expected in (number, "报价单", "华东机械有限公司", "15,000.00", "合同签订后15日内送货"):
        assert expected in text, expected
    assert quote.valid_until >= timezone.localdate() + datetime.timedelta(days=29)
