"""Reads: the pre-filled diary (R-7.1) and the fines (R-7.2) and penalties (R-16.5) a user may
see."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from attribution.models import Collision, FollowUp
from attribution.selectors import customer_labels
from reception.models import Call, Visit
from reception.selectors import day_bounds
from staff.choices import Role
from staff.models import Office
from staff.permissions import manages, may, office_ids_of

from .models import Fine, Penalty, WorkDiary


def diary_deadline(office: Office, date: datetime.date) -> datetime.datetime:
    """R-7.1: the diary is due at the office's deadline (17:00) on its own local day."""
    return datetime.datetime.combine(date, office.diary_deadline, tzinfo=office.tzinfo)


def is_late(office: Office, date: datetime.date, submitted_at: datetime.datetime | None) -> bool:
    return submitted_at is not None and submitted_at > diary_deadline(office, date)


def salespeople_of(office: Office) -> QuerySet:
    """The active salespeople of the office: those who owe a diary (R-7.2)."""
    return (
        get_user_model()
        .objects.filter(is_active=True, offices=office, groups__name=Role.SALESPERSON)
        .distinct()
        .order_by("pk")
    )


@dataclass
class Diary:
    """R-7.1: the diary as shown: the day's activity, compiled, plus what was written."""

    office: Office
    salesperson: object
    date: datetime.date
    visits: list = field(default_factory=list)
    calls: list = field(default_factory=list)
    followups: list = field(default_factory=list)
    collisions: list = field(default_factory=list)
    record: WorkDiary | None = None

    @property
    def feedback(self) -> str:
        return self.record.feedback if self.record else ""

    @property
    def problems(self) -> str:
        return self.record.problems if self.record else ""

    @property
    def submitted_at(self) -> datetime.datetime | None:
        return self.record.submitted_at if self.record else None

    @property
    def manager_reply(self) -> str:
        return self.record.manager_reply if self.record else ""

    @property
    def late(self) -> bool:
        return is_late(self.office, self.date, self.submitted_at)


def diaries_for(*, office: Office, date: datetime.date, salespeople) -> list[Diary]:
    """The pre-filled diaries of several salespeople for one office-local day: five queries
    whatever their number (visits, calls, follow-ups, collisions, stored diaries)."""
    people = list(salespeople)
    ids = [p.pk for p in people]
    start, end = day_bounds(office, date)
    in_day = {"at__gte": start, "at__lt": end}
    diaries = {p.pk: Diary(office=office, salesperson=p, date=date) for p in people}
    visits = Visit.objects.filter(office=office, assigned_to__in=ids, **in_day).select_related(
        "customer"
    )
    for v in visits.order_by("at", "pk"):
        diaries[v.assigned_to_id].visits.append(v)
    calls = Call.objects.filter(office=office, put_through_to__in=ids, **in_day).select_related(
        "customer"
    )
    for c in calls.order_by("at", "pk"):
        diaries[c.put_through_to_id].calls.append(c)
    # voided follow-ups do not count, so they are not the day's work either
    followups = FollowUp.objects.filter(
        claim__office=office, author__in=ids, voided_at__isnull=True, **in_day
    ).select_related("customer")
    for f in followups.order_by("at", "pk"):
        diaries[f.author_id].followups.append(f)
    collisions = Collision.objects.filter(
        office=office, salesperson__in=ids, **in_day
    ).select_related("customer")
    for c in collisions.order_by("at", "pk"):
        diaries[c.salesperson_id].collisions.append(c)
    for record in WorkDiary.objects.filter(office=office, date=date, salesperson__in=ids):
        diaries[record.salesperson_id].record = record
    return [diaries[i] for i in ids]


def diaries_named(diaries: list[Diary], *, reader, now: datetime.datetime) -> list[Diary]:
    """Give each entry of the diaries' activity a `customer_label`: its customer as `reader`
    may see them now (API.md, visibility). The diary is compiled from the day's records, but
    who may see a customer's phone changes after that day: the salesperson whose claim was
    released, reassigned or ruled away sees the masked phone in their old diaries, the new
    owner the full one. One query (none for a manager)."""
    entries = [
        entry
        for diary in diaries
        for entry in (*diary.visits, *diary.calls, *diary.followups, *diary.collisions)
    ]
    customers = {e.customer_id: e.customer for e in entries if e.customer_id is not None}
    labels = customer_labels(reader, customers.values(), now=now)
    for entry in entries:
        entry.customer_label = labels.get(entry.customer_id, "")
    return diaries


def diary_for(*, salesperson, office: Office, date: datetime.date) -> Diary:
    """R-7.1: one salesperson's pre-filled diary for an office-local day."""
    return diaries_for(office=office, date=date, salespeople=[salesperson])[0]


def fines_visible_to(user) -> QuerySet[Fine]:
    """A salesperson's own fines in their offices; every fine of the offices a manager manages
    (a director: every office)."""
    offices = Office.objects.filter(pk__in=office_ids_of(user))
    managed = [o.pk for o in offices if manages(user, o)]
    return (
        Fine.objects.filter(
            Q(office__in=managed) | Q(office__in=office_ids_of(user), salesperson=user)
        )
        .select_related("salesperson", "office", "waived_by")
        .order_by("date", "salesperson_id", "pk")
    )


def penalties_visible_to(user) -> QuerySet[Penalty]:
    """R-16.5: a person's own penalties in their offices; every penalty of the offices a
    manager manages (a director: every office)."""
    offices = Office.objects.filter(pk__in=office_ids_of(user))
    managed = [o.pk for o in offices if manages(user, o)]
    return (
        Penalty.objects.filter(
            Q(office__in=managed) | Q(office__in=office_ids_of(user), person=user)
        )
        .select_related("person", "office", "recorded_by", "withdrawn_by")
        .order_by("date", "person_id", "pk")
    )


def diary_offices(user, *actions: str) -> list[Office]:
    """The user's offices where any of `actions` is allowed, in pk order."""
    offices = Office.objects.filter(pk__in=office_ids_of(user)).order_by("pk")
    return [o for o in offices if any(may(user, a, o) for a in actions)]
