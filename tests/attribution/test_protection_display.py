"""R-3.2 as users read it: the last protected day, inclusive, and the days left, the same on
my customers, the customer page, the manager's claims list and the desk's look-up."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine

from attribution.services import claim_start
from leads.factories import CustomerFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
CONTACT = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=SH)  # R-3.2's example, a Monday


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def customer(office, salesperson):
    with time_machine.travel(CONTACT, tick=False):
        customer = CustomerFactory(office=office, phone="13912340000", name="周先生")
        claim_start(
            household=customer.household,
            owner=salesperson,
            now=CONTACT,
            actor=salesperson,
            detail={"rule": "own_registration"},
        )
    return customer


def pages(client, customer, salesperson, manager, secretary):
    """The texts a user reads of the claim, page by page."""
    client.force_login(salesperson)
    yield "my customers", text(client.get("/attribution/my/"))
    yield "customer page", text(client.get(f"/attribution/customers/{customer.pk}/"))
    client.force_login(manager)
    yield "claims list", text(client.get("/attribution/claims/"))
    client.force_login(secretary)
    url = f"/reception/lookup/?office={customer.office_id}&q={customer.phone}"
    yield "desk look-up", text(client.get(url))


@pytest.mark.parametrize(
    "day, expected",
    [
        (datetime.datetime(2026, 3, 2, 16, 0, tzinfo=SH), "还剩 7 天"),
        (datetime.datetime(2026, 3, 8, 9, 0, tzinfo=SH), "还剩 1 天"),
        (datetime.datetime(2026, 3, 9, 23, 0, tzinfo=SH), "今天到期"),
    ],
)
def test_r_3_2_example_protected_through_monday_inclusive(
    client, customer, salesperson, manager, secretary, day, expected
):
    with time_machine.travel(day, tick=False):
        for page, shown in pages(client, customer, salesperson, manager, secretary):
            if page == "claims list":  # a table: the day in one column, days left in the next
                assert "3月9日（含）" in shown, page
                assert ("今天到期" if expected == "今天到期" else "剩余天数") in shown, page
                continue
            assert "保护至 3月9日（含）" in shown, page
            assert expected in shown, page
            assert "2026-03-10 00:00" not in shown, page  # the release instant is not shown


def test_released_at_midnight_the_claim_is_no_longer_shown_as_protected(
    client, customer, salesperson
):
    with time_machine.travel(datetime.datetime(2026, 3, 10, 0, 0, 1, tzinfo=SH), tick=False):
        client.force_login(salesperson)
        shown = text(client.get("/attribution/my/"))
    assert "保护至" not in shown and "今天到期" not in shown
