"""Leadership's one escalation list (R-7.3, R-16.1, R-16.2): who sees which, who closes
which, the filters, and the old meeting addresses that lead to it."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from escalations.choices import Source
from escalations.factories import escalation
from escalations.models import Escalation
from reports import meetings
from reports.models import MeetingProblem
from staff.choices import Role
from staff.factories import UserFactory
from workspace.context_processors import navigation

from .conftest import DAY, NOW

pytestmark = pytest.mark.django_db

LIST = "/escalations/"


def listed(client, query: str = "") -> list[int]:
    response = client.get(LIST + query)
    assert response.status_code == 200
    return [int(pk) for pk in re.findall(r'id="escalation-(\d+)"', response.content.decode())]


@pytest.fixture
def two_offices(office, other_office, manager, other_manager, secretary):
    """An after-sales escalation in each office and a meeting problem of the first."""
    mine = escalation(office, by=manager, now=NOW, title="本分部的售后")
    theirs = escalation(other_office, by=other_manager, now=NOW, title="江畔的售后")
    problem = meetings.problem_raise(
        office=office, date=DAY, text="停车位不够", escalate=True, by=secretary, now=NOW
    )
    meeting = Escalation.objects.get(source=Source.MEETING_PROBLEM, subject_id=problem.pk)
    return {"mine": mine, "theirs": theirs, "meeting": meeting, "problem": problem}


def test_leadership_sees_every_office_a_manager_only_theirs(
    client, two_offices, manager, other_manager, director, executive
):
    everything = sorted(e.pk for e in two_offices.values() if isinstance(e, Escalation))
    for boss in (director, executive):
        client.force_login(boss)
        assert sorted(listed(client)) == everything
    client.force_login(manager)
    assert sorted(listed(client)) == sorted([two_offices["mine"].pk, two_offices["meeting"].pk])
    client.force_login(other_manager)
    assert listed(client) == [two_offices["theirs"].pk]


@pytest.mark.parametrize("role", [Role.SALESPERSON, Role.CLERK, Role.SECRETARY, Role.FINANCE])
def test_other_roles_are_refused(client, office, two_offices, role):
    client.force_login(UserFactory(username=f"u-{role}", roles=[role], offices=[office]))
    assert client.get(LIST).status_code == 403
    e = two_offices["meeting"]
    response = client.post(f"{LIST}{e.pk}/close/", {f"e{e.pk}-resolution": "x"})
    assert response.status_code == 404  # not theirs to see
    assert Escalation.objects.get(pk=e.pk).closed_at is None


def test_anonymous_goes_to_the_login(client):
    response = client.get(LIST)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_filters_by_source_and_office(client, two_offices, director, other_office):
    client.force_login(director)
    assert listed(client, "?source=meeting_problem") == [two_offices["meeting"].pk]
    assert listed(client, f"?office={other_office.pk}") == [two_offices["theirs"].pk]
    assert listed(client, f"?source=after_sales&office={other_office.pk}") == [
        two_offices["theirs"].pk
    ]
    assert len(listed(client, "?source=nonsense&office=abc")) == 3  # bad filters: everything


def test_a_manager_cannot_filter_into_another_office(client, two_offices, manager, other_office):
    client.force_login(manager)
    assert len(listed(client, f"?office={other_office.pk}")) == 2  # ignored: not offered


def test_close_form_only_for_leadership_and_only_where_the_list_closes_it(
    client, two_offices, manager, director
):
    client.cookies["django_language"] = "zh-hans"
    meeting, mine = two_offices["meeting"], two_offices["mine"]
    client.force_login(director)
    page = client.get(LIST).content.decode()
    assert f'action="/escalations/{meeting.pk}/close/"' in page
    assert f'action="/escalations/{mine.pk}/close/"' not in page  # after-sales: with its request
    assert "随申请关闭而关闭" in page
    assert "会议问题" in page and "售后服务" in page
    text = re.sub(r"<[^>]*>", " ", page)  # the words shown, without the tags' attributes
    assert "meeting_problem" not in text and "after_sales" not in text
    assert "Escalat" not in text and "R-16" not in text
    client.force_login(manager)
    assert 'class="close-form"' not in client.get(LIST).content.decode()


def test_manager_may_not_close_director_closes_meeting_problem(
    client, two_offices, manager, director
):
    e, problem = two_offices["meeting"], two_offices["problem"]
    url = f"{LIST}{e.pk}/close/"
    client.force_login(manager)
    assert client.post(url, {f"e{e.pk}-resolution": "x"}).status_code == 403
    client.force_login(director)
    response = client.post(url, {f"e{e.pk}-resolution": "  "})
    assert response.status_code == 422 and 'class="field-error"' in response.content.decode()
    response = client.post(url, {f"e{e.pk}-resolution": "总部批了临时车位"})
    assert response.status_code == 302 and response["Location"] == LIST
    problem = MeetingProblem.objects.get(pk=problem.pk)
    assert (problem.closed_by, problem.resolution) == (director, "总部批了临时车位")
    assert e.pk not in listed(client)
    again = client.post(url, {f"e{e.pk}-resolution": "再关一次"})
    assert again.status_code == 409  # already closed
    assert MeetingProblem.objects.get(pk=problem.pk).resolution == "总部批了临时车位"


def test_after_sales_cannot_be_closed_from_the_list(client, two_offices, director, executive):
    """R-16.1: an after-sales escalation stays until its request is closed, whatever is posted."""
    e = two_offices["mine"]
    for boss in (director, executive):
        client.force_login(boss)
        response = client.post(f"{LIST}{e.pk}/close/", {f"e{e.pk}-resolution": "关掉"})
        assert response.status_code == 409
    assert Escalation.objects.get(pk=e.pk).closed_at is None


def test_another_offices_escalation_is_not_found_for_a_manager(client, two_offices, other_manager):
    e = two_offices["mine"]
    client.force_login(other_manager)
    assert client.post(f"{LIST}{e.pk}/close/", {f"e{e.pk}-resolution": "x"}).status_code == 404


def test_the_page_shows_the_meeting_problem_as_before(client, office, secretary, director):
    """R-7.3: the meeting's day, who raised it, and the late flag are kept on the one list."""
    late = meetings.problem_raise(office=office, date=DAY, text="晚了", by=secretary, now=NOW)
    meetings.problem_escalate(problem=late, by=secretary, now=NOW.replace(day=NOW.day + 1))
    client.cookies["django_language"] = "zh-hans"
    client.force_login(director)
    page = client.get(LIST).content.decode()
    assert f"{DAY.isoformat()} 例会" in page and "非例会当日上报" in page
    assert f'href="/reports/meeting/?office={office.pk}&amp;date={DAY}#problem-{late.pk}"' in page


def test_the_list_query_count_does_not_grow(client, office, other_office, manager, director):
    def add(n, start):
        for i in range(start, start + n):
            where = office if i % 2 else other_office
            escalation(where, by=manager, now=NOW, title=f"售后{i}")
            problem = meetings.problem_raise(
                office=where, date=DAY, text=f"问题{i}", escalate=True, by=director, now=NOW
            )
            assert problem.escalated

    client.force_login(director)
    add(1, 0)
    client.get(LIST)
    with CaptureQueriesContext(connection) as one:
        assert len(listed(client)) == 2
    add(5, 1)
    with CaptureQueriesContext(connection) as six:
        assert len(listed(client)) == 12
    assert len(six) == len(one) <= 12, [q["sql"] for q in six.captured_queries]


def test_menu_entry_for_managers_and_leadership(rf, manager, director, executive, salesperson):
    for user, shown in ((manager, True), (director, True), (executive, True), (salesperson, False)):
        request = rf.get("/")
        request.user = user
        urls = [item["url"] for item in navigation(request)["nav_items"]]
        assert (LIST in urls) == shown, user.username
