"""The work diary (R-7.1): pre-filled from the day's records, submitted, late after 17:00."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attribution.models import Collision
from attribution.services import claim_start, followup_log
from leads.factories import CustomerFactory, channel
from reception.models import Call, Visit
from reports import services
from reports.models import WorkDiary
from reports.selectors import diary_for

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
DAY = datetime.date(2026, 3, 10)


def at(hour, minute=0, day=DAY):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SH)


def visit(office, secretary, salesperson, when):
    customer = CustomerFactory(office=office, registered_by=secretary)
    return Visit.objects.create(
        office=office,
        customer=customer,
        at=when,
        registered_by=secretary,
        is_new_customer=True,
        party_size=2,
        source_channel=channel(),
        rule="rotation",
        assigned_to=salesperson,
    )


def call(office, secretary, salesperson, when):
    return Call.objects.create(
        office=office,
        kind="non_customer",
        at=when,
        answered_by=secretary,
        content="asks about parking",
        put_through_to=salesperson,
    )


def owned_customer(office, salesperson, when):
    customer = CustomerFactory(office=office, registered_by=salesperson)
    claim = claim_start(
        household=customer.household, owner=salesperson, now=when, actor=salesperson, detail={}
    )
    return customer, claim


def test_prefill_counts_the_days_records_in_the_office_local_day(
    office, secretary, salesperson, other_salesperson
):
    for when in (at(0, 0), at(10), at(23, 59)):
        visit(office, secretary, salesperson, when)
    visit(office, secretary, salesperson, at(0, 0, DAY + datetime.timedelta(days=1)))
    visit(office, secretary, other_salesperson, at(11))
    call(office, secretary, salesperson, at(9))
    call(office, secretary, salesperson, at(9) - datetime.timedelta(days=1))
    customer, claim = owned_customer(office, salesperson, at(8))
    followup_log(customer=customer, author=salesperson, kind="call", note="likes B2", now=at(15))
    Collision.objects.create(
        office=office, customer=customer, salesperson=salesperson, claim=claim, at=at(16)
    )
    with CaptureQueriesContext(connection) as queries:
        diary = diary_for(salesperson=salesperson, office=office, date=DAY)
        assert len(queries) == 5  # one per kind of record, whatever their number
    assert (len(diary.visits), len(diary.calls), len(diary.followups), len(diary.collisions)) == (
        3,
        1,
        1,
        1,
    )
    assert diary.followups[0].note == "likes B2"
    assert (diary.feedback, diary.submitted_at, diary.late) == ("", None, False)


@pytest.mark.parametrize(
    "submitted, late",
    [
        (at(16, 59), False),
        (at(17, 0), False),
        (at(17, 1), True),
        (at(9, 0, DAY + datetime.timedelta(days=1)), True),
    ],
    ids=["before", "at-deadline", "after", "next-day"],
)
def test_late_after_the_office_deadline_local_time(office, salesperson, submitted, late):
    services.diary_submit(
        salesperson=salesperson, office=office, date=DAY, feedback="f", problems="p", now=submitted
    )
    assert diary_for(salesperson=salesperson, office=office, date=DAY).late is late


def test_a_second_submit_updates_the_text_but_keeps_the_first_time(office, salesperson):
    services.diary_submit(
        salesperson=salesperson, office=office, date=DAY, feedback="a", problems="", now=at(16)
    )
    services.diary_submit(
        salesperson=salesperson, office=office, date=DAY, feedback="b", problems="x", now=at(18)
    )
    diary = WorkDiary.objects.get()
    assert (diary.feedback, diary.problems, diary.submitted_at) == ("b", "x", at(16))
    assert diary_for(salesperson=salesperson, office=office, date=DAY).late is False


def test_manager_reply(office, salesperson, manager):
    diary = services.diary_submit(
        salesperson=salesperson, office=office, date=DAY, feedback="a", problems="", now=at(16)
    )
    services.diary_reply(diary=diary, manager=manager, reply=" Call them back ", now=at(18))
    diary.refresh_from_db()
    assert (diary.manager_reply, diary.replied_by, diary.replied_at) == (
        "Call them back",
        manager,
        at(18),
    )


# ---------------------------------------------------------------- API


@time_machine.travel(at(16), tick=False)
def test_submit_through_the_api_on_time(api, office, secretary, salesperson):
    visit(office, secretary, salesperson, at(10))
    api.force_authenticate(salesperson)
    r = api.put(f"/api/v1/diaries/{DAY}/", {"feedback": "keen", "problems": "none"}, format="json")
    assert r.status_code == 200, r.data
    body = r.data
    assert (body["date"], body["feedback"], body["problems"], body["late"]) == (
        str(DAY),
        "keen",
        "none",
        False,
    )
    assert len(body["visits"]) == 1 and body["calls"] == [] and body["followups"] == []
    assert body["submitted_at"] is not None


@time_machine.travel(at(17, 30), tick=False)
def test_submit_after_the_deadline_is_late(api, office, salesperson):
    api.force_authenticate(salesperson)
    r = api.put(f"/api/v1/diaries/{DAY}/", {"feedback": "", "problems": ""}, format="json")
    assert r.status_code == 200 and r.data["late"] is True


@time_machine.travel(at(16), tick=False)
@pytest.mark.parametrize(
    "path, body",
    [
        (f"/api/v1/diaries/{DAY + datetime.timedelta(days=1)}/", {"feedback": "", "problems": ""}),
        ("/api/v1/diaries/2026-02-30/", {"feedback": "", "problems": ""}),
        (f"/api/v1/diaries/{DAY}/", {"feedback": "x"}),
        (f"/api/v1/diaries/{DAY}/", {"feedback": "x" * 5001, "problems": ""}),
        (f"/api/v1/diaries/{DAY}/", {"feedback": "", "problems": "", "office": 999999}),
    ],
    ids=["future", "no-such-date", "missing-field", "too-long", "unknown-office"],
)
def test_bad_input_is_400_and_saves_nothing(api, office, salesperson, path, body):
    api.force_authenticate(salesperson)
    assert api.put(path, body, format="json").status_code == 400
    assert not WorkDiary.objects.exists()


@time_machine.travel(at(16), tick=False)
def test_who_may_submit(api, office, other_office, manager, secretary, other_manager):
    for user in (manager, secretary, other_manager):
        api.force_authenticate(user)
        r = api.put(f"/api/v1/diaries/{DAY}/", {"feedback": "", "problems": ""}, format="json")
        assert r.status_code == 403, user
    api.force_authenticate(None)
    assert api.put(f"/api/v1/diaries/{DAY}/", {}, format="json").status_code == 401
    assert not WorkDiary.objects.exists()


@time_machine.travel(at(16), tick=False)
def test_who_sees_which_diaries(
    api, office, other_office, salesperson, other_salesperson, manager, other_manager, secretary
):
    services.diary_submit(
        salesperson=salesperson, office=office, date=DAY, feedback="mine", problems="", now=at(15)
    )
    api.force_authenticate(salesperson)
    r = api.get("/api/v1/diaries/", {"date": str(DAY)})
    assert r.status_code == 200
    assert [(d["salesperson"], d["feedback"]) for d in r.data] == [(salesperson.pk, "mine")]
    api.force_authenticate(other_salesperson)
    r = api.get("/api/v1/diaries/")  # today, by default
    assert [(d["salesperson"], d["feedback"], d["date"]) for d in r.data] == [
        (other_salesperson.pk, "", str(DAY))
    ]
    api.force_authenticate(manager)
    r = api.get("/api/v1/diaries/", {"date": str(DAY)})
    assert sorted(d["salesperson"] for d in r.data) == sorted(
        [salesperson.pk, other_salesperson.pk]
    )
    api.force_authenticate(other_manager)
    assert api.get("/api/v1/diaries/", {"date": str(DAY)}).data == []
    api.force_authenticate(secretary)
    assert api.get("/api/v1/diaries/").status_code == 403
    api.force_authenticate(manager)
    assert api.get("/api/v1/diaries/", {"date": "tomorrow"}).status_code == 400
