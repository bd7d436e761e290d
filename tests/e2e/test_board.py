"""The availability board (销控表) in a real browser: a salesperson holds an available unit for
their customer found by phone (R-6.2), sees the cell turn held with the hours left, converts the
hold into a subscription with a 20000.00 deposit (R-6.3) and opens the printable agreement."""

import datetime
import os
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from attribution.services import customer_register_own
from deals.models import Hold, Project, Subscription, Unit
from leads.factories import channel, channels_restored
from tests.e2e.conftest import assert_no_horizontal_scroll, login

pytestmark = pytest.mark.e2e

# Set E2E_SCREENSHOTS=/tmp to keep a picture of the board at desk size.
SHOTS = os.environ.get("E2E_SCREENSHOTS")


@pytest.fixture(autouse=True)
def channels(transactional_db):
    channels_restored()


@pytest.fixture
def project(office):
    project = Project.objects.create(office=office, name="阳光花园一期")
    for building in ("1", "2"):
        for floor in range(1, 7):
            for n, (layout, area) in enumerate(
                [
                    ("2室2厅", "89.00"),
                    ("3室2厅", "108.00"),
                    ("3室2厅", "126.00"),
                    ("4室2厅", "143.00"),
                ],
                start=1,
            ):
                Unit.objects.create(
                    office=office,
                    project=project,
                    building=building,
                    number=f"{floor}{n:02d}",
                    floor=floor,
                    layout=layout,
                    area=Decimal(area),
                    list_price=Decimal("1200000.00") + Decimal("50000.00") * (floor + n),
                )
    return project


def test_salesperson_holds_then_subscribes_from_the_board(
    desk_page: Page, live_server, office, salesperson, password, project
):
    page = desk_page
    customer, _claim = customer_register_own(
        office=office,
        salesperson=salesperson,
        phone="13812345678",
        name="周女士",
        source_channel=channel("billboard"),
        now=timezone.now() - datetime.timedelta(days=1),
    )
    unit = Unit.objects.get(project=project, building="1", number="502")
    cell = page.locator(f"#unit-{unit.pk}")

    login(page, live_server, salesperson.username, password)
    page.goto(f"{live_server.url}/deals/board/")
    expect(page.locator("table.units")).to_have_count(2)
    expect(cell).to_have_class(re.compile(r"\bs-available\b"))
    page.wait_for_function("() => window.htmx !== undefined")

    # an available unit: hold it for the customer found by phone
    cell.locator("button").click()
    panel = page.locator("#unit-panel")
    expect(panel.locator("#hold-form")).to_be_visible()
    expect(panel.locator("#id_hold-fee")).to_have_value("500.00")
    panel.locator("#hold-q").fill("1381234")
    pick = panel.locator(f'#hold-found input[value="{customer.pk}"]')
    expect(pick).to_be_attached()
    pick.check()
    panel.locator("#hold-form button[type=submit]").click()

    expect(cell).to_have_class(re.compile(r"\bs-held\b"))  # the grid refreshed on the event
    expect(cell.locator(".hours-left")).to_contain_text("72")
    expect(panel.locator(".holder")).to_contain_text("周女士")
    assert Hold.objects.get().customer == customer
    assert_no_horizontal_scroll(page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/deals-board-desk.png", full_page=True)

    # the holder decides: convert to a subscription with a deposit of 20000.00
    panel.locator("#id_conv-deposit").fill("20000.00")
    panel.locator("#convert-form button[type=submit]").click()
    expect(cell).to_have_class(re.compile(r"\bs-subscribed\b"))
    subscription = Subscription.objects.get()
    expect(panel.locator(".agreement-no")).to_have_text(subscription.number)
    assert (subscription.deposit, subscription.fee_credited) == (
        Decimal("20000.00"),
        Decimal("500.00"),
    )

    with page.context.expect_page() as opened:
        panel.locator("#agreement-link").click()
    agreement = opened.value
    expect(agreement.locator(".agreement-no")).to_have_text(subscription.number)
    expect(agreement.locator(".deposit")).to_have_text("20,000.00")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/deals-board-subscribed.png", full_page=True)
        agreement.screenshot(path=f"{SHOTS}/deals-agreement.png", full_page=True)
