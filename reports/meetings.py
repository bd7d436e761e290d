"""The daily meeting (R-7.3): the secretary's minutes, the problems raised, and their
escalation to company leadership. Writes (services) first, then reads (selectors).

Decisions:
- A problem can be escalated at any time while it is open; R-7.3 asks for the same day, so
  `escalated_at` records when, and the pages flag an escalation made after the meeting's day.
- Escalating an escalated problem changes nothing and notifies nobody again.
- The escalation itself is the one mechanism of escalations/ (R-16.1): the problem keeps its
  own escalated/closed fields for the meeting's page; leadership's list reads the Escalation.
- Closing needs a resolution (also a database constraint); a closed problem stays closed.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from common.errors import DomainError
from escalations.choices import Source
from escalations.migration_data import meeting_problem_url
from escalations.rules import subject_title
from escalations.selectors import open_queryset
from escalations.services import escalation_close_subject, escalation_raise
from reception.selectors import counters_of_day, office_today
from staff.models import Office
from staff.rules import validate_record_date

from .choices import DayOffKind
from .models import DayOff, Meeting, MeetingProblem
from .selectors import Diary, diaries_for, salespeople_of

# ---------------------------------------------------------------- services


def _not_future(office: Office, date: datetime.date, now) -> None:
    today = office_today(office, now)
    if date > today:
        raise ValidationError({"date": [_("The meeting of a future day cannot be recorded.")]})
    validate_record_date(date, opened_on=office.opened_on, today=today)


def _meeting_of(office: Office, date: datetime.date) -> Meeting:
    meeting, _created = Meeting.objects.get_or_create(office=office, date=date)
    return meeting


@transaction.atomic
def meeting_record(*, office: Office, date: datetime.date, minutes: str, by, now) -> Meeting:
    """R-7.3: the secretary (or the manager) records the minutes of the day's meeting; a later
    save replaces the text and records who saved it and when."""
    _not_future(office, date, now)
    minutes = (minutes or "").strip()
    if not minutes:
        raise ValidationError({"minutes": [_("Write the minutes.")]})
    meeting = Meeting.objects.select_for_update().get(pk=_meeting_of(office, date).pk)
    meeting.minutes, meeting.recorded_by, meeting.updated_at = minutes, by, now
    meeting.save(update_fields=["minutes", "recorded_by", "updated_at"])
    return meeting


@transaction.atomic
def problem_raise(
    *,
    office: Office,
    date: datetime.date,
    text: str,
    raised_by=None,
    escalate: bool = False,
    by,
    now,
) -> MeetingProblem:
    """R-7.3: a problem raised at the day's meeting, by one of the office's salespeople or by
    nobody in particular; escalated at once when the meeting cannot solve it."""
    _not_future(office, date, now)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Describe the problem.")]})
    if raised_by is not None and not salespeople_of(office).filter(pk=raised_by.pk).exists():
        raise ValidationError({"raised_by": [_("Not a salesperson of this office.")]})
    problem = MeetingProblem.objects.create(
        meeting=_meeting_of(office, date),
        office=office,
        text=text,
        raised_by=raised_by,
        created_at=now,
        created_by=by,
    )
    if escalate:
        problem = problem_escalate(problem=problem, by=by, now=now)
    return problem


def _raise_escalation(problem: MeetingProblem, *, by, now) -> None:
    escalation_raise(
        office=problem.office,
        source=Source.MEETING_PROBLEM,
        subject_id=problem.pk,
        title=subject_title(problem.text),
        text=problem.text,
        url=meeting_problem_url(
            office_id=problem.office_id, date=problem.meeting.date, pk=problem.pk
        ),
        by=by,
        now=now,
    )


@transaction.atomic
def problem_escalate(*, problem: MeetingProblem, by, now) -> MeetingProblem:
    """R-7.3: escalate to company leadership through the one escalation list (R-16.1): every
    director and executive is notified once. Escalating again is a no-op; a closed problem
    cannot be escalated."""
    problem = (
        MeetingProblem.objects.select_for_update()
        .select_related("office", "meeting")
        .get(pk=problem.pk)
    )
    if problem.closed_at is not None:
        raise DomainError(_("This problem is already closed."), code="already_closed")
    if problem.escalated_at is not None:
        return problem
    problem.escalated_at, problem.escalated_by = now, by
    problem.save(update_fields=["escalated_at", "escalated_by"])
    _raise_escalation(problem, by=by, now=now)
    return problem


def _close_problem(problem_id: int, resolution: str, by, now) -> MeetingProblem:
    problem = MeetingProblem.objects.select_for_update().get(pk=problem_id)
    if problem.closed_at is not None:
        raise DomainError(_("This problem is already closed."), code="already_closed")
    problem.closed_at, problem.closed_by, problem.resolution = now, by, resolution
    problem.save(update_fields=["closed_at", "closed_by", "resolution"])
    return problem


def closed_from_escalation_list(*, subject_id: int, resolution: str, by, now) -> None:
    """R-7.3: leadership closed the problem's escalation from the list (escalations' on_close
    hook, registered in reports.apps): the problem closes with the same resolution."""
    _close_problem(subject_id, resolution, by, now)


def decorate_escalations(escalations: list) -> None:
    """Leadership's list (escalations.views): each meeting problem's escalation shows the
    meeting's day, who raised it, and whether it was escalated after that day (one query)."""
    problems = MeetingProblem.objects.filter(pk__in=[e.subject_id for e in escalations])
    by_pk = {p.pk: p for p in problems.select_related("meeting", "office", "raised_by")}
    for escalation in escalations:
        problem = by_pk.get(escalation.subject_id)
        if problem is None:
            continue
        escalation.escalated_late = escalated_late(problem)
        details = str(_("meeting of %(date)s") % {"date": problem.meeting.date.isoformat()})
        if problem.raised_by is not None:
            details += " · " + str(_("raised by %(person)s") % {"person": problem.raised_by})
        escalation.details = details


