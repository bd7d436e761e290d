"""From an enquiry to a filed, registered contract through the pages alone, on phones (390 px):
the issue's "done when" (R-11.1, R-11.3, R-10.2, R-12.1, R-12.2, R-8).

A salesperson logs a major enquiry and asks for the bid decision; the branch manager decides to
bid, then the executive (R-8.5). She makes the quote from the enquiry with a line below list and
its reason; the manager approves it, then the executive. She records it won, makes the contract
from it and submits it; over the account's credit limit and major, it goes to the manager, the
director (R-9.5) and the executive, each step arriving in its approver's inbox only once the
step before is decided (R-8.2). Signed `HT-<year>-0001`; the clerk files it with its scan from
the filing queue; the month's register lists the number."""

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from accounts.factories import AccountFactory
from contracts.models import SalesContract
from quotes.factories import product_with_price
from quotes.models import Enquiry, Quote
from staff.choices import Role
from staff.factories import DEFAULT_PASSWORD, OfficeFactory, UserFactory
from tests.e2e.conftest import PHONE, assert_no_horizontal_scroll, login

pytestmark = pytest.mark.e2e

ACCOUNT = "华东机械有限公司"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
APPROVERS = (Role.MANAGER, Role.DIRECTOR, Role.EXECUTIVE)


@pytest.fixture
def branch(transactional_db) -> dict:
    office = OfficeFactory(name="华东分部", code="east")
    people = {
        role: UserFactory(username=f"j-{role}", roles=[role], offices=[office])
        for role in (Role.SALESPERSON, *APPROVERS, Role.CLERK)
    }
    # a credit limit below the contract's amount: the director's step
    account = AccountFactory(
        office=office,
        author=people[Role.SALESPERSON],
        status="approved",
        name=ACCOUNT,
        credit_limit=Decimal("500000.00"),
    )
    product_with_price(actor=people[Role.MANAGER], code="DJ-100", name="三相电机")
    return {"office": office, "account": account, **people}


def _phone(browser: Browser) -> Page:
    context = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai")
    return context.new_page()


class Inboxes:
    """One logged-in phone per approver, each looking at their inbox."""

    def __init__(self, browser: Browser, live_server):
        self.live_server = live_server
        self.pages = {}
        for role in APPROVERS:
            page = _phone(browser)
            login(page, live_server, f"j-{role}", DEFAULT_PASSWORD)
            self.pages[role] = page

    def cards(self, role: str):
        page = self.pages[role]
        page.goto(f"{self.live_server.url}/approvals/inbox/")
        assert_no_horizontal_scroll(page)
        return page.locator(".approval-card", has_text=ACCOUNT)

    def assert_empty(self, *roles: str) -> None:
        for role in roles:
            expect(self.cards(role)).to_have_count(0)

    def approve(self, role: str, *, expect_text: str = "") -> None:
        card = self.cards(role)
        expect(card).to_have_count(1)
        if expect_text:
            expect(card).to_contain_text(expect_text)
        card.get_by_role("button", name="批准").click()
        expect(card.locator("form.decide-form")).to_have_count(0)

    def decide_in_order(self, *roles: str, expect_text: str = "") -> None:
        """Each step in turn: the later approvers see nothing until the step before is decided."""
        for i, role in enumerate(roles):
            self.assert_empty(*roles[i + 1 :])
            self.approve(role, expect_text=expect_text)
        self.assert_empty(*roles)

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()


def test_an_enquiry_taken_to_a_filed_and_registered_contract_through_the_pages(
    page: Page, browser, live_server, branch
):
    inboxes = Inboxes(browser, live_server)
    try:
        _journey(page, browser, live_server, inboxes, branch)
    finally:
        inboxes.close()


