"""The daily meeting (R-7.3): minutes, problems raised and escalated to leadership, the
director's list; the meeting page's figures (R-2.8, R-7.1) on office-local day edges."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from common.errors import DomainError
from leads.factories import channel
from notifications.models import Notification
from reception import services as reception
from reports import meetings
from reports.choices import DayOffKind
from reports.models import DayOff, Meeting, MeetingProblem
from reports.services import diary_submit
from staff.choices import Role
from staff.factories import UserFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
DAY = datetime.date(2026, 3, 2)
NOW = datetime.datetime(2026, 3, 2, 18, 30, tzinfo=SH)  # during the 18:00 meeting
MEETING, ESCALATIONS = "/reports/meeting/", "/reports/escalations/"


def at(day, hour, minute=0, second=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute, second), tzinfo=SH)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def directors(director):
    second = UserFactory(username="director2", roles=[Role.DIRECTOR])
    UserFactory(username="director-gone", roles=[Role.DIRECTOR], is_active=False)
    return [director, second]


def raise_problem(office, by, text="停车位不够", **extra):
    return meetings.problem_raise(office=office, date=DAY, text=text, by=by, now=NOW, **extra)


def escalated_ids(client) -> list[int]:
    """The meeting problems on the one escalation list (R-16.1), which the old address shows."""
    page = client.get(ESCALATIONS).content.decode()
    return [
        int(pk) for pk in re.findall(r'data-source="meeting_problem" data-subject="(\d+)"', page)
    ]


# ---------------------------------------------------------------- services


def test_escalation_notifies_every_active_director_and_executive_once(office, secretary, directors):
    """R-7.3: escalated to leadership: each director and executive (company leadership, on
    the one escalation list since R-16.1) gets one notification, even when the problem is
    escalated again."""
    executive = UserFactory(username="exec", roles=[Role.EXECUTIVE], offices=[])
    problem = raise_problem(office, secretary)
    assert not problem.escalated and Notification.objects.count() == 0
    meetings.problem_escalate(problem=problem, by=secretary, now=NOW)
    later = NOW + datetime.timedelta(minutes=5)
    again = meetings.problem_escalate(problem=problem, by=secretary, now=later)
    assert again.escalated_at == NOW  # the first escalation's time stays
    notes = Notification.objects.filter(kind="escalated")
    assert sorted(n.recipient_id for n in notes) == sorted(
        [d.pk for d in directors] + [executive.pk]
    )
    assert notes[0].params == {
        "office": office.name,
        "source": "meeting_problem",
        "title": "停车位不够",
    }
    assert notes[0].url == "/escalations/"


def test_raise_with_escalate_escalates_at_once(office, secretary, director, salesperson):
    problem = raise_problem(office, secretary, raised_by=salesperson, escalate=True)
    assert (problem.escalated_at, problem.escalated_by) == (NOW, secretary)
    assert problem.raised_by == salesperson
    assert problem.meeting == Meeting.objects.get(office=office, date=DAY)
    assert Notification.objects.filter(recipient=director).count() == 1


def test_raise_refuses_empty_text_future_day_and_strangers(
    office, other_office, secretary, other_manager
):
    with pytest.raises(ValidationError) as empty:
        raise_problem(office, secretary, text="  ")
    assert "text" in empty.value.message_dict
    with pytest.raises(ValidationError):
        meetings.problem_raise(
            office=office, date=DAY + datetime.timedelta(days=1), text="x", by=secretary, now=NOW
        )
    stranger = UserFactory(username="sp-river", roles=[Role.SALESPERSON], offices=[other_office])
    with pytest.raises(ValidationError) as wrong:
        raise_problem(office, secretary, raised_by=stranger)
    assert "raised_by" in wrong.value.message_dict
    assert not MeetingProblem.objects.exists()


def test_close_needs_a_resolution_and_happens_once(office, secretary, director):
    problem = raise_problem(office, secretary, escalate=True)
    with pytest.raises(ValidationError):
        meetings.problem_close(problem=problem, resolution=" ", by=director, now=NOW)
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses it too
        MeetingProblem.objects.filter(pk=problem.pk).update(closed_at=NOW)
    meetings.problem_close(problem=problem, resolution="已协调物业", by=director, now=NOW)
    with pytest.raises(DomainError):
        meetings.problem_close(problem=problem, resolution="again", by=director, now=NOW)
    with pytest.raises(DomainError):  # a closed problem cannot be escalated
        meetings.problem_escalate(problem=problem, by=secretary, now=NOW)
    assert meetings.escalations_open(director) == []


def test_an_escalation_after_the_meeting_day_is_flagged(office, secretary, director):
    """R-7.3 asks for the same day: a later escalation is allowed but shown as such."""
    on_time = raise_problem(office, secretary, text="a", escalate=True)
    late = raise_problem(office, secretary, text="b")
    meetings.problem_escalate(problem=late, by=secretary, now=at(DAY + datetime.timedelta(1), 9))
    flags = {p.pk: p.escalated_late for p in meetings.escalations_open(director)}
    assert flags == {on_time.pk: False, late.pk: True}


# ---------------------------------------------------------------- the escalations page


def test_escalated_problem_is_on_the_list_until_the_director_closes_it(
    client, office, secretary, manager, director, other_manager
):
    problem = raise_problem(office, secretary)
    client.force_login(director)
    assert escalated_ids(client) == []  # raised, not escalated
    meetings.problem_escalate(problem=problem, by=secretary, now=NOW)
    assert escalated_ids(client) == [problem.pk]
    client.force_login(manager)  # the office's manager follows it, cannot close it
    assert escalated_ids(client) == [problem.pk]
    assert 'class="close-form"' not in client.get(ESCALATIONS).content.decode()
    close = f"{ESCALATIONS}{problem.pk}/close/"
    assert client.post(close, {f"p{problem.pk}-resolution": "x"}).status_code == 403
    client.force_login(other_manager)  # another office's manager does not see it
    assert escalated_ids(client) == []
    assert client.post(close, {f"p{problem.pk}-resolution": "x"}).status_code == 404

    client.force_login(director)
    response = client.post(close, {f"p{problem.pk}-resolution": "  "})
    assert response.status_code == 422
    assert 'class="field-error"' in response.content.decode()
    problem.refresh_from_db()
    assert not problem.closed
    response = client.post(close, {f"p{problem.pk}-resolution": "总部批了临时车位"})
    assert response.status_code == 302
    problem.refresh_from_db()
    assert (problem.closed_by, problem.resolution) == (director, "总部批了临时车位")
    assert escalated_ids(client) == []
    # the meeting's page still shows it, closed, with its resolution
    client.force_login(secretary)
    page = client.get(f"{MEETING}?date={DAY}").content.decode()
    assert f'id="problem-{problem.pk}" data-state="closed"' in page
    assert "总部批了临时车位" in page


def test_oldest_escalation_first_across_offices(client, office, other_office, director):
    river_secretary = UserFactory(username="sec-r", roles=[Role.SECRETARY], offices=[other_office])
    newer = raise_problem(office, director, text="newer")
    older = meetings.problem_raise(
        office=other_office, date=DAY, text="older", by=river_secretary, now=NOW
    )
    meetings.problem_escalate(problem=older, by=river_secretary, now=at(DAY, 18, 5))
    meetings.problem_escalate(problem=newer, by=director, now=at(DAY, 18, 10))
    client.force_login(director)
    assert escalated_ids(client) == [older.pk, newer.pk]


def test_who_may_open_the_escalations(client, secretary, salesperson):
    for user in (secretary, salesperson):
        client.force_login(user)
        assert client.get(ESCALATIONS).status_code == 403
    client.logout()
    assert client.get(ESCALATIONS).status_code == 302


# ---------------------------------------------------------------- the meeting page


def test_secretary_records_minutes_and_problems_from_the_page(
    client, office, secretary, salesperson, director
):
    client.cookies["django_language"] = "en"
    client.force_login(secretary)
    response = client.get(MEETING)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="minutes-form"' in page and 'id="problem-form"' in page
    assert "Escalate to leadership" in page

    base = {"office": office.pk, "date": DAY.isoformat()}
    url = f"{MEETING}minutes/"
    assert client.post(url, {**base, "minutes": " "}).status_code == 422
    assert client.post(url, {**base, "minutes": "1. 价格问题"}).status_code == 302
    meeting = Meeting.objects.get(office=office, date=DAY)
    assert (meeting.minutes, meeting.recorded_by, meeting.updated_at) == (
        "1. 价格问题",
        secretary,
        NOW,
    )

    url = f"{MEETING}problems/"
    assert client.post(url, {**base, "text": ""}).status_code == 422
    data = {**base, "text": "客户要求降价", "raised_by": salesperson.pk, "escalate": "on"}
    assert client.post(url, data).status_code == 302
    escalated = MeetingProblem.objects.get(text="客户要求降价")
    assert escalated.escalated and escalated.raised_by == salesperson
    assert client.post(url, {**base, "text": "样板间灯坏了"}).status_code == 302
    local = MeetingProblem.objects.get(text="样板间灯坏了")
    assert not local.escalated
    assert Notification.objects.filter(recipient=director).count() == 1

    page = client.get(MEETING).content.decode()
    assert "1. 价格问题" in page
    assert f'id="problem-{escalated.pk}" data-state="escalated"' in page
    assert f'id="problem-{local.pk}" data-state="open"' in page
    assert f'action="/reports/meeting/problems/{local.pk}/escalate/"' in page
    assert f'action="/reports/meeting/problems/{escalated.pk}/escalate/"' not in page

    assert client.post(f"{MEETING}problems/{local.pk}/escalate/").status_code == 302
    local.refresh_from_db()
    assert local.escalated_by == secretary
    assert Notification.objects.filter(recipient=director).count() == 2


def test_meeting_page_permissions(
    client, office, other_office, secretary, salesperson, manager, other_manager
):
    client.force_login(salesperson)
    assert client.get(MEETING).status_code == 403
    assert (
        client.post(f"{MEETING}minutes/", {"office": office.pk, "minutes": "x"}).status_code == 403
    )
    client.force_login(manager)  # a manager may keep the minutes too
    assert client.get(MEETING).status_code == 200
    client.force_login(secretary)
    assert client.get(f"{MEETING}?office={other_office.pk}").status_code == 404
    river = meetings.problem_raise(
        office=other_office, date=DAY, text="江畔的问题", by=other_manager, now=NOW
    )
    assert client.post(f"{MEETING}problems/{river.pk}/escalate/").status_code == 404
    river.refresh_from_db()
    assert not river.escalated
    client.force_login(salesperson)
    mine = raise_problem(office, secretary)
    assert client.post(f"{MEETING}problems/{mine.pk}/escalate/").status_code == 403


def test_future_day_has_no_forms(client, secretary):
    client.force_login(secretary)
    page = client.get(f"{MEETING}?date=2026-03-03").content.decode()
    assert 'id="minutes-form"' not in page and 'id="problem-form"' not in page


def counts_on_page(client, day) -> dict[str, int]:
    page = client.get(f"{MEETING}?date={day}").content.decode()
    return {k: int(v) for k, v in re.findall(r'data-count="([\w-]+)">(\d+)<', page)}


def test_the_days_figures_on_office_local_day_edges(client, office, secretary):
    """R-2.8: the office-local day [00:00, 24:00) in Shanghai, not the UTC day."""
    visits = [  # phone, when: a phone seen before is a returning customer
        ("13800000001", at(DAY - datetime.timedelta(1), 20)),  # the day before
        ("13800000005", at(DAY - datetime.timedelta(1), 23, 59, 59)),  # the day before
        ("13800000001", at(DAY, 0, 0)),  # returning, first second of the day
        ("13800000002", at(DAY, 10)),  # new
        ("13800000002", at(DAY, 15)),  # returning
        ("13800000003", at(DAY, 23, 59, 59)),  # new, last second of the day
        ("13800000004", at(DAY + datetime.timedelta(1), 0, 0)),  # the next day
    ]
    for phone, when in visits:
        reception.visit_register(
            office=office, actor=secretary, phone=phone, source_channel=channel(), now=when
        )
    calls = [
        ("customer", "13900000001", at(DAY, 0, 0)),
        ("customer", "13900000002", at(DAY, 12)),
        ("non_customer", "", at(DAY, 9)),
        ("non_customer", "", at(DAY, 23, 59, 59)),
        ("non_customer", "", at(DAY + datetime.timedelta(1), 0, 0)),  # the next day
        ("customer", "13900000003", at(DAY - datetime.timedelta(1), 23, 59)),  # the day before
    ]
    for kind, phone, when in calls:
        reception.call_register(
            office=office,
            actor=secretary,
            kind=kind,
            phone=phone,
            caller="推销" if not phone else "",
            content="咨询",
            now=when,
        )
    client.force_login(secretary)
    counts = counts_on_page(client, DAY)
    assert {k: counts[k] for k in ("visits", "new", "returning")} == {
        "visits": 4,
        "new": 2,
        "returning": 2,
    }
    assert (counts["customer-calls"], counts["non-customer-calls"]) == (2, 2)


def test_diaries_submitted_late_missing_and_off(
    client, office, secretary, salesperson, other_salesperson
):
    """R-7.1/R-7.2: the meeting's input: who handed in the diary, late, not at all; a day
    off owes none."""
    third = UserFactory(username="sp3", roles=[Role.SALESPERSON], offices=[office])
    away = UserFactory(username="sp4", roles=[Role.SALESPERSON], offices=[office])
    DayOff.objects.create(office=office, salesperson=away, date=DAY, kind=DayOffKind.LEAVE)
    diary_submit(
        salesperson=salesperson,
        office=office,
        date=DAY,
        feedback="客户嫌贵",
        problems="车位不够卖",
        now=at(DAY, 16, 30),
    )
    diary_submit(
        salesperson=other_salesperson,
        office=office,
        date=DAY,
        feedback="",
        problems="",
        now=at(DAY, 17, 1),
    )
    client.force_login(secretary)
    counts = counts_on_page(client, DAY)
    assert {k: counts[k] for k in ("owed", "submitted", "late", "missing")} == {
        "owed": 3,
        "submitted": 2,
        "late": 1,
        "missing": 1,
    }
    page = client.get(f"{MEETING}?date={DAY}").content.decode()
    assert "车位不够卖" in page
    statuses = dict(re.findall(r'id="diary-(\d+)">\s*<p[^>]*>\s*<strong>[^<]*</strong>\s*'
                               r'<span class="tag[^"]*" data-status="(\w+)"', page))  # fmt: skip
    assert statuses == {
        str(salesperson.pk): "submitted",
        str(other_salesperson.pk): "late",
        str(third.pk): "missing",
        str(away.pk): "off",
    }


def test_meeting_page_query_count_does_not_grow_with_salespeople(client, office, secretary):
    def team_with_diaries(start, n):
        for i in range(start, start + n):
            person = UserFactory(username=f"q{i}", roles=[Role.SALESPERSON], offices=[office])
            diary_submit(
                salesperson=person,
                office=office,
                date=DAY,
                feedback=f"f{i}",
                problems=f"p{i}",
                now=at(DAY, 16),
            )
            raise_problem(office, secretary, text=f"问题{i}", raised_by=person, escalate=i % 2 == 0)

    client.force_login(secretary)
    url = f"{MEETING}?date={DAY}"
    team_with_diaries(0, 1)
    client.get(url)  # warm the per-session caches
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    team_with_diaries(1, 4)
    with CaptureQueriesContext(connection) as five:
        response = client.get(url)
    assert len(response.context["data"].diaries) == 5
    assert len(five) == len(one) <= 25, [q["sql"] for q in five.captured_queries]


def test_escalations_page_query_count_does_not_grow(client, office, other_office, director):
    def escalate(n, start):
        for i in range(start, start + n):
            where = office if i % 2 else other_office
            raise_problem(where, director, text=f"问题{i}", escalate=True)

    client.force_login(director)
    escalate(1, 0)
    client.get(ESCALATIONS)
    with CaptureQueriesContext(connection) as one:
        client.get(ESCALATIONS)
    escalate(4, 1)
    with CaptureQueriesContext(connection) as five:
        assert len(escalated_ids(client)) == 5
    assert len(five) == len(one)
