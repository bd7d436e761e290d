"""Reads of the approval engine: the inbox (R-8.4), a document's calendar and rows."""

import datetime

from django.db.models import Q

from staff.choices import Role
from staff.models import Office, User
from staff.permissions import office_ids_of

from . import rules
from .chains import ANY_OFFICE
from .choices import ApprovalState
from .models import Approval, CalendarDay
from .registry import REGISTRY, party_ids


def office_calendar(
    office: Office, start: datetime.date, end: datetime.date
) -> tuple[set[datetime.date], set[datetime.date]]:
    """The office's marked days between start and end: (holidays, worked weekend days)."""
    off, on = set(), set()
    for day, working in CalendarDay.objects.filter(
        office=office, date__range=(start, end)
    ).values_list("date", "working"):
        (on if working else off).add(day)
    return off, on


def step_is_late(approval: Approval, now: datetime.datetime) -> bool:
    if approval.waiting_since is None:
        return False
    tz = approval.office.tzinfo
    since = approval.waiting_since.astimezone(tz).date()
    today = now.astimezone(tz).date()
    off, on = office_calendar(approval.office, since, today + datetime.timedelta(days=1))
    return rules.is_late(since, today, off=off, on=on)


def _pending_for(user):
    roles = [r for r in user.roles]
    if not roles:
        return Approval.objects.none()
    anywhere = [r for r in roles if r in ANY_OFFICE]
    in_office = [r for r in roles if r not in ANY_OFFICE]
    scope = Q(role__in=anywhere) | Q(role__in=in_office, office_id__in=office_ids_of(user))
    return Approval.objects.filter(scope, state=ApprovalState.PENDING, void=False)


def inbox_for(user, *, now: datetime.datetime) -> list[dict]:
    """R-8.4: the steps this user may decide, oldest first, with whether each is late."""
    rows = list(_pending_for(user).select_related("office").order_by("waiting_since", "pk"))
    documents = _documents_of(rows)
    late = _late_of(rows, now)
    items = []
    for approval in rows:
        document = documents.get((approval.document_type, approval.document_id))
        if document is None or user.pk in party_ids(document):
            continue
        items.append({"approval": approval, "document": document, "late": late[approval.pk]})
    return items


def _late_of(rows: list[Approval], now: datetime.datetime) -> dict[int, bool]:
    """step_is_late for every row, the offices' calendars read in one query (issue 21: the
    inbox took one query per waiting step)."""
    since: dict[int, datetime.date] = {}
    today: dict[int, datetime.date] = {}
    for approval in rows:
        if approval.waiting_since is not None:
            tz = approval.office.tzinfo
            since[approval.pk] = approval.waiting_since.astimezone(tz).date()
            today[approval.office_id] = now.astimezone(tz).date()
    marked: dict[int, tuple[set, set]] = {o: (set(), set()) for o in today}
    if since:
        days = CalendarDay.objects.filter(
            office_id__in=list(today),
            date__range=(min(since.values()), max(today.values()) + datetime.timedelta(days=1)),
        ).values_list("office_id", "date", "working")
        for office_id, day, working in days:
            marked[office_id][1 if working else 0].add(day)
    return {
        a.pk: a.pk in since
        and rules.is_late(
            since[a.pk], today[a.office_id], off=marked[a.office_id][0], on=marked[a.office_id][1]
        )
        for a in rows
    }


def _documents_of(rows: list[Approval]) -> dict:
    wanted: dict[str, set[int]] = {}
    for a in rows:
        wanted.setdefault(a.document_type, set()).add(a.document_id)
    found = {}
    for document_type, ids in wanted.items():
        entry = REGISTRY.get(document_type)
        if entry is None:
            continue
        related = _related_of(entry.model)
        for doc in entry.model._default_manager.filter(pk__in=ids).select_related(*related):
            found[(document_type, doc.pk)] = doc
    return found


def _related_of(model) -> list[str]:
    """What the inbox reads of each document (its office; R-8.1's parties through its account
    or its contract's account; the card's contract), joined in the one query per type."""
    fields = {f.name: f for f in model._meta.get_fields() if f.many_to_one}
    related = ["office"]
    if "account" in fields:
        related.append("account")
    contract = fields.get("contract")
    if contract is not None:
        related.append("contract")
        if any(
            f.name == "account" and f.many_to_one for f in contract.related_model._meta.get_fields()
        ):
            related.append("contract__account")
    return related


def document_of(approval: Approval, *, lock: bool = False):
    entry = REGISTRY[approval.document_type]
    qs = entry.model._default_manager.select_related("office")
    if lock:
        qs = qs.select_for_update(of=("self",))
    return qs.get(pk=approval.document_id)


def approvers_of(approval: Approval) -> list[User]:
    """Who may decide the step (author and owner aside: see may_decide)."""
    qs = User.objects.filter(is_active=True, groups__name=approval.role)
    if approval.role not in ANY_OFFICE:
        qs = qs.filter(offices=approval.office_id)
    return list(qs.distinct())


def managers_of_approvers(approval: Approval) -> list[User]:
    """R-8.4: the approver's manager: the director above an office's manager, the office's
    manager above its other staff; leadership has none."""
    if approval.role in ANY_OFFICE:
        return []
    if approval.role == Role.MANAGER:
        return list(User.objects.filter(is_active=True, groups__name=Role.DIRECTOR).distinct())
    return list(
        User.objects.filter(
            is_active=True, groups__name=Role.MANAGER, offices=approval.office_id
        ).distinct()
    )
