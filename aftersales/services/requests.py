"""After-sales requests (R-16.1): taken from the customer's call, confirmed by the manager,
filed by the clerk to the technical department, worked by a technician (first contact, then
status and result), closed by the clerk once the salesperson is told. The manager escalates
what the branch cannot solve; it stays on leadership's list until the request is closed."""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied, ValidationError

from approvals.choices import DocumentStatus
from common.errors import DomainError
from escalations.choices import Source
from staff.choices import Role
from staff.permissions import may

from .. import selectors
from ..choices import REQUEST_PREFIX, TRANSITIONS, ContactMethod, RequestEventKind, RequestState
from ..models import ServiceRequest, ServiceRequestEvent
from . import base

S = RequestState
E = RequestEventKind
SOURCE = Source.AFTER_SALES


def params(request: ServiceRequest) -> dict:
    return {"number": request.number, "account": request.account.name}


def url(request: ServiceRequest) -> str:
    return reverse("aftersales:detail", args=[request.pk])


def event(request: ServiceRequest, kind: str, *, actor, now, note: str = "") -> None:
    ServiceRequestEvent.objects.create(request=request, kind=kind, actor=actor, at=now, note=note)


def _move(request: ServiceRequest, target: str) -> None:
    base.move(request.state, target, TRANSITIONS, request.get_state_display())


def is_account_salesperson(user, account) -> bool:
    return user.pk in {account.owner_id, account.deputy_id}


def may_report(user, account) -> bool:
    """R-16.1: who takes the call: the account's salesperson, the branch's manager or clerk."""
    office = account.office
    if not may(user, "aftersales.report", office):
        return False
    if user.has_role(Role.MANAGER, Role.CLERK):
        return True
    return is_account_salesperson(user, account)


def _lock(request: ServiceRequest) -> ServiceRequest:
    return (
        ServiceRequest.objects.select_for_update(of=("self",))
        .select_related("office", "account")
        .get(pk=request.pk)
    )


@transaction.atomic
def request_create(
    *,
    actor,
    account,
    problem: str,
    now: datetime.datetime,
    contract=None,
    product=None,
    received_at=None,
) -> ServiceRequest:
    """R-16.1: a customer's call recorded: an approved account, optionally its contract and
    a product (of the contract, when one is given), the problem. The manager is told."""
    if not may_report(actor, account):
        raise PermissionDenied(_("Only the account's salesperson, the manager or the clerk."))
    if account.status != DocumentStatus.APPROVED:
        raise ValidationError({"account": [_("The account is not approved yet.")]})
    if contract is not None and contract.account_id != account.pk:
        raise ValidationError({"contract": [_("Not a contract of this account.")]})
    if (
        product is not None
        and contract is not None
        and not contract.lines.filter(product_id=product.pk).exists()
    ):
        raise ValidationError({"product": [_("Not a product of this contract.")]})
    request = ServiceRequest.objects.create(
        office=account.office,
        account=account,
        contract=contract,
        product=product,
        problem=base.text(problem, "problem", required=True),
        reported_by=actor,
        received_at=base.moment(received_at, "received_at", now=now),
        created_at=now,
        **base.number(account.office, REQUEST_PREFIX, now),
    )
    event(request, E.RECEIVED, actor=actor, now=now)
    base.tell(
        selectors.people_with_role(request.office, Role.MANAGER),
        kind="aftersales_new",
        params=params(request),
        url=url(request),
        now=now,
        skip=actor,
    )
    return request


