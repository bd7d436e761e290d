"""A salesperson's week on the phone, and a manager settling a 撞单 from the evidence page, in a
real browser: the days left in amber at the end of protection, a one-tap follow-up that shows the
new protection end at once (R-3.2), registering a customer met outside (R-1.3), and a ruling
that moves the claim (R-5.6).

The clock is not frozen (the live server runs in other threads): expected ends are computed from
the real clock and the office's time zone with attribution.rules.protection_end."""

import datetime
import os
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from attribution import rules
from attribution.models import Claim, Collision
from attribution.services import claim_start, dispute_open
from leads.factories import CustomerFactory, channel, channels_restored
from leads.models import Customer
from tests.e2e.conftest import assert_no_horizontal_scroll, login

pytestmark = pytest.mark.e2e

# Set E2E_SCREENSHOTS=/tmp to keep pictures of the phone page and of the dispute page.
SHOTS = os.environ.get("E2E_SCREENSHOTS")

WARN = "rgb(154, 98, 0)"  # --warn in app.css: amber, red is for errors only (issue 14)
ENDING = re.compile(r"\bending\b")  # the class the warning style hangs on


@pytest.fixture(autouse=True)
def channels(transactional_db):
    channels_restored()


def claimed(office, owner, phone: str, name: str, days_ago: int) -> Claim:
    at = timezone.now() - datetime.timedelta(days=days_ago)
    customer = CustomerFactory(office=office, phone=phone, name=name, registered_at=at)
    return claim_start(
        household=customer.household, owner=owner, now=at, actor=owner, detail={"rule": "test"}
    )


