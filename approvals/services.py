"""The approval engine's transitions (R-8): one transaction each, the document row locked,
an ApprovalEvent written with every change."""

import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import PermissionDenied, ValidationError

from common.errors import DomainError
from notifications.services import notify

from .chains import applicable_steps, step_text
from .choices import EDITABLE, SUBMITTABLE, ApprovalState, Decision, DocumentStatus, EventKind
from .models import Approval, ApprovalEvent
from .permissions import may_decide
from .registry import entry_for
from .selectors import approvers_of, document_of, managers_of_approvers, step_is_late


def ensure_editable(document) -> None:
    """R-8.2: a document waiting for a decision (or approved) is not edited."""
    if document.status not in EDITABLE:
        raise DomainError(
            _("This document is waiting for approval or approved and cannot be changed."),
            code="not_editable",
        )


def _lock(document):
    return type(document)._default_manager.select_for_update().get(pk=document.pk)


def _event(document, kind, *, actor, now, approval=None, comment=""):
    ApprovalEvent.objects.create(
        document_type=document.approval_document_type,
        document_id=document.pk,
        office_id=document.office_id,
        kind=kind,
        approval=approval,
        actor=actor,
        at=now,
        comment=comment,
    )


def _void_current(document) -> int:
    return document.approvals().update(void=True)


@transaction.atomic
def approval_submit(*, document, actor, now: datetime.datetime):
    """Draft or rejected → pending: the applicable steps, the first pending, the others
    waiting, inapplicable ones skipped. A chain with no applicable step approves at once."""
    document = _lock(document)
    if document.status not in SUBMITTABLE:
        raise DomainError(
            _("Only a draft or a rejected document can be submitted."), code="not_draft"
        )
    _void_current(document)
    first = None
    for index, step, applies in applicable_steps(document.approval_document_type, document):
        state = ApprovalState.SKIPPED
        if applies:
            state = ApprovalState.WAITING if first is not None else ApprovalState.PENDING
        row = Approval.objects.create(
            document_type=document.approval_document_type,
            document_id=document.pk,
            office_id=document.office_id,
            step=index,
            role=step.role,
            label=str(step.label),
            state=state,
            waiting_since=now if state == ApprovalState.PENDING else None,
            created_at=now,
        )
        if state == ApprovalState.PENDING:
            first = row
    document.status = DocumentStatus.PENDING
    document.save(update_fields=["status"])
    _event(document, EventKind.SUBMITTED, actor=actor, now=now)
    if first is None:
        _complete(document, actor=actor, now=now)
    return document


def _complete(document, *, actor, now):
    entry = entry_for(document)
    document.status = entry.approved_status
    document.save(update_fields=["status"])
    _event(document, EventKind.COMPLETED, actor=actor, now=now)
    callback = entry.on_approved
    if callback:
        callback(document, actor=actor, now=now)


def _step_decided(document, approval, *, actor, now) -> None:
    callback = entry_for(document).on_step
    if callback:
        callback(document, approval, actor=actor, now=now)


@transaction.atomic
def approval_decide(*, approval: Approval, actor, decision: str, comment: str, now):
    """R-8.1, R-8.2: the current step approves (the next one becomes pending, or the document
    is approved) or rejects (the document is rejected, editable, with the comment)."""
    document = document_of(approval, lock=True)
    approval = Approval.objects.select_for_update().select_related("office").get(pk=approval.pk)
    if not may_decide(actor, approval, document):
        raise PermissionDenied(_("You may not decide this step."))
    if (
        approval.void
        or approval.state != ApprovalState.PENDING
        or document.status != DocumentStatus.PENDING
    ):
        raise DomainError(_("This step is not waiting for a decision."), code="not_pending")
    comment = (comment or "").strip()
    if decision not in Decision.values:
        raise ValidationError({"decision": [_("Approve or reject.")]})
    if decision == Decision.REJECT and not comment:
        raise ValidationError({"comment": [_("Say why the document is rejected.")]})
    approval.decided_by, approval.decided_at, approval.comment = actor, now, comment
    if decision == Decision.REJECT:
        approval.state = ApprovalState.REJECTED
        approval.save()
        _step_decided(document, approval, actor=actor, now=now)
        document.status = DocumentStatus.REJECTED
        document.save(update_fields=["status"])
        _event(
            document, EventKind.REJECTED, actor=actor, now=now, approval=approval, comment=comment
        )
        callback = entry_for(document).on_rejected
        if callback:
            callback(document, actor=actor, now=now)
        return document
    approval.state = ApprovalState.APPROVED
    approval.save()
    _step_decided(document, approval, actor=actor, now=now)
    _event(document, EventKind.APPROVED, actor=actor, now=now, approval=approval, comment=comment)
    following = (
        document.approvals().filter(state=ApprovalState.WAITING, step__gt=approval.step).first()
    )
    if following is None:
        _complete(document, actor=actor, now=now)
    else:
        following.state, following.waiting_since = ApprovalState.PENDING, now
        following.save(update_fields=["state", "waiting_since"])
    return document


@transaction.atomic
def approvals_void(*, document, actor, now, comment: str = ""):
    """R-8.3: the money or terms of a pending or approved document changed: its approvals are
    void and it is a draft again, to be submitted and confirmed again."""
    document = _lock(document)
    if document.status not in (DocumentStatus.PENDING, entry_for(document).approved_status):
        return document
    _void_current(document)
    document.status = DocumentStatus.DRAFT
    document.save(update_fields=["status"])
    _event(document, EventKind.VOIDED, actor=actor, now=now, comment=comment)
    return document


def approvals_flag_late(*, now: datetime.datetime) -> int:
    """R-8.4: each pending step late and not yet flagged tells its approvers and their
    manager, once. Re-running changes nothing."""
    flagged = 0
    candidates = Approval.objects.filter(
        state=ApprovalState.PENDING, void=False, late_notified_at__isnull=True
    ).select_related("office")
    for approval in candidates.order_by("pk").iterator():
        if step_is_late(approval, now):
            flagged += _flag_one(approval.pk, now=now)
    return flagged


@transaction.atomic
def _flag_one(approval_id: int, *, now) -> int:
    approval = Approval.objects.select_for_update().select_related("office").get(pk=approval_id)
    if approval.late_notified_at or approval.void or approval.state != ApprovalState.PENDING:
        return 0
    document = document_of(approval)
    approval.late_notified_at = now
    approval.save(update_fields=["late_notified_at"])
    _event(document, EventKind.LATE, actor=None, now=now, approval=approval)
    entry = entry_for(document)
    params = {
        "document": str(entry.summary(document)),
        "document_type": approval.document_type,
        "step": str(step_text(entry.chain[approval.step])),
    }
    people = {u.pk: u for u in approvers_of(approval) + managers_of_approvers(approval)}
    for user in people.values():
        notify(
            kind="approval_late", params=params, now=now, url=entry.url(document), recipient=user
        )
    return 1
