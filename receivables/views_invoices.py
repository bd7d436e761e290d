"""Invoice request pages (R-14.1, R-14.2): the list, the salesperson's form against a signed
contract (what it may still be invoiced beside it), the request with its approvals, submit,
withdraw with a confirmation, and finance issuing the invoice from the request's page.

receivables/urls.py names every invoicing page through this module: the invoices, red-letter
invoices and the list to credit are views_issued, the write-offs views_writeoffs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError

from approvals.permissions import may_decide
from common.errors import DomainError
from contracts.selectors import contracts_visible_to
from shipping.progress import contract_progress
from staff.choices import Role
from staff.permissions import may, may_in_any_office

from .choices import InvoiceRequestStatus, InvoiceType
from .forms_invoices import InvoiceRequestForm, IssueForm
from .invoice_pages import (
    LIST_LIMIT,
    an_id,
    apply_errors,
    approval_rows,
    contract_figures,
    may_read,
    run,
)
from .models import InvoiceRequest
from .selectors import invoice_requests_visible_to
from .services import invoices
from .views_issued import (
    invoice_answer,
    invoice_detail,
    invoice_list,
    invoice_query,
    invoice_red,
    invoice_sign,
    to_credit_list,
)
from .views_writeoffs import (
    write_off_cancel,
    write_off_detail,
    write_off_list,
    write_off_new,
    write_off_submit,
)

__all__ = [
    "invoice_answer",
    "invoice_detail",
    "invoice_issue",
    "invoice_list",
    "invoice_query",
    "invoice_red",
    "invoice_sign",
    "request_cancel",
    "request_detail",
    "request_list",
    "request_new",
    "request_submit",
    "to_credit_list",
    "write_off_cancel",
    "write_off_detail",
    "write_off_list",
    "write_off_new",
    "write_off_submit",
]

S = InvoiceRequestStatus
OPEN = (S.DRAFT, S.REJECTED)
WITHDRAWABLE = (S.DRAFT, S.REJECTED, S.APPROVED)


# ---------------------------------------------------------------- the list


@login_required
@require_GET
def request_list(request):
    """The invoice requests the user sees, newest first, `?status=`; for finance the approved
    ones, waiting to be issued, come first."""
    user = request.user
    if not may_read(user):
        raise PermissionDenied
    qs = invoice_requests_visible_to(user).select_related("account", "contract", "owner", "office")
    status = request.GET.get("status", "")
    if status in S.values:
        qs = qs.filter(status=status)
    rows = list(qs.order_by("-created_at", "-pk")[:LIST_LIMIT])
    to_issue = []
    if user.has_role(Role.FINANCE) and status in ("", S.APPROVED):
        to_issue = [r for r in rows if r.status == S.APPROVED]
        rows = [r for r in rows if r.status != S.APPROVED]
    context = {
        "to_issue": to_issue,
        "requests": rows,
        "status": status,
        "statuses": S.choices,
        "may_create": may_in_any_office(user, "receivables.request_invoice"),
    }
    return render(request, "receivables/invoices/request_list.html", context)


# ---------------------------------------------------------------- the form


def _my_contracts(user):
    """The signed contracts of which the user is the salesperson, to choose from."""
    return (
        contracts_visible_to(user)
        .filter(status__in=invoices.INVOICEABLE)
        .filter(Q(owner=user) | Q(account__owner=user) | Q(account__deputy=user))
        .exclude(number="")
        .select_related("account", "office")
        .order_by("-signed_at", "-pk")
    )


def _new_page(request, *, contract, form, progress, problem="", status=200):
    context = {
        "contract": contract,
        "form": form,
        "figures": contract_figures(contract),
        "rows": [(p, form.row(p.line.pk)) for p in progress],
        "problem": problem,
    }
    return render(request, "receivables/invoices/request_form.html", context, status=status)


def _create(request, contract, form, progress) -> tuple[InvoiceRequest | None, int]:
    """The service's request from a valid form, or None and the page's status (the form has
    the errors: 422 for bad input, 409 for a refusal of the contract's state)."""
    filled = form.quantities()
    by_id = {p.line.pk: p.line for p in progress}
    data = form.cleaned_data
    try:
        made = invoices.invoice_request_create(
            actor=request.user,
            contract=contract,
            invoice_type=data["invoice_type"],
            amount=None if filled else data["amount"],
            lines=[
                invoices.LineInput(contract_line=by_id[row], quantity=quantity)
                for row, quantity in filled
            ]
            or None,
            buyer_name=data["buyer_name"],
            buyer_tax_number=data["buyer_tax_number"],
            buyer_address_phone=data["buyer_address_phone"],
            buyer_bank_account=data["buyer_bank_account"],
            note=data["note"],
            now=timezone.now(),
        )
    except ApiPermissionDenied as exc:
        raise PermissionDenied from exc
    except ValidationError as exc:
        apply_errors(form, exc, rows=[row for row, _q in filled])
        return None, 422
    except DomainError as exc:
        form.add_error(None, str(exc.detail))
        return None, 409
    return made, 201


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request):
    """R-14.1: the contract's salesperson asks for an invoice: an amount, or quantities of
    the contract's lines, at most what the contract may still be invoiced (R-14.2). Without
    `?contract=` the page lists the user's signed contracts to choose from."""
    user = request.user
    if not may_in_any_office(user, "receivables.request_invoice"):
        raise PermissionDenied
    raw = request.GET.get("contract") or request.POST.get("contract")
    if not raw:
        contracts = _my_contracts(user)[:LIST_LIMIT]
        return render(request, "receivables/invoices/request_choose.html", {"contracts": contracts})
    pk = an_id(raw)
    contract = (
        contracts_visible_to(user).select_related("account", "office").filter(pk=pk).first()
        if pk
        else None
    )
    if contract is None:
        raise Http404
    if not invoices.may_request_invoice(user, contract):
        raise PermissionDenied
    progress = contract_progress(contract)
    problem = ""
    if contract.status not in invoices.INVOICEABLE:
        problem = _("Only a signed contract is invoiced; this one is %(status)s.") % {
            "status": contract.get_status_display()
        }
    data = request.POST if request.method == "POST" else None
    form = InvoiceRequestForm(
        data,
        rows=[(p.line.pk, p.line.product.name, None) for p in progress],
        initial={
            "invoice_type": InvoiceType.ORDINARY,
            "buyer_name": contract.account.name,
            "buyer_tax_number": contract.account.credit_code,
        },
    )
    if data is None or problem:
        status = 409 if data is not None else 200
        return _new_page(
            request, contract=contract, form=form, progress=progress, problem=problem, status=status
        )
    made, status = _create(request, contract, form, progress) if form.is_valid() else (None, 422)
    if made is None:
        return _new_page(request, contract=contract, form=form, progress=progress, status=status)
    if "submit" in data:
        run(
            request,
            lambda: invoices.invoice_request_submit(request=made, actor=user, now=timezone.now()),
            _("Saved and submitted: the branch manager reviews it."),
        )
    else:
        messages.success(request, _("Draft saved. Submit it for review when it is ready."))
    return redirect("receivables:request", made.pk)