def test_salesperson_follows_up_and_registers_from_the_phone(
    page: Page, live_server, office, salesperson, password
):
    claims = [
        claimed(office, salesperson, "13800000001", "赵先生", days_ago=0),
        claimed(office, salesperson, "13800000002", "钱女士", days_ago=3),
        claimed(office, salesperson, "13800000003", "孙先生", days_ago=6),  # ends tomorrow
    ]
    login(page, live_server, salesperson.username, password)
    page.goto(f"{live_server.url}/attribution/my/")
    cards = page.locator("#claim-list .claim-card")
    expect(cards).to_have_count(3)
    # sorted by protection end: the one ending tomorrow first, in amber, 1 day left (its last
    # protected day is tomorrow, R-3.2)
    urgent = page.locator(f"#claim-{claims[2].pk}")
    expect(cards.first).to_have_attribute("id", f"claim-{claims[2].pk}")
    expect(urgent).to_have_class(ENDING)
    expect(urgent.locator(".days-num")).to_have_text("1")
    expect(urgent.locator(".days-num")).to_have_css("color", WARN)
    expect(page.locator(f"#claim-{claims[0].pk} .days-num")).to_have_text("7")
    assert_no_horizontal_scroll(page)
    page.wait_for_function("() => window.htmx !== undefined")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/my-customers-phone.png", full_page=True)

    # one tap on "Call", a note, submit: the card shows the new protection end
    urgent.locator('label.kind-button:has(input[value="call"])').click()
    urgent.locator("textarea").fill("电话回访：周六带父母来看三号楼")
    urgent.locator('input[name$="next_step"]').fill("周六 10 点接待")
    urgent.locator(".followup-more button[type=submit]").click()
    urgent = page.locator(f"#claim-{claims[2].pk}")
    expect(urgent.locator(".logged")).to_be_visible()
    claim = Claim.objects.get(pk=claims[2].pk)
    expected = rules.protection_end(
        claim.last_contact_at, tz=office.tzinfo, days=office.protection_days
    )
    assert claim.protected_until == expected
    assert abs(claim.last_contact_at - timezone.now()) < datetime.timedelta(minutes=1)
    through = (expected - datetime.timedelta(microseconds=1)).astimezone(office.tzinfo).date()
    expect(urgent.locator(".protected-until .protection-end")).to_have_attribute(
        "data-through", through.isoformat()
    )
    expect(urgent.locator(".protected-until")).to_contain_text("（含）")
    expect(urgent.locator(".days-num")).to_have_text("7")
    expect(urgent.locator(".next-step")).to_have_text("周六 10 点接待")
    expect(urgent).not_to_have_class(ENDING)
    assert_no_horizontal_scroll(page)

    # a customer met at a friend's dinner, registered at once: the card appears
    page.locator("#register-panel summary").click()
    page.locator("#reg_phone").fill("139 1234 5678")
    page.locator("#reg_name").fill("周女士")
    page.locator("#reg_source_channel").select_option(str(channel("referral").pk))
    page.locator("#register-form button[type=submit]").click()
    expect(page.locator("#register-panel .ok")).to_be_visible()
    expect(cards).to_have_count(4)
    expect(page.locator("#claim-list")).to_contain_text("周女士")
    expect(page.locator('#my-tabs [data-count="active"]')).to_have_text("4")
    new = Claim.objects.get(household__members__phone="13912345678")
    assert new.owner == salesperson
    assert_no_horizontal_scroll(page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/my-customers-phone-after.png", full_page=True)

    # the customer's page: the household and its timeline, on the phone too
    page.locator(f"#claim-{claims[2].pk} .claim-name").click()
    timeline = page.locator("#timeline")
    expect(timeline.locator('li[data-kind="followup"]')).to_contain_text("周六带父母来看三号楼")
    expect(timeline.locator('li[data-kind="claim_contact"]')).to_have_count(1)
    assert_no_horizontal_scroll(page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/customer-phone.png", full_page=True)


def test_manager_settles_a_collision_from_the_evidence_page(
    desk_page: Page, live_server, office, manager, salesperson, other_salesperson, password
):
    now = timezone.now()
    theirs = claimed(office, other_salesperson, "13700000001", "吴先生", days_ago=2)
    customer = Customer.objects.get(household=theirs.household)
    Collision.objects.create(
        office=office, customer=customer, salesperson=salesperson, claim=theirs, at=now
    )
    dispute = dispute_open(
        customer=customer, opener=salesperson, reason="上周在展会上是我接待并登记的", now=now
    )
    login(desk_page, live_server, manager.username, password)
    desk_page.goto(f"{live_server.url}/attribution/disputes/{dispute.pk}/")
    timeline = desk_page.locator("#timeline")
    for kind in ("registration", "claim_started", "collision", "dispute_opened"):
        expect(timeline.locator(f'li[data-kind="{kind}"]')).to_have_count(1)
    expect(timeline).to_contain_text("上周在展会上是我接待并登记的")
    expect(desk_page.locator(".dispute-summary .claimant")).to_have_text(str(salesperson))
    expect(desk_page.locator(".dispute-summary .holder")).to_contain_text(str(other_salesperson))
    # both salespeople's diaries for the days involved (none written here: said so)
    expect(desk_page.locator(".diaries article.diary").first).to_be_visible()
    assert_no_horizontal_scroll(desk_page)
    if SHOTS:
        desk_page.screenshot(path=f"{SHOTS}/dispute-desk.png", full_page=True)

    form = desk_page.locator("#ruling-form")
    form.locator('input[value="move"]').check()
    form.locator("#ruling_new_owner").select_option(str(salesperson.pk))
    form.locator("#ruling_reason").fill("展会登记表在先，且客户确认由其接待")
    form.locator("button[type=submit]").click()
    expect(desk_page.locator(".ruling .new-owner")).to_have_text(str(salesperson))
    expect(desk_page.locator("#ruling-form")).to_have_count(0)
    theirs.refresh_from_db()
    assert theirs.owner == salesperson
    expect(desk_page.locator('#timeline li[data-kind="dispute_ruled"]')).to_have_count(1)
    expect(desk_page.locator('#timeline li[data-kind="claim_ruled"]')).to_have_count(1)

    # the office's claims: the moved claim under its new owner, the collision on record
    desk_page.goto(f"{live_server.url}/attribution/claims/?office={office.pk}")
    row = desk_page.locator(f'.claims-table tr[data-claim="{theirs.pk}"]')
    expect(row.locator(".owner")).to_have_text(str(salesperson))
    assert_no_horizontal_scroll(desk_page)
    if SHOTS:
        desk_page.screenshot(path=f"{SHOTS}/claims-desk.png", full_page=True)
    desk_page.goto(f"{live_server.url}/attribution/claims/?office={office.pk}&tab=collisions")
    expect(desk_page.locator(".collisions-table tbody tr")).to_have_count(1)
