"""The data migration (escalations 0002): the first part's escalated meeting problems (R-7.3)
move onto the one escalation list, closed ones closed with their resolution."""

import datetime

import pytest

from escalations.choices import Source
from escalations.migration_data import copy_meeting_problems
from escalations.models import Escalation
from reports import meetings
from reports.models import MeetingProblem

from .conftest import DAY, NOW

pytestmark = pytest.mark.django_db


def test_escalated_problems_become_escalations_once(office, secretary, director):
    def problem(text, **extra):
        return meetings.problem_raise(
            office=office, date=DAY, text=text, by=secretary, now=NOW, **extra
        )

    open_one = problem("停车位不够\n详情", raised_by=None, escalate=True)
    closed_one = problem("空调坏了", escalate=True)
    meetings.problem_close(problem=closed_one, resolution="已修好", by=director, now=NOW)
    never = problem("小问题")
    # as before issue 19: the problems' own fields only, no escalation rows
    Escalation.objects.all().delete()
    later = NOW + datetime.timedelta(days=1)
    MeetingProblem.objects.filter(pk=open_one.pk).update(escalated_at=later)

    assert copy_meeting_problems(MeetingProblem, Escalation) == 2
    rows = {e.subject_id: e for e in Escalation.objects.filter(source=Source.MEETING_PROBLEM)}
    assert set(rows) == {open_one.pk, closed_one.pk} and never.pk not in rows
    opened = rows[open_one.pk]
    assert (opened.office, opened.title, opened.text) == (office, "停车位不够", "停车位不够\n详情")
    assert (opened.escalated_at, opened.escalated_by, opened.closed_at) == (later, secretary, None)
    assert opened.url == f"/reports/meeting/?office={office.pk}&date={DAY}#problem-{open_one.pk}"
    closed = rows[closed_one.pk]
    assert (closed.closed_at, closed.closed_by, closed.resolution) == (NOW, director, "已修好")
    assert copy_meeting_problems(MeetingProblem, Escalation) == 0  # re-running adds nothing
    assert Escalation.objects.count() == 2
