"""Collection requests (R-15.3) and handovers to finance (R-15.4).

A collection request is the salesperson's (收款申请单): the branch manager and then finance
confirm it in their approvals, the salesperson tells the customer, finance records the
receipt against it. A handover is a cheque, bill, draft or cash a clerk or salesperson
received; finance signs for it, the same day (an instrument) or within 1 working day (cash),
or it is listed late."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError

from accounts.models import Account
from approvals.choices import DocumentType
from approvals.permissions import may_decide
from approvals.templatetags.approval_words import approval_step
from common.errors import DomainError
from common.inputs import safe_next
from common.views import run_and_report
from staff.choices import Role
from staff.permissions import may, may_in_any_office, office_ids_of

from . import selectors
from .choices import CollectionStatus, PaymentMethod
from .desk import ROWS, handovers_listed
from .forms_money import CollectionForm, HandoverForm, apply_service_errors
from .models import CollectionRequest
from .services import collection
from .views_receipts import an_id, may_read

COLLECT = "receivables.collect"
SUBMITTABLE = (CollectionStatus.DRAFT, CollectionStatus.REJECTED)
WITHDRAWABLE = (CollectionStatus.DRAFT, CollectionStatus.REJECTED, CollectionStatus.APPROVED)


def _offices_where(user, action: str) -> list[int]:
    from staff.models import Office

    return [o.pk for o in Office.objects.filter(pk__in=office_ids_of(user)) if may(user, action, o)]


# ---------------------------------------------------------------- collection requests


@login_required
@require_GET
def collection_list(request):
    """The collection requests the user sees, newest first; `?status=`."""
    if not may_read(request.user):
        raise PermissionDenied
    qs = selectors.collection_requests_visible_to(request.user).select_related(
        "account", "owner", "office"
    )
    status = request.GET.get("status", "")
    if status in CollectionStatus.values:
        qs = qs.filter(status=status)
    context = {
        "requests": list(qs.order_by("-created_at", "-pk")[:ROWS]),
        "status": status,
        "statuses": CollectionStatus.choices,
        "may_create": may_in_any_office(request.user, COLLECT),
        "limit": ROWS,
    }
    return render(request, "receivables/money/collection_list.html", context)


def _own_accounts(user):
    """The approved accounts the user owns or deputises where they may collect."""
    return (
        Account.objects.filter(office__in=_offices_where(user, COLLECT), status="approved")
        .filter(Q(owner=user) | Q(deputy=user))
        .order_by("name", "pk")
    )


@login_required
@require_http_methods(["GET", "POST"])
def collection_new(request):
    """R-15.3: the salesperson's collection request for an account they own: the amount
    expected, how and when; saved as a draft, or submitted at once."""
    if not may_in_any_office(request.user, COLLECT):
        raise PermissionDenied
    accounts = _own_accounts(request.user)
    if request.method == "GET":
        initial = {"method": PaymentMethod.TRANSFER}
        if (pk := an_id(request.GET.get("account"))) is not None:
            initial["account"] = pk
        return _collection_form(request, CollectionForm(accounts=accounts, initial=initial))
    form = CollectionForm(request.POST, accounts=accounts)
    if not form.is_valid():
        return _collection_form(request, form, status=422)
    data, now = form.cleaned_data, timezone.now()
    try:
        made = collection.collection_request_create(
            actor=request.user,
            account=data["account"],
            expected_amount=data["expected_amount"],
            method=data["method"],
            expected_date=data["expected_date"],
            note=data["note"],
            now=now,
        )
    except ApiPermissionDenied as exc:
        raise PermissionDenied from exc
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return _collection_form(request, form, status=422)
    back = reverse("receivables:collection", args=[made.pk])
    if request.POST.get("submit"):
        return run_and_report(
            request,
            lambda: collection.collection_request_submit(request=made, actor=request.user, now=now),
            success=_("Collection request %(number)s submitted for approval.")
            % {"number": made.number},
            back=back,
        )
    messages.success(
        request,
        _("Collection request %(number)s saved. Submit it when it is ready.")
        % {"number": made.number},
    )
    return redirect(back)


def _collection_form(request, form, *, status=200):
    return render(request, "receivables/money/collection_new.html", {"form": form}, status=status)


def _collection_or_404(user, pk: int) -> CollectionRequest:
    return get_object_or_404(
        selectors.collection_requests_visible_to(user).select_related(
            "account", "office", "owner", "author"
        ),
        pk=pk,
    )


def _handles(user, request: CollectionRequest) -> bool:
    """The request's salesperson (its author or owner, or the account's)."""
    return user.pk in {request.author_id, request.owner_id} or collection.may_collect(
        user, request.account
    )


@login_required
@require_GET
def collection_detail(request, pk: int):
    """The request, its approvals (manager, then finance), what its salesperson may do, and
    the receipts finance recorded against it."""
    req = _collection_or_404(request.user, pk)
    user = request.user
    rows = list(req.approvals().select_related("decided_by", "office"))
    for row in rows:
        row.words = approval_step(row)
    pending = next((r for r in rows if r.state == "pending"), None)
    handles = _handles(user, req)
    finance = may(user, "receivables.receipt", req.office)
    context = {
        "req": req,
        "approvals": rows,
        "chain": _chain(req, rows),
        "receipts": list(
            selectors.receipts_visible_to(user)
            .filter(collection_request=req)
            .order_by("date", "pk")
        ),
        "may_submit": handles and req.status in SUBMITTABLE,
        "may_cancel": handles and req.status in WITHDRAWABLE,
        "may_tell": handles
        and req.status == CollectionStatus.APPROVED
        and not req.customer_told_at,
        "may_record": finance
        and req.status in (CollectionStatus.APPROVED, CollectionStatus.RECEIVED),
        "may_decide": pending is not None and may_decide(user, pending, req),
        "rejection": next((r for r in reversed(rows) if r.state == "rejected"), None)
        if req.status == CollectionStatus.REJECTED
        else None,
    }
    return render(request, "receivables/money/collection_detail.html", context)


def _chain(req: CollectionRequest, rows: list) -> str:
    from approvals.chains import describe

    if rows:
        steps = " → ".join(row.words for row in rows if row.state != "skipped")
        return _("This document needs: %(steps)s") % {"steps": steps}
    return describe(DocumentType.COLLECTION_REQUEST, req)


def _collection_action(request, pk: int, service, success: str):
    req = _collection_or_404(request.user, pk)
    if not _handles(request.user, req):
        raise PermissionDenied
    return run_and_report(
        request,
        lambda: service(request=req, actor=request.user, now=timezone.now()),
        success=success,
        back=reverse("receivables:collection", args=[req.pk]),
    )


@login_required
@require_POST
def collection_submit(request, pk: int):
    return _collection_action(
        request,
        pk,
        collection.collection_request_submit,
        _("Submitted: the branch manager and then finance confirm it."),
    )


@login_required
@require_POST
def collection_cancel(request, pk: int):
    return _collection_action(
        request, pk, collection.collection_request_cancel, _("The request is withdrawn.")
    )


@login_required
@require_POST
def collection_told(request, pk: int):
    return _collection_action(
        request,
        pk,
        collection.collection_customer_told,
        _("Recorded: the customer is told the payment is expected."),
    )


# ---------------------------------------------------------------- handovers


def _may_list_handovers(user) -> bool:
    return (
        may_in_any_office(user, "receivables.handover")
        or may_in_any_office(user, "receivables.sign_handover")
        or user.has_role(Role.MANAGER, Role.DIRECTOR, Role.EXECUTIVE)
    )


@login_required
@require_GET
def handover_list(request):
    """Unsigned first (oldest first), then the signed ones; a late one is marked: an
    instrument not signed for by the end of the day it was received, cash not within 1
    working day."""
    user = request.user
    if not _may_list_handovers(user):
        raise PermissionDenied
    now = timezone.now()
    rows = handovers_listed(selectors.handovers_visible_to(user), now)
    for row in rows:
        row.may_sign = row.signed_at is None and may(user, "receivables.sign_handover", row.office)
        row.may_record = (
            row.signed_at is not None
            and not hasattr(row, "receipt")
            and may(user, "receivables.receipt", row.office)
        )
    unsigned = [r for r in rows if r.signed_at is None]
    context = {
        "unsigned": unsigned,
        "signed": [r for r in rows if r.signed_at is not None],
        "late": sum(1 for r in unsigned if r.late),
        "may_create": may_in_any_office(user, "receivables.handover"),
    }
    return render(request, "receivables/money/handover_list.html", context)


def _handover_accounts(user):
    """A clerk records for any approved account of their branches; a salesperson only for
    the accounts they own or deputise."""
    qs = Account.objects.filter(
        office__in=_offices_where(user, "receivables.handover"), status="approved"
    )
    if not user.has_role(Role.CLERK):
        qs = qs.filter(Q(owner=user) | Q(deputy=user))
    return qs.order_by("name", "pk")


@login_required
@require_http_methods(["GET", "POST"])
def handover_new(request):
    """R-15.4: a clerk or salesperson records a cheque, bill or draft received (or cash
    collected as an exception) at once; finance is told to sign for it."""
    if not may_in_any_office(request.user, "receivables.handover"):
        raise PermissionDenied
    accounts = _handover_accounts(request.user)
    if request.method == "GET":
        initial = {"kind": PaymentMethod.CHEQUE}
        if (pk := an_id(request.GET.get("account"))) is not None:
            initial["account"] = pk
        form = HandoverForm(accounts=accounts, initial=initial)
        return render(request, "receivables/money/handover_new.html", {"form": form})
    form = HandoverForm(request.POST, accounts=accounts)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            made = collection.handover_record(
                actor=request.user,
                account=data["account"],
                kind=data["kind"],
                amount=data["amount"],
                instrument_number=data["instrument_number"],
                note=data["note"],
                now=timezone.now(),
            )
        except ApiPermissionDenied as exc:
            raise PermissionDenied from exc
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except DomainError as exc:
            form.add_error(None, str(exc.detail))
            status = 409
        else:
            messages.success(
                request,
                _("Recorded: %(what)s of %(account)s. Hand it to finance today.")
                % {"what": str(made), "account": made.account.name},
            )
            return redirect("receivables:handovers")
    return render(request, "receivables/money/handover_new.html", {"form": form}, status=status)


@login_required
@require_POST
def handover_sign(request, pk: int):
    """R-15.4: finance signs for what was handed over (once)."""
    handover = get_object_or_404(
        selectors.handovers_visible_to(request.user).select_related("office", "account"), pk=pk
    )
    if not may(request.user, "receivables.sign_handover", handover.office):
        raise PermissionDenied
    return run_and_report(
        request,
        lambda: collection.handover_sign(actor=request.user, handover=handover, now=timezone.now()),
        success=_("Signed for %(what)s of %(account)s.")
        % {"what": str(handover), "account": handover.account.name},
        back=safe_next(request, reverse("receivables:handovers")),
    )