@transaction.atomic
def problem_close(*, problem: MeetingProblem, resolution: str, by, now) -> MeetingProblem:
    """R-7.3: the problem is solved: closed with the resolution, off the open list (its
    escalation, if any, closes with it)."""
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": [_("Write the resolution.")]})
    problem = _close_problem(problem.pk, resolution, by, now)
    escalation_close_subject(
        source=Source.MEETING_PROBLEM,
        subject_id=problem.pk,
        resolution=resolution,
        by=by,
        now=now,
    )
    return problem


# ---------------------------------------------------------------- selectors


def escalated_late(problem: MeetingProblem) -> bool:
    """R-7.3: escalated after the meeting's own (office-local) day."""
    if problem.escalated_at is None:
        return False
    local = problem.escalated_at.astimezone(problem.office.tzinfo).date()
    return local > problem.meeting.date


@dataclass
class MeetingDay:
    """What the 18:00 meeting looks at (R-7.3): the day's diaries as its input, the front
    desk's counts (R-2.8), the minutes and the problems raised."""

    office: Office
    date: datetime.date
    meeting: Meeting | None
    diaries: list[Diary]
    counts: dict
    problems: list[MeetingProblem] = field(default_factory=list)

    @property
    def owed(self) -> list[Diary]:
        return [d for d in self.diaries if not d.day_off]

    @property
    def submitted(self) -> list[Diary]:
        return [d for d in self.diaries if d.submitted_at is not None]

    @property
    def late(self) -> list[Diary]:
        return [d for d in self.diaries if d.late]

    @property
    def missing(self) -> list[Diary]:
        return [d for d in self.owed if d.submitted_at is None]

    @property
    def diary_problems(self) -> list[Diary]:
        return [d for d in self.diaries if d.problems]


def meeting_day(*, office: Office, date: datetime.date) -> MeetingDay:
    """The meeting page's data in a constant number of queries: the salespeople (1), their
    diaries (5, reports.selectors.diaries_for), their days off (1), the counts (2), the
    meeting (1) and its problems (1)."""
    diaries = diaries_for(office=office, date=date, salespeople=salespeople_of(office))
    off = dict(
        DayOff.objects.filter(office=office, date=date).values_list("salesperson_id", "kind")
    )
    for diary in diaries:
        kind = off.get(diary.salesperson.pk)
        diary.day_off = DayOffKind(kind).label if kind else ""
    problems = list(
        MeetingProblem.objects.filter(office=office, meeting__date=date)
        .select_related("meeting", "office", "raised_by", "escalated_by", "closed_by")
        .order_by("created_at", "pk")
    )
    for problem in problems:
        problem.escalated_late = escalated_late(problem)
    return MeetingDay(
        office=office,
        date=date,
        meeting=Meeting.objects.filter(office=office, date=date)
        .select_related("recorded_by")
        .first(),
        diaries=diaries,
        counts=counters_of_day(office=office, day=date),
        problems=problems,
    )


def escalations_open(user) -> list[MeetingProblem]:
    """R-7.3: the escalated meeting problems whose escalation is open in the offices the user
    follows, oldest escalation first (escalations.selectors decides who sees what)."""
    open_ids = open_queryset(user, source=Source.MEETING_PROBLEM).values("subject_id")
    problems = list(
        MeetingProblem.objects.filter(pk__in=open_ids)
        .select_related("meeting", "office", "raised_by", "escalated_by", "created_by")
        .order_by("escalated_at", "pk")
    )
    for problem in problems:
        problem.escalated_late = escalated_late(problem)
    return problems
