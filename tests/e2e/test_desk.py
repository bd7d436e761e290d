"""A busy morning at the desk in a real browser: walk-ins go round the rotation, the board's
pointer follows, a salesperson away on business is skipped and owed a turn, and the receiving
salesperson sees the notification appear on their phone without reloading."""

import os
import re

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from leads.factories import channel, channels_restored
from reception.choices import Rule
from reception.factories import roster_for
from staff.choices import Role
from staff.factories import UserFactory
from tests.e2e.conftest import assert_no_horizontal_scroll, login

pytestmark = pytest.mark.e2e

# Set E2E_SCREENSHOTS=/tmp to keep pictures of the desk and of the salesperson's phone.
SHOTS = os.environ.get("E2E_SCREENSHOTS")


# The managed list of channels comes from a data migration, and the flush after each live-server
# test empties it: put it back for each test.


@pytest.fixture(autouse=True)
def channels(transactional_db):
    channels_restored()


@pytest.fixture
def team(office):
    return [
        UserFactory(
            username=f"sp{i}", display_name=f"销售{i}", roles=[Role.SALESPERSON], offices=[office]
        )
        for i in range(1, 4)
    ]


@pytest.fixture
def rotation(office, manager, team):
    today = timezone.localtime(timezone.now(), office.tzinfo).date()
    return roster_for(office, today, team, manager=manager)


def rotation_label() -> str:
    with translation.override("zh-hans"):
        return str(Rule.ROTATION.label)


def register(page: Page, phone: str, name: str, party_size: int = 2) -> None:
    form = page.locator("#visit-form")
    form.locator("#visit_phone").fill(phone)
    form.locator("#visit_name").fill(name)
    form.locator("#visit_party_size").fill(str(party_size))
    form.locator("#visit_source_channel").select_option(str(channel("passing").pk))
    form.locator("button[type=submit]").click()
    expect(page.locator("#result .result-customer")).to_contain_text(name)


def expect_next(page: Page, person) -> None:
    marker = page.locator("#board li[aria-current=true]")
    expect(marker).to_have_count(1)
    expect(marker).to_have_attribute("data-salesperson", str(person.pk))
    expect(marker.locator(".next-marker")).to_be_visible()


def test_secretary_runs_the_rotation_and_the_salesperson_is_notified_live(
    desk_page: Page, page: Page, live_server, secretary, team, rotation, password
):
    first, second, third = team
    # The first salesperson has their page open on the phone before anyone walks in.
    login(page, live_server, first.username, password)
    expect(page).to_have_url(re.compile(r"/w/my/$"))
    expect(page.locator("#my-notifications")).not_to_contain_text("客户一")
    page.wait_for_function("() => window.htmx !== undefined")

    login(desk_page, live_server, secretary.username, password)
    expect(desk_page).to_have_url(re.compile(r"/w/desk/$"))
    desk = desk_page
    expect_next(desk, first)

    # Three walk-ins go round the rotation; after each the pointer moves on.
    for number, (name, receiver, after) in enumerate(
        [("客户一", first, second), ("客户二", second, third), ("客户三", third, first)], 1
    ):
        register(desk, f"1380000000{number}", name)
        result = desk.locator("#result")
        expect(result.locator(".receiver-name")).to_have_text(str(receiver))
        expect(result.locator(".result-rule")).to_contain_text(rotation_label())
        expect_next(desk, after)
        expect(desk.locator('#counters [data-counter="parties"]')).to_have_text(str(number))

    # The first salesperson's phone shows the new visit without a reload (polled every 5 s).
    expect(page.locator("#notif .badge")).to_have_text("1", timeout=10_000)
    expect(page.locator("#my-notifications")).to_contain_text("客户一", timeout=10_000)
    expect(page.locator("#my-visits")).to_contain_text("客户一", timeout=10_000)
    assert_no_horizontal_scroll(page)

    # The lookup shows a known customer with the claim's owner and protection end.
    desk.locator("#lookup-q").fill("13800000001")
    match = desk.locator("#lookup-results .match")
    expect(match).to_have_count(1)
    expect(match).to_contain_text("客户一")
    expect(match.locator(".claim")).to_contain_text(str(first))

    # The first salesperson goes out on company business: skipped and owed a turn.
    seat = desk.locator(f'#board li[data-salesperson="{first.pk}"]')
    seat.locator('button[value="away_business"]').click()
    expect(seat.locator('button[value="away_business"]')).to_have_attribute("aria-pressed", "true")
    register(desk, "13800000004", "客户四")
    result = desk.locator("#result")
    expect(result.locator(".receiver-name")).to_have_text(str(second))
    expect(result.locator(".skipped-row")).to_have_count(1)
    expect(result.locator(".skipped-row .skipped-name")).to_have_text(str(first))
    expect(desk.locator(f'#board li[data-salesperson="{first.pk}"] .owed')).to_have_attribute(
        "data-owed", "1"
    )
    expect_next(desk, third)
    expect(desk.locator("#desk-visits .visit-row")).to_have_count(4)

    if SHOTS:
        desk.screenshot(path=f"{SHOTS}/desk.png", full_page=True)
        page.screenshot(path=f"{SHOTS}/salesperson-phone.png", full_page=True)


def test_a_double_click_registers_one_visit(
    desk_page: Page, live_server, secretary, rotation, password
):
    from reception.models import Visit

    login(desk_page, live_server, secretary.username, password)
    form = desk_page.locator("#visit-form")
    form.locator("#visit_phone").fill("13900000009")
    form.locator("#visit_source_channel").select_option(str(channel("passing").pk))
    form.locator("button[type=submit]").dblclick()
    expect(desk_page.locator("#result .receiver-name")).to_be_visible()
    expect(desk_page.locator('#counters [data-counter="parties"]')).to_have_text("1")
    assert Visit.objects.count() == 1
    assert not desk_page.locator("#visit-form .error").is_visible()