def _journey(page: Page, browser: Browser, live_server, inboxes: Inboxes, branch: dict) -> None:
    url = live_server.url
    year = timezone.localdate().year

    # 1. the salesperson logs the enquiry from her pipeline, and asks for the bid decision
    login(page, live_server, "j-salesperson", DEFAULT_PASSWORD)
    page.goto(f"{url}/contracts/pipeline/")
    page.locator(".contract-links").get_by_role("link", name="询价").click()
    page.get_by_role("link", name="登记询价").click()
    assert_no_horizontal_scroll(page)
    page.locator("#id_account").select_option(str(branch["account"].pk))
    page.locator("#id_source").fill("客户来电")
    deadline = timezone.localdate() + timezone.timedelta(days=10)
    page.locator("#id_deadline").fill(deadline.isoformat())
    page.locator("#id_estimated_amount").fill("570000.00")
    product = page.locator("#id_line-0-product option", has_text="DJ-100").get_attribute("value")
    page.locator("#id_line-0-product").select_option(product)
    page.locator("#id_line-0-quantity").fill("6000")
    page.get_by_role("button", name="保存并请经理决定是否投标").click()
    expect(page.locator("#bid-decision")).to_be_visible()
    enquiry = Enquiry.objects.get()
    assert enquiry.status == "pending"

    # 2. the bid decision: the manager, then (major) the executive; nothing for the director
    inboxes.decide_in_order(Role.MANAGER, Role.EXECUTIVE, expect_text="570,000.00")
    inboxes.assert_empty(Role.DIRECTOR)
    page.reload()
    expect(page.locator(".page-head")).to_contain_text("决定参与")

    # 3. the quote from the enquiry, a line below list with its reason, submitted
    page.locator("#make-quote").click()
    assert_no_horizontal_scroll(page)
    expect(page.locator("#id_line-0-quantity")).to_have_value("6000")
    page.locator("#id_line-0-unit_price").fill("95.00")
    page.locator("#id_line-0-unit_price").press("Tab")
    expect(page.locator("#quote-total")).to_have_text("570,000.00")
    expect(page.locator("#discount-box")).to_be_visible()
    page.locator("#id_discount_reason").fill("年度批量采购")
    page.get_by_role("button", name="保存并提交审批").click()
    expect(page.locator("h1")).to_contain_text("尚未编号")
    quote = Quote.objects.get()
    assert (quote.status, quote.enquiry_id, quote.total) == ("pending", enquiry.pk, 570000)

    # 4. the quote's approval: the manager, then (major) the executive; not below the floor
    inboxes.decide_in_order(Role.MANAGER, Role.EXECUTIVE, expect_text="年度批量采购")
    inboxes.assert_empty(Role.DIRECTOR)
    quote_number = f"BJ-{year}-0001"
    page.reload()
    expect(page.locator("h1")).to_contain_text(quote_number)

    # 5. won; the contract made from it, its lines copied from the quote, submitted
    page.locator("#quote-outcome select[name=result]").select_option("won")
    page.get_by_role("button", name="登记结果").click()
    expect(page.locator(".page-head")).to_contain_text("已成交")
    page.locator("#make-contract").click()
    assert_no_horizontal_scroll(page)
    page.locator("#id_delivery_place").fill("客户一号仓库")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator("#contract-total")).to_have_text("570,000.00")
    expect(page.locator("#contract-chain")).to_contain_text("此单需要：")
    page.get_by_role("button", name="提交审批").click()
    expect(page.locator("#contract-status")).to_have_text("待审批")
    contract = SalesContract.objects.get()
    assert (contract.quote_id, contract.total) == (quote.pk, 570000)

    # 6. the contract's approval: manager, director (over the credit limit), executive (major)
    inboxes.decide_in_order(Role.MANAGER, Role.DIRECTOR, Role.EXECUTIVE, expect_text=ACCOUNT)

    # 7. signed with the branch's first number of the year
    number = f"HT-{year}-0001"
    page.reload()
    expect(page.locator("#contract-status")).to_have_text("已签订")
    expect(page.locator("h1")).to_contain_text(number)
    # the quote's page leads to its contract
    page.goto(f"{url}/quotes/{quote.pk}/")
    expect(page.locator("#quote-contracts")).to_contain_text(number)

    # 8. the clerk files it with its scan from the filing queue
    clerk = _phone(browser)
    try:
        login(clerk, live_server, "j-clerk", DEFAULT_PASSWORD)
        clerk.goto(f"{url}/contracts/filing/")
        queued = clerk.locator(f"#queue-{contract.pk}")
        expect(queued).to_contain_text(number)
        assert_no_horizontal_scroll(clerk)
        queued.locator("input[type=file]").set_input_files(
            {"name": "合同扫描件.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        queued.get_by_role("button", name="归档合同").click()
        expect(clerk.locator(".messages")).to_contain_text(f"{number} 已归档")

        # 9. the register of this month lists the number, filed, nothing flagged
        clerk.locator(".contract-links").get_by_role("link", name="合同登记簿").click()
        clerk.get_by_role("link", name="下个月").click()  # it opens on last month, to close
        row = clerk.locator("#register-1")
        expect(row).to_contain_text(number)
        expect(row).to_contain_text(ACCOUNT)
        expect(row).not_to_have_class("flagged")
        assert_no_horizontal_scroll(clerk)
    finally:
        clerk.context.close()

    contract.refresh_from_db()
    assert (contract.status, contract.number, contract.filed_by) == (
        "signed",
        number,
        branch[Role.CLERK],
    )