@transaction.atomic
def request_confirm(
    *, request: ServiceRequest, actor, approve: bool, now, reason: str = ""
) -> ServiceRequest:
    """R-16.1: the branch's manager confirms the request (the clerk is told) or rejects it
    with a reason (who took the call is told)."""
    request = _lock(request)
    if not may(actor, "aftersales.confirm", request.office):
        raise PermissionDenied(_("Only the branch's manager confirms a request."))
    if approve:
        _move(request, S.CONFIRMED)
        request.state, request.confirmed_at, request.confirmed_by = S.CONFIRMED, now, actor
        request.save(update_fields=["state", "confirmed_at", "confirmed_by"])
        event(request, E.CONFIRMED, actor=actor, now=now)
        base.tell(
            selectors.people_with_role(request.office, Role.CLERK),
            kind="aftersales_confirmed",
            params=params(request),
            url=url(request),
            now=now,
            skip=actor,
        )
        return request
    _move(request, S.REJECTED)
    reason = base.text(reason, "reason", required=True)
    request.state, request.rejected_reason = S.REJECTED, reason
    request.confirmed_at, request.confirmed_by = now, actor
    request.save(update_fields=["state", "rejected_reason", "confirmed_at", "confirmed_by"])
    event(request, E.REJECTED, actor=actor, now=now, note=reason)
    _close_escalation(request, resolution=reason, actor=actor, now=now)
    base.tell(
        [request.reported_by_id, request.account.owner_id],
        kind="aftersales_rejected",
        params={**params(request), "reason": reason[:200]},
        url=url(request),
        now=now,
        skip=actor,
    )
    return request


@transaction.atomic
def request_file(*, request: ServiceRequest, actor, now, technician=None) -> ServiceRequest:
    """R-16.1: the clerk files the confirmed request to the technical department, naming a
    technician of the office or none (then any technician of the office may take it)."""
    request = _lock(request)
    if not may(actor, "aftersales.file", request.office):
        raise PermissionDenied(_("Only the branch's clerk files a request."))
    _move(request, S.FILED)
    if technician is not None and not (
        technician.is_active
        and selectors.technicians_of(request.office).filter(pk=technician.pk).exists()
    ):
        raise ValidationError({"technician": [_("Not a technician of this branch.")]})
    request.state, request.filed_at, request.filed_by = S.FILED, now, actor
    request.technician = technician
    request.save(update_fields=["state", "filed_at", "filed_by", "technician"])
    event(request, E.FILED, actor=actor, now=now, note=str(technician or ""))
    base.tell(
        [technician] if technician else selectors.technicians_of(request.office),
        kind="aftersales_filed",
        params=params(request),
        url=url(request),
        now=now,
        skip=actor,
    )
    return request


def may_work(user, request: ServiceRequest) -> bool:
    """A technician of the request's office to whom it is assigned, or any when unassigned."""
    return may(user, "aftersales.work", request.office) and request.technician_id in (
        None,
        user.pk,
    )


def _take(request: ServiceRequest, actor, now) -> None:
    if not may_work(actor, request):
        if may(actor, "aftersales.work", request.office):
            raise DomainError(_("Another technician has taken this request."), code="already_taken")
        raise PermissionDenied(_("Only a technician of the branch works on a request."))
    if request.technician_id is None:
        request.technician = actor
        request.save(update_fields=["technician"])
        event(request, E.TAKEN, actor=actor, now=now)


@transaction.atomic
def request_take(*, request: ServiceRequest, actor, now) -> ServiceRequest:
    """A technician of the office takes an unassigned request filed to the department."""
    request = _lock(request)
    if request.state not in (S.FILED, S.CONTACTED):
        raise DomainError(
            _("Not possible while it is %(state)s.") % {"state": request.get_state_display()},
            code="wrong_state",
        )
    _take(request, actor, now)
    return request


@transaction.atomic
def request_contact(
    *, request: ServiceRequest, actor, contacted_at, method: str, now, note: str = ""
) -> ServiceRequest:
    """R-16.1: the technician records the first contact with the customer (when, how, a
    note); an unassigned request becomes theirs. Response time = this − filed."""
    request = _lock(request)
    if not may(actor, "aftersales.work", request.office):
        raise PermissionDenied(_("Only a technician of the branch works on a request."))
    _move(request, S.CONTACTED)
    _take(request, actor, now)
    when = base.moment(contacted_at, "contacted_at", now=now, earliest=request.filed_at)
    request.state, request.contacted_at = S.CONTACTED, when
    request.contact_method = base.choice(method, "method", ContactMethod)
    request.contact_note = base.text(note, "note", required=False)
    request.save(update_fields=["state", "contacted_at", "contact_method", "contact_note"])
    event(request, E.CONTACTED, actor=actor, now=now, note=request.contact_note)
    return request


