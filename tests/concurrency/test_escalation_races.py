"""Races of the one escalation list (R-7.3, R-16.1), real threads against PostgreSQL.

- two people raising the same subject at the same instant: one row, and leadership is told
  once (the unique constraint on (source, subject) decides; the loser returns the winner's);
- a meeting problem escalated twice at once from the meeting page: one escalation;
- leadership closing the same escalation twice at once: one close, the other
  `already_closed`, the problem closed once with the winner's resolution.

Each race runs several rounds; every outcome is asserted.
"""

import datetime

import pytest

from common.errors import DomainError
from escalations import services
from escalations.choices import Source
from escalations.models import Escalation
from notifications.models import Notification
from reports import meetings
from reports.models import MeetingProblem
from staff.choices import Role
from staff.factories import UserFactory

from .harness import run_together

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 3
T0 = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def people(office, manager, director, secretary):
    executive = UserFactory(username="r-exec", roles=[Role.EXECUTIVE], offices=[])
    second = UserFactory(username="r-mgr2", roles=[Role.MANAGER], offices=[office])
    return {"manager": manager, "second": second, "leaders": [director, executive]}


def test_two_raises_of_one_subject_make_one_row_and_one_set_of_notifications(office, people):
    for round_ in range(ROUNDS):
        subject = 7000 + round_

        def raise_by(user, subject=subject):
            return lambda: services.escalation_raise(
                office=office,
                source=Source.AFTER_SALES,
                subject_id=subject,
                title=f"售后{subject}",
                text="分部无法解决",
                url="/aftersales/",
                by=user,
                now=T0,
            )

        before = Notification.objects.count()
        outcomes = run_together([raise_by(people["manager"]), raise_by(people["second"])] * 2)
        assert [o.error for o in outcomes] == [None] * 4
        rows = Escalation.objects.filter(source=Source.AFTER_SALES, subject_id=subject)
        assert rows.count() == 1
        assert {o.value.pk for o in outcomes} == {rows.get().pk}
        notes = Notification.objects.filter(kind="escalated").order_by("recipient_id")
        assert Notification.objects.count() - before == len(people["leaders"])
        assert set(notes.values_list("recipient_id", flat=True)) == {
            u.pk for u in people["leaders"]
        }
        Notification.objects.all().delete()


def test_a_meeting_problem_escalated_twice_at_once_is_escalated_once(office, secretary, people):
    for round_ in range(ROUNDS):
        problem = meetings.problem_raise(
            office=office, date=T0.date(), text=f"问题{round_}", by=secretary, now=T0
        )

        def escalate(problem=problem):
            return meetings.problem_escalate(problem=problem, by=secretary, now=T0)

        outcomes = run_together([escalate, escalate, escalate])
        assert [o.error for o in outcomes] == [None] * 3
        assert Escalation.objects.filter(subject_id=problem.pk).count() == 1
        assert Notification.objects.filter(kind="escalated").count() == 2
        Notification.objects.all().delete()


def test_two_closes_at_once_close_once(office, secretary, director, people):
    executive = people["leaders"][1]
    for round_ in range(ROUNDS):
        problem = meetings.problem_raise(
            office=office, date=T0.date(), text=f"问题{round_}", escalate=True, by=secretary, now=T0
        )
        e = Escalation.objects.get(source=Source.MEETING_PROBLEM, subject_id=problem.pk)

        def close(user, words, e=e):
            return lambda: services.escalation_close(
                escalation=e, resolution=words, by=user, now=T0
            )

        outcomes = run_together([close(director, "甲方案"), close(executive, "乙方案")])
        errors = [o.error for o in outcomes if o.error is not None]
        assert len(errors) == 1, errors
        assert isinstance(errors[0], DomainError) and errors[0].code == "already_closed"
        winner = next(o.value for o in outcomes if o.error is None)
        problem = MeetingProblem.objects.get(pk=problem.pk)
        e.refresh_from_db()
        assert problem.resolution == e.resolution == winner.resolution
        assert problem.closed_by == e.closed_by == winner.closed_by
