"""A salesperson logs a visit from the phone in two taps (R-9.7, R-9.8): their home page shows
an account overdue for a visit; "记录拜访" opens the form filled in (today, a first visit, the
primary contact), "保存" records it and brings them back home, where the account is no longer
overdue. At 390 px nothing scrolls sideways.

The clock is not frozen (the live server runs in other threads): the account is opened long
enough ago, in the office's calendar, to be overdue whatever the time of day."""

import datetime
import os

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.factories import AccountFactory
from accounts.models import Contact
from tests.e2e.conftest import assert_no_horizontal_scroll, login
from visits.models import VisitRecord

pytestmark = pytest.mark.e2e

SHOTS = os.environ.get("E2E_SCREENSHOTS")  # a directory to keep pictures of the pages in


def test_a_salesperson_logs_a_visit_in_two_taps(
    page: Page, live_server, office, salesperson, password
):
    opened = timezone.now() - datetime.timedelta(days=10)
    account = AccountFactory(
        office=office,
        author=salesperson,
        name="华东机械有限公司",
        grade="A",  # every 3 days: 7 days overdue
        status="approved",
        created_at=opened,
    )
    contact = Contact.objects.create(
        account=account, name="王总", phone="13900000000", primary=True
    )

    login(page, live_server, salesperson.username, password)
    page.goto(f"{live_server.url}/w/my/")
    row = page.locator(f"#home-overdue-{account.pk}")
    expect(row).to_contain_text("华东机械有限公司")
    expect(row).to_contain_text("逾期 7 天")
    assert_no_horizontal_scroll(page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/visit-home.png", full_page=True)

    row.get_by_role("link", name="记录拜访").click()  # tap 1

    expect(page.locator("h1")).to_have_text("记录拜访")
    expect(page.locator("input[name=kind][value=first]")).to_be_checked()
    expect(page.locator("#id_contact")).to_have_value(str(contact.pk))
    expect(page.locator("#id_date")).to_have_value(timezone.localdate().isoformat())
    expect(page.locator("#market-information")).not_to_have_attribute("open", "")
    assert_no_horizontal_scroll(page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/visit-form.png", full_page=True)

    page.get_by_role("button", name="保存").click()  # tap 2

    expect(page).to_have_url(f"{live_server.url}/w/my/")
    expect(page.locator(".messages")).to_contain_text("已记录对华东机械有限公司的拜访")
    expect(page.locator(f"#home-overdue-{account.pk}")).to_have_count(0)
    expect(page.locator("#overdue-block")).to_contain_text("没有逾期未拜访的客户。")
    record = VisitRecord.objects.get(account=account)
    assert (record.salesperson, record.kind, record.contact) == (salesperson, "first", contact)
    assert record.date == timezone.localdate()

    page.goto(f"{live_server.url}/accounts/overdue/")
    expect(page.locator("#no-overdue")).to_be_visible()