@transaction.atomic
def request_result(
    *, request: ServiceRequest, actor, now, result: str = "", status: str = "", resolved=True
) -> ServiceRequest:
    """R-16.1: the technician records the status and, when resolved, the result (required:
    400 without it); the manager and the clerk are told. Not resolved: the status is kept
    and the request stays with the technician."""
    request = _lock(request)
    if not (may(actor, "aftersales.work", request.office) and request.technician_id == actor.pk):
        raise PermissionDenied(_("Only the request's technician records its result."))
    if request.state != S.CONTACTED:
        _move(request, S.RESOLVED)  # 409 with the state's words
    status = base.text(status, "status", required=not resolved)
    if not resolved:
        request.status_note = status
        request.save(update_fields=["status_note"])
        event(request, E.PROGRESS, actor=actor, now=now, note=status)
        return request
    result = base.text(result, "result", required=True)
    request.state, request.result, request.status_note = S.RESOLVED, result, status
    request.resolved_at, request.resolved_by = now, actor
    request.save(update_fields=["state", "result", "status_note", "resolved_at", "resolved_by"])
    event(request, E.RESOLVED, actor=actor, now=now, note=result)
    base.tell(
        [
            *selectors.people_with_role(request.office, Role.MANAGER),
            *selectors.people_with_role(request.office, Role.CLERK),
        ],
        kind="aftersales_resolved",
        params=params(request),
        url=url(request),
        now=now,
        skip=actor,
    )
    return request


@transaction.atomic
def request_close(*, request: ServiceRequest, actor, now) -> ServiceRequest:
    """R-16.1: the clerk tells the salesperson (the account's owner is notified) and closes
    the request; its escalation, if any, leaves leadership's list."""
    request = _lock(request)
    if not may(actor, "aftersales.close", request.office):
        raise PermissionDenied(_("Only the branch's clerk closes a request."))
    _move(request, S.CLOSED)
    if not request.result.strip():  # the database refuses it too
        raise ValidationError({"result": [_("A request is closed with its result.")]})
    request.state, request.closed_at, request.closed_by = S.CLOSED, now, actor
    request.save(update_fields=["state", "closed_at", "closed_by"])
    event(request, E.CLOSED, actor=actor, now=now)
    _close_escalation(request, resolution=request.result, actor=actor, now=now)
    base.tell(
        [request.account.owner_id],
        kind="aftersales_closed",
        params={**params(request), "result": request.result[:200]},
        url=url(request),
        now=now,
        skip=actor,
    )
    return request


@transaction.atomic
def request_escalate(*, request: ServiceRequest, actor, reason: str, now) -> ServiceRequest:
    """R-16.1: the manager escalates what the branch cannot solve: on leadership's list
    (escalations) until the request is closed."""
    from escalations.services import escalation_raise

    request = _lock(request)
    if not may(actor, "aftersales.escalate", request.office):
        raise PermissionDenied(_("Only the branch's manager escalates a request."))
    if request.state not in (S.NEW, S.CONFIRMED, S.FILED, S.CONTACTED, S.RESOLVED):
        raise DomainError(
            _("Not possible while it is %(state)s.") % {"state": request.get_state_display()},
            code="wrong_state",
        )
    if request.escalated_at is not None:
        raise DomainError(_("This request is escalated already."), code="already_escalated")
    reason = base.text(reason, "reason", required=True)
    request.escalated_at, request.escalated_by, request.escalation_reason = now, actor, reason
    request.save(update_fields=["escalated_at", "escalated_by", "escalation_reason"])
    event(request, E.ESCALATED, actor=actor, now=now, note=reason)
    escalation_raise(
        office=request.office,
        source=SOURCE,
        subject_id=request.pk,
        title=f"{request.number} {request.account.name}"[:200],
        text=f"{reason}\n\n{request.problem}",
        url=url(request),
        by=actor,
        now=now,
    )
    return request


def _close_escalation(request: ServiceRequest, *, resolution: str, actor, now) -> None:
    if request.escalated_at is None:
        return
    from escalations.services import escalation_close_subject

    escalation_close_subject(
        source=SOURCE, subject_id=request.pk, resolution=resolution, by=actor, now=now
    )
