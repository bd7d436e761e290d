"""Write-off pages (R-15.1): the list, finance's or the branch manager's proposal from an
invoice (at most its open amount), the write-off with its approvals (the head of the sales
department, then the company's leadership), submit and withdraw."""

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

from approvals.permissions import may_decide
from common.errors import DomainError
from staff.models import Office
from staff.permissions import may, may_in_any_office, office_ids_of

from . import figures, rules
from .choices import WriteOffStatus
from .forms_invoices import WriteOffForm
from .invoice_pages import LIST_LIMIT, an_id, apply_errors, approval_rows, may_read_office, run
from .models import Invoice, WriteOff
from .selectors import invoices_visible_to, write_offs_visible_to
from .services import receipts

W = WriteOffStatus
OPEN = (W.DRAFT, W.REJECTED)


@login_required
@require_GET
def write_off_list(request):
    """The write-offs of the offices the user sees, newest first, `?status=`."""
    user = request.user
    if not may_read_office(user):
        raise PermissionDenied
    qs = write_offs_visible_to(user).select_related("account", "invoice", "office", "author")
    status = request.GET.get("status", "")
    if status in W.values:
        qs = qs.filter(status=status)
    context = {
        "write_offs": qs.order_by("-created_at", "-pk")[:LIST_LIMIT],
        "status": status,
        "statuses": W.choices,
        "may_create": may_in_any_office(user, "receivables.write_off"),
    }
    return render(request, "receivables/invoices/write_off_list.html", context)


def _open_invoice(user, pk: int) -> Invoice:
    invoice = (
        figures.with_open_amount(
            invoices_visible_to(user).select_related("account", "contract", "office")
        )
        .filter(pk=pk, red_of__isnull=True)
        .first()
    )
    if invoice is None:
        raise Http404
    return invoice


def _choose(request):
    """Without `?invoice=`: the open invoices of the offices where the user may propose a
    write-off, the longest overdue first."""
    user = request.user
    offices = [
        o.pk
        for o in Office.objects.filter(pk__in=office_ids_of(user))
        if may(user, "receivables.write_off", o)
    ]
    rows = (
        figures.with_open_amount(
            invoices_visible_to(user)
            .filter(red_of__isnull=True, office_id__in=offices)
            .select_related("account", "office")
        )
        .filter(open_amount__gt=0)
        .order_by("due_date", "pk")[:LIST_LIMIT]
    )
    today = timezone.localdate()
    rows = list(rows)
    for row in rows:
        row.days_overdue = rules.days_overdue(row.due_date, today)
    return render(request, "receivables/invoices/write_off_choose.html", {"invoices": rows})


@login_required
@require_http_methods(["GET", "POST"])
def write_off_new(request):
    """R-15.1: finance or the branch manager proposes to write off what remains of an
    invoice (`?invoice=`); it is saved as a draft, then submitted for approval."""
    user = request.user
    if not may_in_any_office(user, "receivables.write_off"):
        raise PermissionDenied
    raw = request.GET.get("invoice") or request.POST.get("invoice")
    if not raw:
        return _choose(request)
    pk = an_id(raw)
    if pk is None:
        raise Http404
    invoice = _open_invoice(user, pk)
    if not may(user, "receivables.write_off", invoice.office):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = WriteOffForm(data, initial={"amount": invoice.open_amount})
    today = timezone.localdate()
    context = {
        "invoice": invoice,
        "form": form,
        "days_overdue": rules.days_overdue(invoice.due_date, today),
    }
    if data is None:
        return render(request, "receivables/invoices/write_off_form.html", context)
    if form.is_valid() and form.cleaned_data["amount"] > invoice.open_amount:
        form.add_error(
            "amount",
            _("Over what remains of the invoice: %(left)s yuan.")
            % {"left": f"{invoice.open_amount:,.2f}"},
        )
    status = 422
    if form.is_valid():
        try:
            made = receipts.write_off_create(
                actor=user,
                invoice=invoice,
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                now=timezone.now(),
            )
        except ApiPermissionDenied as exc:
            raise PermissionDenied from exc
        except ValidationError as exc:
            apply_errors(form, exc)
        except DomainError as exc:
            form.add_error(None, str(exc.detail))
            status = 409
        else:
            if "submit" in data:
                run(
                    request,
                    lambda: receipts.write_off_submit(
                        write_off=made, actor=user, now=timezone.now()
                    ),
                    _("Saved and submitted: the head of the sales department decides first."),
                )
            else:
                messages.success(
                    request, _("Draft saved. Submit it for approval when it is ready.")
                )
            return redirect("receivables:write_off", made.pk)
    return render(request, "receivables/invoices/write_off_form.html", context, status=status)


def _write_off_or_404(user, pk: int) -> WriteOff:
    if not may_read_office(user):
        raise PermissionDenied
    return get_object_or_404(
        write_offs_visible_to(user).select_related(
            "account", "invoice__contract", "office", "author"
        ),
        pk=pk,
    )


@login_required
@require_GET
def write_off_detail(request, pk: int):
    user = request.user
    made = _write_off_or_404(user, pk)
    invoice = figures.with_open_amount(
        Invoice.objects.filter(pk=made.invoice_id).select_related("account", "contract")
    ).get()
    rows, chain = approval_rows(made)
    pending = next((a for a in rows if a.state == "pending"), None)
    author = user.pk == made.author_id
    today = timezone.localdate()
    context = {
        "made": made,
        "invoice": invoice,
        "days_overdue": rules.days_overdue(invoice.due_date, today)
        if invoice.open_amount > 0
        else 0,
        "approvals": rows,
        "chain": chain,
        "may_decide": pending is not None and may_decide(user, pending, made),
        "may_submit": author and made.status in OPEN,
        "may_withdraw": author and made.status in OPEN,
        "invoice_link": invoices_visible_to(user).filter(pk=invoice.pk).exists(),
    }
    return render(request, "receivables/invoices/write_off_detail.html", context)


@login_required
@require_POST
def write_off_submit(request, pk: int):
    """R-8: draft or rejected → pending: the head of the sales department, then the
    company's leadership."""
    made = _write_off_or_404(request.user, pk)
    if request.user.pk != made.author_id:
        raise PermissionDenied
    run(
        request,
        lambda: receipts.write_off_submit(write_off=made, actor=request.user, now=timezone.now()),
        _("Submitted: the head of the sales department decides first."),
    )
    return redirect("receivables:write_off", made.pk)


@login_required
@require_http_methods(["GET", "POST"])
def write_off_cancel(request, pk: int):
    """Its author withdraws a draft or rejected write-off: a page that asks first."""
    made = _write_off_or_404(request.user, pk)
    if request.user.pk != made.author_id:
        raise PermissionDenied
    if made.status not in OPEN:
        messages.error(request, _("Only a draft or rejected write-off is withdrawn."))
        return redirect("receivables:write_off", made.pk)
    if request.method == "POST":
        run(
            request,
            lambda: receipts.write_off_cancel(
                write_off=made, actor=request.user, now=timezone.now()
            ),
            _("The write-off is withdrawn."),
        )
        return redirect("receivables:write_off", made.pk)
    return render(request, "receivables/invoices/write_off_cancel.html", {"made": made})
