"""Next week's visit plan on a phone (R-9.6), in a real browser at 390 px: the salesperson
opens the plan from the home page, adds an account falling due in one tap, submits the plan
after the confirmation; the branch's manager opens it from the list and confirms it.

The clock is not frozen (the live server runs in other threads): the week and the due day are
computed from the real clock in the office's time zone."""

import datetime
import os

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_no_horizontal_scroll, login
from tests.visits.plan_fixtures import account_of, visited
from visits import rules
from visits.models import VisitPlan
from visits.plan_selectors import local_today

pytestmark = pytest.mark.e2e

# Set E2E_SCREENSHOTS=/tmp to keep pictures of the plan and the review page.
SHOTS = os.environ.get("E2E_SCREENSHOTS")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_a_salesperson_plans_next_week_and_the_manager_confirms(
    page: Page, live_server, transactional_db, office, salesperson, manager, password
):
    today = local_today(office, timezone.now())
    week = rules.next_week_start(today)
    due = account_of(office, salesperson, grade="B", name="宏达建材")
    # last visited so that it falls due on next week's Wednesday
    visited(due, week + datetime.timedelta(days=2) - datetime.timedelta(days=7))
    visited(account_of(office, salesperson, grade="C", name="刚拜访过的客户"), today)

    login(page, live_server, salesperson.username, password)
    page.goto(f"{live_server.url}/w/my/")
    block = page.locator("#visit-plan-block")
    expect(block).to_contain_text("下周")
    block.get_by_role("link", name="下周").click()

    expect(page.locator("h1")).to_have_text("我的拜访计划")
    due_list = page.locator("#due-unplanned")
    expect(due_list.locator(".due-row")).to_have_count(1)  # the one visited lately is not due
    row = due_list.locator(f"#due-{due.pk}")
    expect(row).to_contain_text("宏达建材")
    assert_no_horizontal_scroll(page)
    shot(page, "plan-390-before")
    row.get_by_role("button").click()  # "安排在 …星期三": one tap

    expect(page.locator(".messages")).to_contain_text("已加入计划。")
    line = page.locator("#plan-lines .plan-line")
    expect(line).to_have_count(1)
    expect(line).to_contain_text("宏达建材")
    expect(line.locator("time")).to_have_attribute(
        "datetime", (week + datetime.timedelta(days=2)).isoformat()
    )
    expect(due_list.locator(".due-row")).to_have_count(0)

    page.once("dialog", lambda dialog: dialog.accept())  # "将计划提交给经理？"
    page.locator("#submit-plan").click()
    expect(page.locator(".messages")).to_contain_text("计划已提交给经理。")
    expect(page.locator("#plan-head")).to_contain_text("等待经理确认")
    assert_no_horizontal_scroll(page)
    plan = VisitPlan.objects.get(salesperson=salesperson)
    assert (plan.week_start, plan.status) == (week, "submitted")

    # the manager, on the phone too
    page.context.clear_cookies()
    login(page, live_server, manager.username, password)
    page.goto(f"{live_server.url}/visits/plans/")
    mine = page.locator(f"#plan-of-{salesperson.pk}")
    expect(mine).to_contain_text("已提交")
    mine.get_by_role("link", name="审核并确认").click()
    expect(page.locator("#plan-lines")).to_contain_text("宏达建材")
    assert_no_horizontal_scroll(page)
    shot(page, "plan-review-390")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#confirm-plan").click()
    expect(page.locator(".messages")).to_contain_text("计划已确认。")
    expect(page.locator("#plan-head")).to_contain_text("已确认")
    plan.refresh_from_db()
    assert (plan.status, plan.confirmed_by) == ("confirmed", manager)
