"""A sales contract from draft to the filing cabinet on phones (R-12.1, R-12.2, R-8): the
salesperson drafts it in the editor and submits it; the branch manager approves it from the
inbox; it is signed with the branch's next number; the clerk files it with its scan from the
filing queue, and the scan downloads from the contract's page. Every page fits 390 px."""

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Browser, Page, expect

from approvals.chains import role_name
from contracts.factories import approved_account, make_product
from contracts.models import SalesContract
from staff.choices import Role
from staff.factories import DEFAULT_PASSWORD, OfficeFactory, UserFactory
from tests.e2e.conftest import PHONE, assert_no_horizontal_scroll, login

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def branch(transactional_db) -> dict:
    office = OfficeFactory(name="华东分部", code="east")
    people = {
        role: UserFactory(username=f"c-{role}", roles=[role], offices=[office])
        for role in (Role.SALESPERSON, Role.MANAGER, Role.CLERK)
    }
    account = approved_account(office, people[Role.SALESPERSON], name="华东机械有限公司")
    product = make_product(people[Role.MANAGER], "DJ-100", name="三相电机", now=timezone.now())
    return {"office": office, "account": account, "product": product, **people}


def _phone(browser: Browser) -> Page:
    context = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai")
    return context.new_page()


def _manager_label() -> str:
    with translation.override("zh-hans"):
        return role_name(Role.MANAGER)


def test_a_contract_drafted_approved_signed_and_filed_on_phones(
    page: Page, browser, live_server, branch
):
    # the salesperson drafts the contract on her phone
    login(page, live_server, "c-salesperson", DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}/contracts/new/")
    assert_no_horizontal_scroll(page)
    page.locator("#id_account").select_option(str(branch["account"].pk))
    page.locator("#id_lines-0-product").select_option(str(branch["product"].pk))
    page.locator("#id_lines-0-quantity").fill("20")
    page.locator("#id_lines-0-unit_price").fill("98.50")
    page.locator("#id_delivery_place").fill("客户一号仓库")
    page.locator("#id_payment_terms_days").fill("45")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator("#contract-total")).to_have_text("1,970.00")
    expect(page.locator("#contract-chain")).to_have_text(f"此单需要：{_manager_label()}")
    assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="提交审批").click()
    expect(page.locator("#contract-status")).to_have_text("待审批")
    contract = SalesContract.objects.get()

    # the branch manager approves it from the inbox, on another phone
    manager = _phone(browser)
    login(manager, live_server, "c-manager", DEFAULT_PASSWORD)
    manager.goto(f"{live_server.url}/approvals/inbox/")
    card = manager.locator(".approval-card", has_text="华东机械有限公司")
    expect(card).to_contain_text("1,970.00")
    assert_no_horizontal_scroll(manager)
    card.get_by_role("button", name="批准").click()
    expect(card.locator("form.decide-form")).to_have_count(0)

    # signed, with the branch's first number of the year
    year = timezone.localdate().year
    number = f"HT-{year}-0001"
    page.reload()
    expect(page.locator("#contract-status")).to_have_text("已签订")
    expect(page.locator("h1")).to_contain_text(number)
    expect(page.locator("#contract-filed")).to_contain_text("尚未归档")

    # the clerk files it with its scan from the filing queue
    clerk = _phone(browser)
    login(clerk, live_server, "c-clerk", DEFAULT_PASSWORD)
    clerk.goto(f"{live_server.url}/contracts/filing/")
    queued = clerk.locator(f"#queue-{contract.pk}")
    expect(queued).to_contain_text(number)
    assert_no_horizontal_scroll(clerk)
    queued.locator("input[type=file]").set_input_files(
        {"name": "合同扫描件.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    queued.get_by_role("button", name="归档合同").click()
    expect(clerk.locator(".messages")).to_contain_text(f"{number} 已归档")
    expect(clerk.locator(f"#queue-{contract.pk}")).to_have_count(0)

    # the contract's page says who filed it; the scan downloads for the salesperson
    page.reload()
    expect(page.locator("#contract-filed")).to_contain_text(str(branch[Role.CLERK]))
    with page.expect_download() as download:
        page.locator("#scan-download").click()
    assert download.value.suggested_filename == f"{number}.pdf"
    with open(download.value.path(), "rb") as saved:
        assert saved.read() == PDF
    contract.refresh_from_db()
    assert (contract.status, contract.number, contract.filed_by) == (
        "signed",
        number,
        branch[Role.CLERK],
    )
