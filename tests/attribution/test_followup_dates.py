"""R-3.9 (issue 13): a follow-up is logged when it happened: now, or earlier the same or the
previous local day (a call logged late), never in the future, never before the claim began. A
follow-up "at" 1990 was taken (and counted as a contact); one two days ago too."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from attribution import rules
from attribution.models import Claim, FollowUp
from attribution.services import claim_start
from leads.factories import CustomerFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=SH)
STARTED = datetime(2026, 2, 27, 10, 0, tzinfo=SH)  # protected until 2026-03-07
URL = "/api/v1/followups/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
TOO_OLD = "A follow-up is logged the day it happened or the day after: this time is too long ago."
BEFORE_CLAIM = "A follow-up cannot be earlier than the start of the customer's claim."
FUTURE = "A follow-up cannot be in the future."


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def claimed(office, owner, at=STARTED):
    customer = CustomerFactory(office=office, registered_at=at)
    claim_start(household=customer.household, owner=owner, now=at, actor=owner, detail={})
    return customer


def log(api, customer, at):
    data = {"customer": customer.pk, "kind": "call", "note": "回访", "at": at}
    return api.post(URL, data, format="json", **EN)


@pytest.mark.parametrize(
    ("started", "expected"),
    [
        (STARTED, datetime(2026, 3, 1, 0, 0, tzinfo=SH)),  # the previous local day's start
        (datetime(2026, 3, 1, 9, 30, tzinfo=SH), datetime(2026, 3, 1, 9, 30, tzinfo=SH)),
        (datetime(2026, 3, 2, 14, 0, tzinfo=SH), datetime(2026, 3, 2, 14, 0, tzinfo=SH)),
    ],
)
def test_r_3_9_the_earliest_time_of_a_followup(started, expected):
    assert rules.followup_earliest(now=NOW, tz=SH, claim_started_at=started) == expected


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ("1990-01-01T10:00:00+08:00", TOO_OLD),
        ("0001-01-01T00:00:00Z", TOO_OLD),
        ("2026-02-28T23:59:00+08:00", TOO_OLD),  # two local days ago
        ("2026-03-03T09:00:00+08:00", FUTURE),  # tomorrow
    ],
)
def test_a_followup_outside_the_day_and_the_day_before_is_refused(
    api, office, salesperson, at, message
):
    customer = claimed(office, salesperson)
    before = Claim.objects.values_list("last_contact_at", "protected_until").get()
    api.force_authenticate(salesperson)
    response = log(api, customer, at)
    assert response.status_code == 400
    assert response.json() == {"at": [message]}
    assert not FollowUp.objects.exists()
    assert Claim.objects.values_list("last_contact_at", "protected_until").get() == before


def test_a_followup_before_the_claim_began_is_refused(api, office, salesperson):
    customer = claimed(office, salesperson, at=datetime(2026, 3, 2, 11, 0, tzinfo=SH))
    api.force_authenticate(salesperson)
    response = log(api, customer, "2026-03-02T10:30:00+08:00")
    assert response.status_code == 400
    assert response.json() == {"at": [BEFORE_CLAIM]}
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize(
    "at", ["2026-03-01T00:00:00+08:00", "2026-03-01T21:30:00+08:00", "2026-03-02T15:00:00+08:00"]
)
def test_now_today_and_yesterday_are_taken(api, office, salesperson, at):
    customer = claimed(office, salesperson)
    api.force_authenticate(salesperson)
    assert log(api, customer, at).status_code == 201
    assert FollowUp.objects.count() == 1
