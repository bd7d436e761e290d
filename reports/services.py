"""Writes for the work diary (R-7.1), its fines and the days off that excuse it (R-7.2).
Time is always an argument."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from common.errors import DomainError
from common.history import job_context
from reception.selectors import day_bounds, office_today
from staff.models import Office
from staff.rules import validate_record_date

from .choices import DayOffKind, FineKind
from .models import DayOff, Fine, WorkDiary
from .selectors import diary_deadline, salespeople_of

ASSESS_FINES = "diary.assess_fines"


@transaction.atomic
def diary_submit(
    *, salesperson, office: Office, date: datetime.date, feedback: str, problems: str, now
) -> WorkDiary:
    """R-7.1: the salesperson writes the day's feedback and problems. Allowed for the office's
    local today or an earlier day. Submitting again updates the text but keeps the first
    `submitted_at`: a diary handed in on time stays on time, and a late one cannot be made
    on time by submitting again."""
    today = office_today(office, now)
    if date > today:
        raise ValidationError({"date": [_("A diary cannot be submitted for a future day.")]})
    validate_record_date(date, opened_on=office.opened_on, today=today)
    diary, _created = WorkDiary.objects.get_or_create(
        salesperson=salesperson, office=office, date=date
    )
    diary = WorkDiary.objects.select_for_update().get(pk=diary.pk)
    diary.feedback, diary.problems = feedback.strip(), problems.strip()
    if diary.submitted_at is None:
        diary.submitted_at = now
    diary.save(update_fields=["feedback", "problems", "submitted_at"])
    return diary


@transaction.atomic
def diary_reply(*, diary: WorkDiary, manager, reply: str, now) -> WorkDiary:
    """R-7.1: the manager's reply; a later reply replaces the earlier one."""
    reply = (reply or "").strip()
    if not reply:
        raise ValidationError({"reply": [_("Write the reply.")]})
    diary = WorkDiary.objects.select_for_update().get(pk=diary.pk)
    diary.manager_reply, diary.replied_by, diary.replied_at = reply, manager, now
    diary.save(update_fields=["manager_reply", "replied_by", "replied_at"])
    return diary


def assessed_day(office: Office, now: datetime.datetime) -> datetime.date:
    """The office-local day that ends at or just before `now`. The job runs at 23:59, so a
    run within the day's last minute assesses that day (today); any later run assesses the
    day before."""
    return (now.astimezone(office.tzinfo) + datetime.timedelta(minutes=1)).date() - (
        datetime.timedelta(days=1)
    )


def _assess_office(office: Office, day: datetime.date, now) -> int:
    start, end = day_bounds(office, day)
    deadline = diary_deadline(office, day)
    month_start = day.replace(day=1)
    diaries = WorkDiary.objects.filter(
        office=office, date=day, salesperson=OuterRef("pk"), submitted_at__lt=end
    )
    # the number of this offence within the calendar month. Earlier offences count
    # whether waived or not (waiving forgives the money, not the offence); the day's own
    # fine, if already recorded, is excluded so that a re-run computes the same number.
    earlier = (
        Fine.objects.filter(
            office=office, salesperson=OuterRef("pk"), date__gte=month_start, date__lt=day
        )
        .order_by()
        .values("salesperson")
        .annotate(n=Count("pk"))
        .values("n")
    )
    people = (
        salespeople_of(office)
        .annotate(
            off=Exists(DayOff.objects.filter(office=office, date=day, salesperson=OuterRef("pk"))),
            submitted=Subquery(diaries.values("submitted_at")[:1]),
            earlier=Subquery(earlier[:1]),
        )
        .filter(off=False)
        .filter(Q(submitted__isnull=True) | Q(submitted__gt=deadline))
    )
    fines = []
    for person in people:
        number = (person.earlier or 0) + 1
        fines.append(
            Fine(
                office=office,
                salesperson=person,
                date=day,
                kind=FineKind.MISSING if person.submitted is None else FineKind.LATE,
                offence_number=number,
                amount=office.fine_step * number,
            )
        )
    before = Fine.objects.filter(office=office, date=day).count()
    # the unique (salesperson, office, date) constraint + ON CONFLICT DO NOTHING: a second run,
    # even a concurrent one, adds nothing
    Fine.objects.bulk_create(fines, ignore_conflicts=True)
    return Fine.objects.filter(office=office, date=day).count() - before


