"""Pages of returns and exchanges (R-13.5): the list, the salesperson's form against a contract
(views_returns_new), the return's page with its approval chain, the technician's inspection,
the return certificate and its PDF, and the clerk's red outbound order (红字出库单).

Views parse, call one service of shipping.services and render; who sees a return is
shipping.selectors.returns_visible_to, who may act is the services' own checks."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
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
from common.views import run_and_report
from contracts.selectors import contracts_visible_to
from staff.choices import Role
from staff.permissions import may, may_in_any_office

from . import services
from .choices import ReturnKind, ReturnStatus
from .forms_returns import CertificateForm, InspectionForm, RedOrderForm
from .models import OutboundOrder, ReturnLine, ReturnRequest
from .pdf_returns import return_certificate_pdf as certificate_pdf
from .selectors import orders_visible_to, requests_visible_to, returns_visible_to
from .views_returns_new import return_new  # noqa: F401  (shipping/urls.py: r.return_new)

LIST_LIMIT = 200
OPEN = (ReturnStatus.DRAFT, ReturnStatus.REJECTED)


def _return_or_404(user, pk: int) -> ReturnRequest:
    return get_object_or_404(
        returns_visible_to(user).select_related(
            "office", "contract__account", "contract__office", "owner", "author", "inspected_by"
        ),
        pk=pk,
    )


def _may_read(user) -> bool:
    """Who has a list of returns: the people who see contracts, and the technicians who
    inspect them."""
    return user.has_role(Role.DIRECTOR, Role.EXECUTIVE, Role.TECHNICIAN) or may_in_any_office(
        user, "contracts.view"
    )


# ---------------------------------------------------------------- the list


@login_required
@require_GET
def return_list(request):
    """The returns the user sees, newest first, by status and by kind."""
    if not _may_read(request.user):
        raise PermissionDenied
    qs = returns_visible_to(request.user).select_related("contract__account", "owner", "office")
    status = request.GET.get("status", "")
    if status in ReturnStatus.values:
        qs = qs.filter(status=status)
    kind = request.GET.get("kind", "")
    if kind in ReturnKind.values:
        qs = qs.filter(kind=kind)
    context = {
        "returns": qs.order_by("-created_at", "-pk")[:LIST_LIMIT],
        "status": status,
        "statuses": ReturnStatus.choices,
        "kind": kind,
        "kinds": ReturnKind.choices,
        "may_create": may_in_any_office(request.user, "shipping.return"),
    }
    return render(request, "shipping/return_list.html", context)


# ---------------------------------------------------------------- the return's page


def _approval_rows(ret: ReturnRequest) -> list:
    rows = list(ret.approvals().select_related("decided_by", "office"))
    for row in rows:
        row.words = approval_step(row)
    return rows


def _chain(ret: ReturnRequest, rows: list) -> str:
    if rows:
        steps = " → ".join(row.words for row in rows if row.state != "skipped")
        return _("This document needs: %(steps)s") % {"steps": steps}
    return describe(DocumentType.RETURN, ret)


def _inspection_step(ret: ReturnRequest, rows: list):
    """The technician's step while it waits for the inspection, or None."""
    if ret.status != ReturnStatus.PENDING:
        return None
    return next((r for r in rows if r.role == Role.TECHNICIAN and r.state == "pending"), None)


def _actions(user, ret: ReturnRequest, rows: list, red_order) -> dict:
    salesperson = services.may_handle_return(user, ret)
    contract_open = ret.contract.status in services.OPEN_CONTRACT
    step = _inspection_step(ret, rows)
    pending = next((r for r in rows if r.state == "pending"), None)
    return {
        "may_submit": salesperson and ret.status in OPEN and not ret.refused and contract_open,
        "may_cancel": salesperson and ret.status in OPEN and not ret.refused,
        "may_inspect": step is not None
        and user.has_role(Role.TECHNICIAN)
        and may_decide(user, step, ret),
        "may_certify": salesperson and ret.status != ReturnStatus.CANCELLED and not ret.refused,
        "may_issue": may(user, "shipping.issue", ret.office)
        and ret.status == ReturnStatus.APPROVED
        and red_order is None,
        "may_decide": pending is not None
        and pending.role != Role.TECHNICIAN
        and may_decide(user, pending, ret),
    }


def _lines(ret: ReturnRequest) -> list[ReturnLine]:
    return list(ret.lines.select_related("product", "contract_line").order_by("pk"))


def _detail(request, ret, *, inspect_form=None, certificate_form=None, red_form=None, status=200):
    user = request.user
    rows = _approval_rows(ret)
    red_order = OutboundOrder.objects.filter(return_request=ret).first()
    actions = _actions(user, ret, rows, red_order)
    context = {
        "ret": ret,
        # a link only where its page opens for this user (a technician sees no contract)
        "contract_link": contracts_visible_to(user).filter(pk=ret.contract_id).exists(),
        "order_link": red_order is not None
        and orders_visible_to(user).filter(pk=red_order.pk).exists(),
        "request_links": set(
            requests_visible_to(user).filter(exchange_for=ret).values_list("pk", flat=True)
        ),
        "lines": _lines(ret),
        "approvals": rows,
        "chain": _chain(ret, rows),
        "red_order": red_order,
        "exchange_requests": ret.exchange_requests.order_by("pk"),
        "inspect_form": inspect_form or InspectionForm(),
        "certificate_form": certificate_form
        or CertificateForm(initial={"reason": ret.certificate_reason}),
        "red_form": red_form or RedOrderForm(office=ret.office),
        **actions,
    }
    return render(request, "shipping/return_detail.html", context, status=status)


