"""The work diary (R-7.1) names each customer as the reader may see them now (API.md,
visibility).

The diary is compiled from the day's records; a walk-in registered by phone only is named by
the phone. The salesperson sees it in full while they hold the customer; once the claim has
moved on (released, R-3.2; reassigned, R-3.4) their diaries of those days show it masked, and
the new owner's diary shows it in full.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from attribution.services import claim_reassign_released, followup_log
from leads.factories import channel
from leads.models import Customer
from reception.factories import roster_for
from reception.services import call_register, visit_register

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
VISIT_AT = datetime.datetime(2026, 11, 19, 10, 0, tzinfo=SH)  # protected through 11-26
NOW = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=SH)  # released on 11-27 00:00
PHONE, MASKED = "13800138000", "138****8000"
DIARY = "/reports/diary/"


@pytest.fixture
def walk_in(office, secretary, salesperson, manager):
    """A walk-in without a name received by `salesperson` (R-2.1 case 4), who then calls the
    hotline and is put through to them (R-2.7): the visit and the call of their diary."""
    roster_for(office, VISIT_AT.date(), [salesperson], manager=manager)
    visit_register(
        office=office, actor=secretary, phone=PHONE, source_channel=channel(), now=VISIT_AT
    )
    call = call_register(
        office=office,
        actor=secretary,
        kind="customer",
        phone=PHONE,
        content="问车位",
        now=VISIT_AT + datetime.timedelta(hours=2),
    )
    assert call.put_through_to == salesperson
    return Customer.objects.get(office=office, phone=PHONE)


def diary_page(client, user, office, day) -> str:
    client.force_login(user)
    response = client.get(DIARY, {"office": office.pk, "date": day.isoformat()})
    assert response.status_code == 200
    return response.content.decode()


def activity(page: str) -> str:
    start = page.index('class="card diary-activity"')
    return page[start : page.index("</section>", start)]


def test_the_owner_sees_the_phone_in_full_on_the_day(client, office, salesperson, walk_in):
    with time_machine.travel(VISIT_AT + datetime.timedelta(hours=3), tick=False):
        shown = activity(diary_page(client, salesperson, office, VISIT_AT.date()))
    assert shown.count(PHONE) == 2  # the visit and the call


def test_after_the_claim_moved_on_the_former_owner_sees_it_masked(
    client, api, office, salesperson, other_salesperson, manager, walk_in
):
    with time_machine.travel(NOW, tick=False):
        released = activity(diary_page(client, salesperson, office, VISIT_AT.date()))
        assert released.count(MASKED) == 2 and PHONE not in released
        claim_reassign_released(
            household=walk_in.household,
            new_owner=other_salesperson,
            actor=manager,
            reason="原业务员跟进中断",
            now=NOW,
        )
        followup_log(
            customer=walk_in, author=other_salesperson, kind="call", note="约看房", now=NOW
        )
        former = diary_page(client, salesperson, office, VISIT_AT.date())
        new_owner = activity(diary_page(client, other_salesperson, office, NOW.date()))
        api.force_authenticate(salesperson)
        body = api.get("/api/v1/diaries/", {"date": VISIT_AT.date().isoformat()})
    assert activity(former).count(MASKED) == 2
    assert PHONE not in former
    assert PHONE in new_owner  # the follow-up of the new owner's day
    assert body.status_code == 200
    (diary,) = body.json()
    assert [v["customer"] for v in diary["visits"]] == [walk_in.pk]
    assert PHONE not in body.content.decode()
