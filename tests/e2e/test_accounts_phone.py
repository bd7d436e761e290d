"""On a phone (390 px): a salesperson registers a new account and proposes grade A; the branch
manager approves both from the inbox without leaving it (R-9.2, R-9.3, R-8.4); the account is
approved with grade A."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.factories import credit_code
from accounts.models import Account, GradeChange
from staff.choices import Role
from staff.factories import DEFAULT_PASSWORD, OfficeFactory, UserFactory
from tests.e2e.conftest import assert_no_horizontal_scroll, login

pytestmark = pytest.mark.e2e


@pytest.fixture
def branch(transactional_db):
    office = OfficeFactory(name="福州分部", code="fz")
    return {
        "office": office,
        "salesperson": UserFactory(
            username="sp-fz", display_name="王建国", roles=[Role.SALESPERSON], offices=[office]
        ),
        "manager": UserFactory(
            username="mgr-fz", display_name="张经理", roles=[Role.MANAGER], offices=[office]
        ),
    }


def test_a_new_account_and_its_grade_approved_from_the_inbox_on_a_phone(
    page: Page, live_server, branch
):
    office = branch["office"]
    code = credit_code(314)
    # the salesperson registers the account
    login(page, live_server, "sp-fz", DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}/accounts/new/")
    page.locator("#id_office").select_option(str(office.pk))
    page.locator("#id_name").fill("福建闽江机电有限公司")
    page.locator("#id_credit_code").fill(code)
    page.locator("#id_kind").select_option("dealer")
    page.locator("#id_region").fill("闽东")
    assert_no_horizontal_scroll(page)
    page.locator("form button[type=submit].primary").click()
    expect(page.locator("h1")).to_have_text("福建闽江机电有限公司")
    expect(page.locator("#account-waiting")).to_contain_text("此单需要：分部经理")
    # and proposes grade A with a reason, from the card
    page.locator("#grade-form label", has_text="A：需求量大且急").click()
    page.locator("#grade-form textarea[name=reason]").fill("下月有 300 台电机的采购计划")
    page.locator("#grade-form button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("等级建议已提交")
    expect(page.locator("#pending-grade")).to_contain_text("王建国 建议定为 A 级：")
    assert_no_horizontal_scroll(page)
    account = Account.objects.get(credit_code=code)
    assert (account.status, account.grade) == ("pending", None)

    # the manager, on a phone, decides both from the inbox
    page.context.clear_cookies()
    login(page, live_server, "mgr-fz", DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}/approvals/inbox/")
    cards = page.locator(".approval-card")
    expect(cards).to_have_count(2)
    new_account = cards.filter(has_text="新客户")
    expect(new_account).to_contain_text(code)
    expect(new_account).to_contain_text("经销商")
    expect(new_account).to_contain_text("王建国")
    grade = cards.filter(has_text="等级变更")
    expect(grade).to_contain_text("未定级 → A：需求量大且急")
    expect(grade).to_contain_text("下月有 300 台电机的采购计划")
    expect(cards.first).to_contain_text("此单需要：分部经理")
    assert_no_horizontal_scroll(page)
    # rejecting needs a comment: the card says so and stays
    grade.get_by_role("button", name="驳回").click()
    expect(grade.locator(".error")).to_have_text("请填写驳回理由。")
    for card in (new_account, grade):
        card.get_by_role("button", name="批准").click()
        expect(card.locator(".ok")).to_contain_text("已批准")
    assert page.url.endswith("/approvals/inbox/")  # never left it
    account.refresh_from_db()
    assert (account.status, account.grade) == ("approved", "A")
    assert GradeChange.objects.get().decided_by == branch["manager"]
    page.goto(f"{live_server.url}/accounts/{account.pk}/")
    expect(page.locator("#account-facts")).to_contain_text("A：需求量大且急")
    expect(page.locator("#grade")).to_contain_text(re.compile("王建国 建议，张经理 认定"))
    assert_no_horizontal_scroll(page)