def fines_assess(*, office: Office | None = None, day: datetime.date | None = None, now) -> int:
    """R-7.2: record the day's diary offences for every active salesperson without a day off:
    a diary submitted after the deadline is `late`; none by the end of the day is `missing`.
    `day` defaults, per office, to the local day that ends at or just before `now`.
    Returns the number of fines created."""
    offices = [office] if office is not None else list(Office.objects.filter(is_active=True))
    created = 0
    for each in offices:
        # two runs at once (two beats, a re-delivered task) take turns, then find the fines
        with transaction.atomic(), job_context(ASSESS_FINES):
            created += _assess_office(each, day or assessed_day(each, now), now)
    return created


@transaction.atomic
def fine_waive(*, fine: Fine, manager, reason: str, now) -> Fine:
    """R-7.2: the manager waives a fine with a reason. The offence keeps its number."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Write the reason.")]})
    fine = Fine.objects.select_for_update().get(pk=fine.pk)
    if fine.waived_at is not None:
        raise DomainError(_("This fine is already waived."), code="already_waived")
    fine.waived_at, fine.waived_by, fine.waive_reason = now, manager, reason
    fine.save(update_fields=["waived_at", "waived_by", "waive_reason"])
    return fine


# ---------------------------------------------------------------- days off
#
# A day marked off after it was assessed: the next fines_assess for that day (a re-run, or the
# job) creates no fine, but a fine already recorded stays. It is never deleted: the manager
# waives it on the fines page with a reason (e.g. "leave marked afterwards"), so the history
# keeps the offence, its number and who forgave it. Clearing a day off does not fine anyone by
# itself either; only an assessment of that day would.


def _check_day_off(office: Office, salesperson, date: datetime.date, now) -> None:
    validate_record_date(date, opened_on=office.opened_on, today=office_today(office, now))
    if not salespeople_of(office).filter(pk=salesperson.pk).exists():
        raise ValidationError({"salesperson": [_("Not a salesperson of this office.")]})


@transaction.atomic
def day_off_set(*, office: Office, salesperson, date: datetime.date, kind: str, by, now) -> DayOff:
    """R-7.2: the manager marks a day of leave or rest in a salesperson's calendar: no diary
    is owed that day. Setting it again changes the kind."""
    if kind not in DayOffKind.values:
        raise ValidationError({"kind": [_("Choose leave or rest day.")]})
    _check_day_off(office, salesperson, date, now)
    day_off, _created = DayOff.objects.update_or_create(
        office=office, salesperson=salesperson, date=date, defaults={"kind": kind}
    )
    return day_off


@transaction.atomic
def day_off_clear(*, office: Office, salesperson, date: datetime.date, by, now) -> bool:
    """R-7.2: the day is a working day again (a diary is owed). True when one was cleared."""
    _check_day_off(office, salesperson, date, now)
    deleted, _rows = DayOff.objects.filter(
        office=office, salesperson=salesperson, date=date
    ).delete()
    return deleted > 0


@transaction.atomic
def days_off_update(*, office: Office, changes: list[tuple], by, now) -> int:
    """R-7.2: several cells of the calendar at once, all or none: `changes` lists
    (salesperson, date, kind), an empty kind clearing the day. Returns the number applied."""
    for salesperson, date, kind in changes:
        cell = {"office": office, "salesperson": salesperson, "date": date, "by": by, "now": now}
        if kind:
            day_off_set(kind=kind, **cell)
        else:
            day_off_clear(**cell)
    return len(changes)
