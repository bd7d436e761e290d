"""Demand request pages (R-13.1, R-13.2): the list, the form against a signed contract (what is
left to request beside each line), the request with its approval chain and the contract beside
it; submit, withdraw with a confirmation, and the clerk's outbound order."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError

from approvals.chains import describe
from approvals.choices import DocumentType
from approvals.permissions import may_decide
from approvals.templatetags.approval_words import approval_step
from common.errors import DomainError
from staff.choices import Role
from staff.permissions import manages, may, may_in_any_office

from . import progress as P
from . import services
from .choices import RequestStatus
from .forms_orders import IssueForm, RequestForm, apply_errors
from .fulfilment import request_beside
from .models import DemandRequest
from .selectors import contract_for_shipping, requests_visible_to

LIST_LIMIT = 200


def an_id(raw) -> int | None:
    """An id as a client sends it: ASCII digits only."""
    raw = str(raw or "")
    return int(raw) if re.fullmatch(r"[0-9]{1,18}", raw) else None


def may_read(user) -> bool:
    """Who reads demand requests: whoever reads contracts (requests_visible_to narrows)."""
    return user.has_role(Role.DIRECTOR, Role.EXECUTIVE) or may_in_any_office(user, "contracts.view")


def run(request, action, success: str) -> bool:
    """A service called from a button: refused → 403, its conflict or error → a message."""
    try:
        action()
    except ApiPermissionDenied as exc:
        raise PermissionDenied from exc
    except ValidationError as exc:
        detail = exc.detail if isinstance(exc.detail, dict) else {"": exc.detail}
        for errors in detail.values():
            for error in errors if isinstance(errors, list) else [errors]:
                messages.error(request, str(error))
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, success)
        return True
    return False


# ---------------------------------------------------------------- the list


@login_required
@require_GET
def request_list(request):
    """The demand requests the user sees, newest first; `?status=`, `?contract=`."""
    if not may_read(request.user):
        raise PermissionDenied
    qs = requests_visible_to(request.user).select_related("contract__account", "owner", "office")
    status = request.GET.get("status", "")
    if status in RequestStatus.values:
        qs = qs.filter(status=status)
    contract = None
    contract_id = an_id(request.GET.get("contract"))
    if contract_id is not None:
        contract = contract_for_shipping(request.user, contract_id)
        if contract is None:
            raise Http404
        qs = qs.filter(contract=contract)
    context = {
        "requests": qs.order_by("-created_at", "-pk")[:LIST_LIMIT],
        "status": status,
        "statuses": RequestStatus.choices,
        "contract": contract,
        "may_request": contract is not None
        and contract.status in services.OPEN_CONTRACT
        and services.may_request(request.user, contract),
    }
    return render(request, "shipping/request_list.html", context)


# ---------------------------------------------------------------- the form


def _request_rows(progress: list[P.LineProgress]) -> list[tuple[int, str, None]]:
    return [(p.line.pk, p.line.product.name, None) for p in progress]


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request):
    """R-13.1: a demand request against a signed contract: per line at most what is left to
    request; an empty row is not requested. "Save and submit" sends it to the manager."""
    if not may_in_any_office(request.user, "shipping.request"):
        raise PermissionDenied
    contract_id = an_id(request.GET.get("contract") or request.POST.get("contract"))
    contract = contract_for_shipping(request.user, contract_id) if contract_id else None
    if contract is None:
        raise Http404
    if not services.may_request(request.user, contract):
        raise PermissionDenied
    progress = P.contract_progress(contract)
    data = request.POST if request.method == "POST" else None
    form = RequestForm(data, rows=_request_rows(progress))
    problem = ""
    if contract.status not in services.OPEN_CONTRACT:
        problem = _("Only a signed contract takes demand requests; this one is %(status)s.") % {
            "status": contract.get_status_display()
        }
    status = 409 if data is not None and problem else 200
    if data is not None and not problem:
        status = 422
        if form.is_valid():
            filled = form.quantities()
            by_id = {p.line.pk: p.line for p in progress}
            lines = [
                services.LineInput(contract_line=by_id[row], quantity=quantity)
                for row, quantity in filled
            ]
            now = timezone.now()
            try:
                made = services.request_create(
                    actor=request.user,
                    contract=contract,
                    lines=lines,
                    note=form.cleaned_data["note"],
                    now=now,
                )
            except ApiPermissionDenied as exc:
                raise PermissionDenied from exc
            except ValidationError as exc:
                apply_errors(form, exc, [row for row, _q in filled])
            except DomainError as exc:
                form.add_error(None, str(exc.detail))
                status = 409
            else:
                if "submit" in data:
                    run(
                        request,
                        lambda: services.request_submit(request=made, actor=request.user, now=now),
                        _("Saved and submitted: the branch manager decides first."),
                    )
                else:
                    messages.success(
                        request, _("Draft saved. Submit it for approval when it is ready.")
                    )
                return redirect("shipping:request", made.pk)
    rows = [(p, form.row(p.line.pk)) for p in progress]
    context = {"contract": contract, "form": form, "rows": rows, "problem": problem}
    return render(request, "shipping/request_form.html", context, status=status)


# ---------------------------------------------------------------- the request


def _request_or_404(user, pk: int) -> DemandRequest:
    return get_object_or_404(
        requests_visible_to(user).select_related(
            "contract__account",
            "contract__office",
            "office",
            "author",
            "owner",
            "cancelled_by",
            "exchange_for",
            "outbound_order",
        ),
        pk=pk,
    )


def _may_withdraw(user, made: DemandRequest) -> bool:
    """services.request_cancel's rule: a draft or rejected request by its author, salesperson
    or clerk; an approved one not issued yet by the branch manager."""
    if made.status == RequestStatus.APPROVED:
        return manages(user, made.office)
    if made.status in (RequestStatus.DRAFT, RequestStatus.REJECTED):
        return manages(user, made.office) or services.may_handle_request(user, made)
    return False


def _detail(request, made: DemandRequest, *, issue_form=None, status: int = 200):
    user = request.user
    approvals = list(made.approvals().select_related("decided_by"))
    for row in approvals:
        row.words = approval_step(row)
    if approvals:
        steps = " → ".join(row.words for row in approvals if row.state != "skipped")
        chain = _("This document needs: %(steps)s") % {"steps": steps}
    else:
        chain = describe(DocumentType.DEMAND_REQUEST, made)
    pending = next((a for a in approvals if a.state == "pending"), None)
    may_issue = made.status == RequestStatus.APPROVED and may(user, "shipping.issue", made.office)
    if may_issue and issue_form is None:
        issue_form = IssueForm(office=made.office)
    context = {
        "made": made,
        "contract": made.contract,
        "beside": request_beside(made),
        "approvals": approvals,
        "chain": chain,
        "may_decide": pending is not None and may_decide(user, pending, made),
        "may_submit": made.status in (RequestStatus.DRAFT, RequestStatus.REJECTED)
        and services.may_handle_request(user, made),
        "may_withdraw": _may_withdraw(user, made),
        "issue_form": issue_form if may_issue else None,
        "order": getattr(made, "outbound_order", None),
    }
    return render(request, "shipping/request_detail.html", context, status=status)


@login_required
@require_GET
def request_detail(request, pk: int):
    return _detail(request, _request_or_404(request.user, pk))


@login_required
@require_POST
def request_submit(request, pk: int):
    """R-8: draft or rejected → pending, the branch manager first, then the director."""
    made = _request_or_404(request.user, pk)
    if not services.may_handle_request(request.user, made):
        raise PermissionDenied
    run(
        request,
        lambda: services.request_submit(request=made, actor=request.user, now=timezone.now()),
        _("Submitted: the branch manager decides first."),
    )
    return redirect("shipping:request", made.pk)


@login_required
@require_http_methods(["GET", "POST"])
def request_cancel(request, pk: int):
    """Withdraw a request: a page that asks first, then the withdrawal."""
    made = _request_or_404(request.user, pk)
    if not (manages(request.user, made.office) or services.may_handle_request(request.user, made)):
        raise PermissionDenied
    if not _may_withdraw(request.user, made):
        messages.error(request, _("This request cannot be withdrawn now."))
        return redirect("shipping:request", made.pk)
    if request.method == "POST":
        run(
            request,
            lambda: services.request_cancel(request=made, actor=request.user, now=timezone.now()),
            _("The request is withdrawn; its quantities are free again."),
        )
        return redirect("shipping:request", made.pk)
    lines = made.lines.select_related("product").order_by("pk")
    return render(request, "shipping/request_cancel.html", {"made": made, "lines": lines})


@login_required
@require_POST
def request_issue(request, pk: int):
    """R-13.2: the clerk issues the outbound order of an approved request, naming the
    warehouse; it goes to the warehouse keeper's queue."""
    made = _request_or_404(request.user, pk)
    if not may(request.user, "shipping.issue", made.office):
        raise PermissionDenied
    form = IssueForm(request.POST, office=made.office)
    if not form.is_valid():
        return _detail(request, made, issue_form=form, status=422)
    try:
        order = services.order_issue(
            actor=request.user,
            demand_request=made,
            warehouse=form.cleaned_data["warehouse"],
            note=form.cleaned_data["note"],
            now=timezone.now(),
        )
    except ApiPermissionDenied as exc:
        raise PermissionDenied from exc
    except ValidationError as exc:
        apply_errors(form, exc)
        return _detail(request, made, issue_form=form, status=422)
    except DomainError as exc:
        form.add_error(None, str(exc.detail))
        return _detail(request, made, issue_form=form, status=409)
    messages.success(
        request,
        _("Outbound order %(number)s is issued: it is in the warehouse keeper's queue.")
        % {"number": order.number},
    )
    return redirect("shipping:order", order.pk)
