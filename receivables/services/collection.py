"""Collection requests and handovers to finance (R-15.3, R-15.4)."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied, ValidationError

from approvals.services import approval_submit, ensure_editable
from common.errors import DomainError
from notifications.services import notify
from staff.choices import Role
from staff.permissions import may

from ..choices import COLLECTION_PREFIX, HANDOVER_KINDS, CollectionStatus, PaymentMethod
from ..models import CollectionRequest, Handover
from . import base
from .requests import is_account_salesperson

# an expected payment is at most this far ahead
MAX_DAYS_AHEAD = 366


def may_collect(user, account) -> bool:
    """R-15.3: the account's salesperson chases and files the collection request."""
    return may(user, "receivables.collect", account.office) and is_account_salesperson(
        user, account
    )


@transaction.atomic
def collection_request_create(
    *, actor, account, expected_amount, method: str, expected_date, now, note: str = ""
) -> CollectionRequest:
    account = base.lock_account(account)
    if not may_collect(actor, account):
        raise PermissionDenied(_("Only the account's salesperson files its collection requests."))
    amount = base.money(expected_amount, "expected_amount")
    method = base.choice(method, "method", PaymentMethod)
    if not isinstance(expected_date, datetime.date):
        try:
            expected_date = datetime.date.fromisoformat(str(expected_date))
        except ValueError:
            raise ValidationError({"expected_date": [_("Enter a valid date.")]}) from None
    today = base.today(account.office, now)
    if (
        not today - datetime.timedelta(days=31)
        <= expected_date
        <= today + datetime.timedelta(days=MAX_DAYS_AHEAD)
    ):
        raise ValidationError(
            {"expected_date": [_("Enter a date from a month ago to a year ahead.")]}
        )
    return CollectionRequest.objects.create(
        office=account.office,
        account=account,
        expected_amount=amount,
        method=method,
        expected_date=expected_date,
        note=base.text(note, "note", required=False),
        author=actor,
        owner=actor,
        created_at=now,
        **base.number(account.office, COLLECTION_PREFIX, now),
    )


def _may_handle(user, request: CollectionRequest) -> bool:
    return user.pk in {request.author_id, request.owner_id} or may_collect(user, request.account)


@transaction.atomic
def collection_request_submit(*, request: CollectionRequest, actor, now) -> CollectionRequest:
    request = base.lock(request)
    if not _may_handle(actor, request):
        raise PermissionDenied(_("Only the request's salesperson submits it."))
    ensure_editable(request)
    return approval_submit(document=request, actor=actor, now=now)


@transaction.atomic
def collection_request_cancel(*, request: CollectionRequest, actor, now) -> CollectionRequest:
    request = base.lock(request)
    if not _may_handle(actor, request):
        raise PermissionDenied(_("You may not withdraw this request."))
    if request.status not in (
        CollectionStatus.DRAFT,
        CollectionStatus.REJECTED,
        CollectionStatus.APPROVED,
    ):
        raise DomainError(
            _("A request that is %(status)s cannot be withdrawn.")
            % {"status": request.get_status_display()},
            code="not_cancellable",
        )
    request.status, request.cancelled_at = CollectionStatus.CANCELLED, now
    request.save(update_fields=["status", "cancelled_at"])
    return request


def _params(request: CollectionRequest) -> dict:
    return {
        "number": request.number,
        "account": request.account.name,
        "amount": f"{request.expected_amount:,.2f}",
    }


def collection_request_approved(request: CollectionRequest, *, actor, now) -> None:
    """Manager and finance confirmed (R-15.3): the salesperson tells the customer."""
    request.approved_at = now
    request.save(update_fields=["approved_at"])
    notify(
        kind="collection_confirmed",
        params=_params(request),
        now=now,
        url=reverse("receivables:collection", args=[request.pk]),
        recipient_id=request.owner_id,
    )


def collection_request_rejected(request: CollectionRequest, *, actor, now) -> None:
    step = request.approvals().filter(state="rejected").order_by("-decided_at", "-pk").first()
    notify(
        kind="collection_rejected",
        params={**_params(request), "by": str(actor), "comment": step.comment if step else ""},
        now=now,
        url=reverse("receivables:collection", args=[request.pk]),
        recipient_id=request.owner_id,
    )


@transaction.atomic
def collection_customer_told(*, request: CollectionRequest, actor, now) -> CollectionRequest:
    """R-15.3: the customer is told the payment is expected (once)."""
    request = base.lock(request)
    if not _may_handle(actor, request):
        raise PermissionDenied(_("Only the request's salesperson tells the customer."))
    if request.status != CollectionStatus.APPROVED or request.customer_told_at:
        raise DomainError(
            _("Only a confirmed request not yet told is marked told."), code="not_approved"
        )
    request.customer_told_at = now
    request.save(update_fields=["customer_told_at"])
    return request


# ---------------------------------------------------------------- handovers


@transaction.atomic
def handover_record(
    *,
    actor,
    account,
    kind: str,
    amount,
    now,
    instrument_number: str = "",
    note: str = "",
) -> Handover:
    """R-15.4: a cheque, bill or draft a clerk or salesperson received, or cash collected as
    an exception (a salesperson does not collect dealers' money; when it happens it is
    recorded at once). Finance is told to sign for it."""
    if not may(actor, "receivables.handover", account.office):
        raise PermissionDenied(_("Only the branch's clerks and salespeople record a handover."))
    salesperson_only = actor.has_role(Role.SALESPERSON) and not actor.has_role(Role.CLERK)
    if salesperson_only and not is_account_salesperson(actor, account):
        raise PermissionDenied(_("Record only what your own accounts paid you."))
    if kind not in HANDOVER_KINDS:
        raise ValidationError({"kind": [_("Not one of the choices.")]})
    amount = base.money(amount, "amount")
    number = base.text(
        instrument_number, "instrument_number", required=kind != "cash", max_length=50
    )
    handover = Handover.objects.create(
        office=account.office,
        account=account,
        kind=kind,
        instrument_number=number,
        amount=amount,
        received_by=actor,
        received_at=now,
        note=base.text(note, "note", required=False),
    )
    url = reverse("receivables:handovers")
    for person in (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.FINANCE, offices=account.office)
        .distinct()
    ):
        notify(
            kind="handover_to_sign",
            params={
                "kind": handover.kind,  # translated when read (notifications.messages)
                "account": account.name,
                "amount": f"{amount:,.2f}",
                "by": str(actor),
            },
            now=now,
            url=url,
            recipient=person,
        )
    return handover


@transaction.atomic
def handover_sign(*, actor, handover: Handover, now) -> Handover:
    """R-15.4: finance signs for what was handed over (当日交财务部签收); once."""
    handover = base.lock(handover)
    if not may(actor, "receivables.sign_handover", handover.office):
        raise PermissionDenied(_("Only finance signs for a handover."))
    if handover.signed_at is not None:
        raise DomainError(_("Finance has already signed for this."), code="already_signed")
    handover.signed_by, handover.signed_at = actor, now
    handover.save(update_fields=["signed_by", "signed_at"])
    return handover