# ---------------------------------------------------------------- the request


def _request_or_404(user, pk: int) -> InvoiceRequest:
    if not may_read(user):
        raise PermissionDenied
    return get_object_or_404(
        invoice_requests_visible_to(user).select_related(
            "account",
            "contract__account",
            "contract__office",
            "office",
            "author",
            "owner",
            "cancelled_by",
            "invoice",
        ),
        pk=pk,
    )


def _detail(request, made: InvoiceRequest, *, issue_form=None, status: int = 200):
    user = request.user
    rows, chain = approval_rows(made)
    pending = next((a for a in rows if a.state == "pending"), None)
    salesperson = invoices.may_handle_request(user, made)
    may_issue = made.status == S.APPROVED and may(user, "receivables.issue", made.office)
    if may_issue and issue_form is None:
        issue_form = IssueForm(initial={"date": timezone.localdate()})
    context = {
        "made": made,
        "contract": made.contract,
        "figures": contract_figures(made.contract, excluding_request=made.pk),
        "lines": made.lines.select_related("product", "contract_line").order_by("pk"),
        "approvals": rows,
        "chain": chain,
        "may_decide": pending is not None and may_decide(user, pending, made),
        "may_submit": salesperson
        and made.status in OPEN
        and made.contract.status in invoices.INVOICEABLE,
        "may_withdraw": salesperson and made.status in WITHDRAWABLE,
        "issue_form": issue_form if may_issue else None,
        "invoice": getattr(made, "invoice", None),
    }
    return render(request, "receivables/invoices/request_detail.html", context, status=status)


@login_required
@require_GET
def request_detail(request, pk: int):
    return _detail(request, _request_or_404(request.user, pk))


@login_required
@require_POST
def request_submit(request, pk: int):
    """R-8: draft or rejected → pending: the branch manager reviews it."""
    made = _request_or_404(request.user, pk)
    if not invoices.may_handle_request(request.user, made):
        raise PermissionDenied
    run(
        request,
        lambda: invoices.invoice_request_submit(
            request=made, actor=request.user, now=timezone.now()
        ),
        _("Submitted: the branch manager reviews it."),
    )
    return redirect("receivables:request", made.pk)


@login_required
@require_http_methods(["GET", "POST"])
def request_cancel(request, pk: int):
    """The salesperson withdraws a request not issued yet: a page that asks first."""
    made = _request_or_404(request.user, pk)
    if not invoices.may_handle_request(request.user, made):
        raise PermissionDenied
    if made.status not in WITHDRAWABLE:
        messages.error(request, _("This request cannot be withdrawn now."))
        return redirect("receivables:request", made.pk)
    if request.method == "POST":
        run(
            request,
            lambda: invoices.invoice_request_cancel(
                request=made, actor=request.user, now=timezone.now()
            ),
            _("The request is withdrawn; its amount may be asked for again."),
        )
        return redirect("receivables:request", made.pk)
    return render(request, "receivables/invoices/request_cancel.html", {"made": made})


@login_required
@require_POST
def invoice_issue(request, pk: int):
    """R-14.1: finance issues the approved request's invoice, with the tax authority's
    number and the invoice's date."""
    made = _request_or_404(request.user, pk)
    if not may(request.user, "receivables.issue", made.office):
        raise PermissionDenied
    form = IssueForm(request.POST)
    if not form.is_valid():
        return _detail(request, made, issue_form=form, status=422)
    try:
        invoice = invoices.invoice_issue(
            actor=request.user,
            request=made,
            number=form.cleaned_data["number"],
            date=form.cleaned_data["date"],
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
        _("Invoice %(number)s is issued; it falls due on %(due)s.")
        % {"number": invoice.number, "due": invoice.due_date.isoformat()},
    )
    return redirect("receivables:invoice", invoice.pk)
