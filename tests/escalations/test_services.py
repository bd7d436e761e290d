"""One escalation mechanism (R-7.3, R-16.1, R-16.2): raise once, notify leadership once,
close with a resolution once; sources that close with their request are refused on the list."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from common.errors import DomainError
from escalations import services
from escalations.choices import Source
from escalations.factories import escalation
from escalations.models import Escalation
from escalations.selectors import escalations_open, open_count
from notifications.messages import render
from notifications.models import Notification
from reports import meetings
from reports.models import MeetingProblem
from staff.models import User

from .conftest import DAY, NOW

pytestmark = pytest.mark.django_db


def raise_again(e, **changes):
    values = dict(
        office=e.office,
        source=e.source,
        subject_id=e.subject_id,
        title=e.title,
        text=e.text,
        url=e.url,
        by=e.escalated_by,
        now=NOW,
    )
    return services.escalation_raise(**{**values, **changes})


def test_raise_notifies_every_active_director_and_executive_once(
    office, manager, other_manager, leadership
):
    """R-16.1: leadership (directors and executives) are told once; managers are not."""
    first = escalation(office, by=manager, now=NOW, title="无法开机 " * 30)
    later = NOW + datetime.timedelta(hours=1)
    again = raise_again(first, by=other_manager, now=later, title="changed")
    assert again.pk == first.pk and Escalation.objects.count() == 1
    assert (again.escalated_at, again.escalated_by, again.title) == (NOW, manager, first.title)
    notes = Notification.objects.filter(kind="escalated")
    assert sorted(n.recipient_id for n in notes) == sorted(u.pk for u in leadership)
    assert not notes.filter(recipient__in=[manager, other_manager]).exists()
    params = notes[0].params
    assert params["office"] == office.name and params["source"] == "after_sales"
    assert len(params["title"]) == 120
    assert notes[0].url == "/escalations/"


def test_notification_names_the_source_in_the_readers_language(office, manager, director):
    escalation(office, by=manager, now=NOW, source=Source.COMPLAINT, title="送货太慢")
    note = Notification.objects.get(recipient=director)
    with translation.override("zh-hans"):
        text = render(note)
    assert "客户意见" in text and office.name in text and "送货太慢" in text
    assert "complaint" not in text
    with translation.override("en"):
        assert render(note) == f"Customer complaint escalated by {office.name}: 送货太慢"


def test_close_needs_a_resolution_and_happens_once(office, secretary, director):
    problem = meetings.problem_raise(
        office=office, date=DAY, text="停车位不够", escalate=True, by=secretary, now=NOW
    )
    e = Escalation.objects.get(source=Source.MEETING_PROBLEM, subject_id=problem.pk)
    with pytest.raises(ValidationError) as empty:
        services.escalation_close(escalation=e, resolution="  ", by=director, now=NOW)
    assert "resolution" in empty.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses it too
        Escalation.objects.filter(pk=e.pk).update(closed_at=NOW)
    services.escalation_close(escalation=e, resolution="已处理", by=director, now=NOW)
    e.refresh_from_db()
    assert (e.closed_at, e.closed_by, e.resolution) == (NOW, director, "已处理")
    with pytest.raises(DomainError) as twice:
        services.escalation_close(escalation=e, resolution="again", by=director, now=NOW)
    assert twice.value.code == "already_closed"
    with pytest.raises(DomainError) as closed:  # a closed subject cannot be escalated again
        raise_again(e)
    assert closed.value.code == "already_closed"


@pytest.mark.parametrize("source", [Source.AFTER_SALES, Source.COMPLAINT])
def test_after_sales_and_complaints_close_with_their_request_not_from_the_list(
    office, manager, director, source
):
    """R-16.1, R-16.2: they stay on the list until the request itself is closed."""
    e = escalation(office, by=manager, now=NOW, source=source)
    with pytest.raises(DomainError) as refused:
        services.escalation_close(escalation=e, resolution="结了", by=director, now=NOW)
    assert refused.value.code == "closes_with_subject"
    assert Escalation.objects.get(pk=e.pk).closed_at is None
    closed = services.escalation_close_subject(
        source=source, subject_id=e.subject_id, resolution="更换主板", by=manager, now=NOW
    )
    assert closed.pk == e.pk and closed.resolution == "更换主板" and closed.closed_by == manager
    again = services.escalation_close_subject(
        source=source, subject_id=e.subject_id, resolution="x", by=manager, now=NOW
    )
    assert again is None  # nothing open any more
    assert (
        services.escalation_close_subject(
            source=source, subject_id=123456789, resolution="x", by=manager, now=NOW
        )
        is None
    )


def test_meeting_problem_closed_from_the_list_closes_the_problem(office, secretary, director):
    """R-7.3: the meeting problem's hook closes the problem with the same resolution."""
    problem = meetings.problem_raise(
        office=office, date=DAY, text="停车位不够\n第二行", escalate=True, by=secretary, now=NOW
    )
    e = Escalation.objects.get(source=Source.MEETING_PROBLEM, subject_id=problem.pk)
    assert e.title == "停车位不够" and e.text == "停车位不够\n第二行"
    assert e.url == f"/reports/meeting/?office={office.pk}&date={DAY}#problem-{problem.pk}"
    services.escalation_close(escalation=e, resolution="总部批了临时车位", by=director, now=NOW)
    problem.refresh_from_db()
    assert (problem.closed_at, problem.closed_by, problem.resolution) == (
        NOW,
        director,
        "总部批了临时车位",
    )


def test_closing_the_problem_itself_closes_its_escalation(office, secretary, director):
    problem = meetings.problem_raise(
        office=office, date=DAY, text="空调坏了", escalate=True, by=secretary, now=NOW
    )
    meetings.problem_close(problem=problem, resolution="已修好", by=director, now=NOW)
    e = Escalation.objects.get(source=Source.MEETING_PROBLEM, subject_id=problem.pk)
    assert (e.closed_at, e.resolution) == (NOW, "已修好")


def test_a_problem_closed_meanwhile_rolls_the_list_close_back(office, secretary, director):
    """The hook refuses a closed problem: the escalation stays as it was (one transaction)."""
    problem = meetings.problem_raise(
        office=office, date=DAY, text="空调坏了", escalate=True, by=secretary, now=NOW
    )
    e = Escalation.objects.get(source=Source.MEETING_PROBLEM, subject_id=problem.pk)
    MeetingProblem.objects.filter(pk=problem.pk).update(
        closed_at=NOW, closed_by=director, resolution="别处关闭"
    )
    with pytest.raises(DomainError):
        services.escalation_close(escalation=e, resolution="x", by=director, now=NOW)
    assert Escalation.objects.get(pk=e.pk).closed_at is None


def test_the_open_list_takes_two_queries_whatever_its_length(
    office, other_office, manager, director, django_assert_max_num_queries
):
    """R-7.3: oldest first, in at most two queries (the user's offices, then the list)."""
    for i in range(6):
        escalation(office if i % 2 else other_office, by=manager, now=NOW + datetime.timedelta(i))
    for user, expected in ((manager, 3), (director, 6)):
        fresh = User.objects.get(pk=user.pk)
        with django_assert_max_num_queries(2):
            rows = escalations_open(fresh)
            assert [str(e.escalated_by) for e in rows] and [e.office.name for e in rows]
        assert len(rows) == expected == open_count(fresh)
        assert [e.escalated_at for e in rows] == sorted(e.escalated_at for e in rows)
