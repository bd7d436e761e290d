"""The escalation list in the API (R-7.3, R-16.1, R-16.2): GET /api/v1/escalations/ and
POST /api/v1/escalations/{id}/close/."""

import pytest

from escalations.choices import Source
from escalations.factories import escalation
from escalations.models import Escalation
from reports import meetings
from reports.models import MeetingProblem
from staff.choices import Role
from staff.factories import UserFactory

from .conftest import DAY, NOW

pytestmark = pytest.mark.django_db

URL = "/api/v1/escalations/"
FIELDS = {
    "id",
    "office",
    "source",
    "title",
    "text",
    "url",
    "escalated_at",
    "escalated_by",
    "closed_at",
    "resolution",
}


@pytest.fixture
def world(office, other_office, manager, other_manager, secretary):
    problem = meetings.problem_raise(
        office=office, date=DAY, text="停车位不够", escalate=True, by=secretary, now=NOW
    )
    return {
        "problem": problem,
        "meeting": Escalation.objects.get(source=Source.MEETING_PROBLEM, subject_id=problem.pk),
        "mine": escalation(office, by=manager, now=NOW),
        "theirs": escalation(other_office, by=other_manager, now=NOW, source=Source.COMPLAINT),
    }


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_visibility_follows_the_page(api, world, manager, other_manager, director, executive):
    for boss in (director, executive):
        api.force_authenticate(boss)
        assert sorted(ids(api.get(URL))) == sorted(
            e.pk for e in (world["meeting"], world["mine"], world["theirs"])
        )
    api.force_authenticate(manager)
    assert sorted(ids(api.get(URL))) == sorted([world["meeting"].pk, world["mine"].pk])
    api.force_authenticate(other_manager)
    rows = api.get(URL).json()["results"]
    assert [r["id"] for r in rows] == [world["theirs"].pk]
    assert set(rows[0]) == FIELDS and rows[0]["source"] == "complaint"
    assert api.get(f"{URL}{world['mine'].pk}/").status_code == 404


@pytest.mark.parametrize("role", [Role.SALESPERSON, Role.CLERK, Role.TECHNICIAN])
def test_other_roles_are_refused(api, office, world, role):
    api.force_authenticate(UserFactory(username=f"api-{role}", roles=[role], offices=[office]))
    assert api.get(URL).status_code == 403
    e = world["meeting"]
    assert api.post(f"{URL}{e.pk}/close/", {"resolution": "x"}, format="json").status_code == 404


def test_anonymous_is_refused(api, world):
    assert api.get(URL).status_code in (401, 403)


def test_filters_are_validated(api, world, director, other_office):
    api.force_authenticate(director)
    assert ids(api.get(URL, {"source": "meeting_problem"})) == [world["meeting"].pk]
    assert ids(api.get(URL, {"office": other_office.pk})) == [world["theirs"].pk]
    assert api.get(URL, {"source": "x"}).status_code == 400
    assert api.get(URL, {"office": "1 OR 1=1"}).status_code == 400
    assert api.get(URL, {"state": "gone"}).status_code == 400
    assert ids(api.get(URL, {"state": "closed"})) == []


def test_close_a_meeting_problem_through_the_api(api, world, manager, director):
    e, problem = world["meeting"], world["problem"]
    close = f"{URL}{e.pk}/close/"
    api.force_authenticate(manager)  # follows it, may not close it
    assert api.post(close, {"resolution": "x"}, format="json").status_code == 403
    api.force_authenticate(director)
    empty = api.post(close, {"resolution": "  "}, format="json")
    assert empty.status_code == 400 and "resolution" in empty.json()
    assert api.post(close, {}, format="json").status_code == 400
    done = api.post(close, {"resolution": "临时车位"}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["resolution"] == "临时车位" and done.json()["closed_at"]
    assert MeetingProblem.objects.get(pk=problem.pk).resolution == "临时车位"
    again = api.post(close, {"resolution": "再来"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_closed"
    assert ids(api.get(URL, {"state": "closed"})) == [e.pk]
    assert e.pk not in ids(api.get(URL))


def test_after_sales_and_complaints_refuse_closing_from_the_list(api, world, executive):
    api.force_authenticate(executive)
    for key in ("mine", "theirs"):
        e = world[key]
        response = api.post(f"{URL}{e.pk}/close/", {"resolution": "关掉"}, format="json")
        assert response.status_code == 409 and response.json()["code"] == "closes_with_subject"
        assert Escalation.objects.get(pk=e.pk).closed_at is None