@login_required
@require_GET
def return_detail(request, pk: int):
    return _detail(request, _return_or_404(request.user, pk))


def _run(request, ret, action, success: str):
    return run_and_report(
        request, action, success=success, back=reverse("shipping:return", args=[ret.pk])
    )


@login_required
@require_POST
def return_submit(request, pk: int):
    """R-8: the salesperson submits: the branch manager, the technician, the director."""
    ret = _return_or_404(request.user, pk)
    if not services.may_handle_return(request.user, ret):
        raise PermissionDenied
    return _run(
        request,
        ret,
        lambda: services.return_submit(ret=ret, actor=request.user, now=timezone.now()),
        _("Submitted for approval."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def return_cancel(request, pk: int):
    """The salesperson withdraws a draft or rejected return, after a confirmation page."""
    ret = _return_or_404(request.user, pk)
    if not services.may_handle_return(request.user, ret):
        raise PermissionDenied
    if ret.status not in OPEN or ret.refused:
        messages.error(request, _("This return cannot be withdrawn now."))
        return redirect("shipping:return", ret.pk)
    if request.method == "POST":
        return _run(
            request,
            ret,
            lambda: services.return_cancel(ret=ret, actor=request.user, now=timezone.now()),
            _("The return is withdrawn."),
        )
    return render(request, "shipping/return_cancel.html", {"ret": ret, "lines": _lines(ret)})


@login_required
@require_POST
def return_inspect(request, pk: int):
    """R-13.5: the technician's inspection: genuine (on to the director) or not (refused)."""
    ret = _return_or_404(request.user, pk)
    if not request.user.has_role(Role.TECHNICIAN):
        raise PermissionDenied
    step = _inspection_step(ret, _approval_rows(ret))
    if step is None:
        messages.error(request, _("This return is not waiting for the inspection."))
        return redirect("shipping:return", ret.pk)
    if not may_decide(request.user, step, ret):
        raise PermissionDenied
    form = InspectionForm(request.POST)
    if not form.is_valid():
        return _detail(request, ret, inspect_form=form, status=422)
    genuine = form.cleaned_data["genuine"]
    done = (
        _("Genuine: the return goes on to the head of the sales department.")
        if genuine
        else _("Not genuine: the return is refused.")
    )
    return _run(
        request,
        ret,
        lambda: services.return_inspect(
            ret=ret,
            actor=request.user,
            genuine=genuine,
            note=form.cleaned_data["note"],
            now=timezone.now(),
        ),
        done,
    )


@login_required
@require_POST
def return_certificate(request, pk: int):
    """R-13.5: the return certificate (销售退货证明单), filled by the salesperson."""
    ret = _return_or_404(request.user, pk)
    if not services.may_handle_return(request.user, ret):
        raise PermissionDenied
    form = CertificateForm(request.POST)
    if not form.is_valid():
        return _detail(request, ret, certificate_form=form, status=422)
    return _run(
        request,
        ret,
        lambda: services.return_certificate(
            ret=ret, actor=request.user, reason=form.cleaned_data["reason"], now=timezone.now()
        ),
        _("The return certificate is filled; print it from the link below."),
    )


@login_required
@require_GET
def return_certificate_pdf(request, pk: int):
    """The return certificate as a PDF, for whoever sees the return, once it is filled."""
    ret = get_object_or_404(
        returns_visible_to(request.user)
        .select_related("office", "contract__account", "owner", "certificate_by")
        .prefetch_related(
            Prefetch("lines", ReturnLine.objects.select_related("product").order_by("pk"))
        ),
        pk=pk,
    )
    if ret.certificate_at is None:
        raise Http404
    response = HttpResponse(certificate_pdf(ret), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{ret.number}-certificate.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def return_red_order(request, pk: int):
    """R-13.5: the branch's clerk issues the red outbound order of an approved return."""
    ret = _return_or_404(request.user, pk)
    if not may(request.user, "shipping.issue", ret.office):
        raise PermissionDenied
    form = RedOrderForm(request.POST, office=ret.office)
    if not form.is_valid():
        return _detail(request, ret, red_form=form, status=422)
    try:
        order = services.red_order_issue(
            actor=request.user,
            return_request=ret,
            warehouse=form.cleaned_data["warehouse"],
            now=timezone.now(),
        )
    except ApiPermissionDenied as exc:
        raise PermissionDenied from exc
    except ValidationError as exc:
        for errors in (exc.detail if isinstance(exc.detail, dict) else {"": exc.detail}).values():
            form.add_error(None, [str(e) for e in errors])
        return _detail(request, ret, red_form=form, status=422)
    except DomainError as exc:
        messages.error(request, str(exc.detail))
        return redirect("shipping:return", ret.pk)
    messages.success(request, _("The red outbound order is issued to the warehouse."))
    return redirect("shipping:order", order.pk)
