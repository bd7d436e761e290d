"""Complaints and suggestions (R-16.2): recorded with the account and the staff concerned
(the manager is told); a major one goes to leadership's list at once and stays until the
reply is recorded; the manager names a handler (themself or someone of the branch), who
records the reply to the customer, which closes it (who recorded it is told)."""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied, ValidationError

from approvals.choices import DocumentStatus
from escalations.choices import Source
from staff.choices import Role
from staff.permissions import may

from .. import selectors
from ..choices import (
    COMPLAINT_PREFIX,
    COMPLAINT_TRANSITIONS,
    ComplaintEventKind,
    ComplaintKind,
    ComplaintState,
    ReplyMethod,
)
from ..models import Complaint, ComplaintEvent
from . import base
from .requests import may_report

C = ComplaintState
E = ComplaintEventKind
SOURCE = Source.COMPLAINT
MAX_STAFF = 20


def params(complaint: Complaint) -> dict:
    return {
        "number": complaint.number,
        "account": complaint.account.name,
        "kind": complaint.kind,
    }


def url(complaint: Complaint) -> str:
    return reverse("aftersales:complaint", args=[complaint.pk])


def event(complaint: Complaint, kind: str, *, actor, now, note: str = "") -> None:
    ComplaintEvent.objects.create(complaint=complaint, kind=kind, actor=actor, at=now, note=note)


def _lock(complaint: Complaint) -> Complaint:
    return (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("office", "account")
        .get(pk=complaint.pk)
    )


def _move(complaint: Complaint, target: str) -> None:
    base.move(complaint.state, target, COMPLAINT_TRANSITIONS, complaint.get_state_display())


def may_record(user, account) -> bool:
    """R-16.2: the account's salesperson, the branch's manager or clerk."""
    return may(user, "aftersales.record_complaint", account.office) and may_report(user, account)


@transaction.atomic
def complaint_create(
    *,
    actor,
    account,
    kind: str,
    text: str,
    now: datetime.datetime,
    staff=(),
    major: bool = False,
    received_at=None,
) -> Complaint:
    """R-16.2: a complaint or suggestion recorded; the manager is told; a major one is
    escalated to leadership at once."""
    if not may_record(actor, account):
        raise PermissionDenied(_("Only the account's salesperson, the manager or the clerk."))
    if account.status != DocumentStatus.APPROVED:
        raise ValidationError({"account": [_("The account is not approved yet.")]})
    staff = list(dict.fromkeys(staff))
    if len(staff) > MAX_STAFF:
        raise ValidationError({"staff": [_("At most 20 people.")]})
    members = set(
        selectors.office_people(account.office)
        .filter(pk__in=[p.pk for p in staff])
        .values_list("pk", flat=True)
    )
    if any(p.pk not in members for p in staff):
        raise ValidationError({"staff": [_("Name people of this branch.")]})
    complaint = Complaint.objects.create(
        office=account.office,
        account=account,
        kind=base.choice(kind, "kind", ComplaintKind),
        text=base.text(text, "text", required=True),
        major=bool(major),
        received_at=base.moment(received_at, "received_at", now=now),
        recorded_by=actor,
        created_at=now,
        **base.number(account.office, COMPLAINT_PREFIX, now),
    )
    complaint.staff.set(staff)
    event(complaint, E.RECORDED, actor=actor, now=now)
    base.tell(
        selectors.people_with_role(complaint.office, Role.MANAGER),
        kind="complaint_new",
        params=params(complaint),
        url=url(complaint),
        now=now,
        skip=actor,
    )
    if complaint.major:
        from escalations.services import escalation_raise

        event(complaint, E.ESCALATED, actor=actor, now=now)
        escalation_raise(
            office=complaint.office,
            source=SOURCE,
            subject_id=complaint.pk,
            title=f"{complaint.number} {complaint.account.name}"[:200],
            text=complaint.text,
            url=url(complaint),
            by=actor,
            now=now,
        )
    return complaint


@transaction.atomic
def complaint_assign(*, complaint: Complaint, actor, handler, now) -> Complaint:
    """R-16.2: the manager names the handler: themself or an active member of the branch;
    another may be named until the reply is recorded. The handler is told."""
    complaint = _lock(complaint)
    if not may(actor, "aftersales.assign_complaint", complaint.office):
        raise PermissionDenied(_("Only the branch's manager names the handler."))
    _move(complaint, C.ASSIGNED)
    if handler is None or not (
        handler.pk == actor.pk
        or selectors.office_people(complaint.office).filter(pk=handler.pk).exists()
    ):
        raise ValidationError({"handler": [_("Name someone of this branch.")]})
    complaint.state, complaint.handler = C.ASSIGNED, handler
    complaint.assigned_at, complaint.assigned_by = now, actor
    complaint.save(update_fields=["state", "handler", "assigned_at", "assigned_by"])
    event(complaint, E.ASSIGNED, actor=actor, now=now, note=str(handler))
    base.tell(
        [handler],
        kind="complaint_assigned",
        params=params(complaint),
        url=url(complaint),
        now=now,
        skip=actor,
    )
    return complaint


@transaction.atomic
def complaint_reply(
    *, complaint: Complaint, actor, reply: str, method: str, now, replied_at=None
) -> Complaint:
    """R-16.2: the handler records the reply to the customer (what, how, when): the
    complaint is closed, leaves leadership's list, and who recorded it is told."""
    complaint = _lock(complaint)
    if complaint.handler_id != actor.pk or not actor.is_active:
        raise PermissionDenied(_("Only the complaint's handler records the reply."))
    _move(complaint, C.CLOSED)
    complaint.reply = base.text(reply, "reply", required=True)
    complaint.reply_method = base.choice(method, "method", ReplyMethod)
    complaint.replied_at = base.moment(
        replied_at, "replied_at", now=now, earliest=complaint.received_at
    )
    complaint.state, complaint.replied_by, complaint.closed_at = C.CLOSED, actor, now
    complaint.save(
        update_fields=["reply", "reply_method", "replied_at", "state", "replied_by", "closed_at"]
    )
    event(complaint, E.REPLIED, actor=actor, now=now, note=complaint.reply)
    if complaint.major:
        from escalations.services import escalation_close_subject

        escalation_close_subject(
            source=SOURCE, subject_id=complaint.pk, resolution=complaint.reply, by=actor, now=now
        )
    base.tell(
        [complaint.recorded_by_id],
        kind="complaint_replied",
        params=params(complaint),
        url=url(complaint),
        now=now,
        skip=actor,
    )
    return complaint
