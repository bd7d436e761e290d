"""Invoice pages (R-14.1, R-14.3, R-15.5): the list (open, overdue, per account), the invoice
with its allocations, red-letter invoices and write-offs, the customer's signature, a question
and finance's answer, finance's red-letter invoice (with a confirmation), and the contracts
whose returned goods still need a red-letter invoice."""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError

from accounts.models import Account
from common.errors import DomainError
from contracts.models import SalesContract
from shipping.models import OutboundLine
from shipping.progress import net_shipped_values
from staff.permissions import may

from . import figures, rules
from .forms_invoices import AnswerForm, QueryForm, RedInvoiceForm, SignForm
from .invoice_pages import LIST_LIMIT, an_id, apply_errors, may_read, may_read_office
from .models import Invoice
from .selectors import invoices_visible_to, may_see_account_ledger, write_offs_visible_to
from .services import invoices

ZERO = Decimal("0.00")


def _today() -> datetime.date:
    return timezone.localdate()


# ---------------------------------------------------------------- the list


def _mark(rows, today) -> None:
    for row in rows:
        row.days_overdue = (
            rules.days_overdue(row.due_date, today) if not row.is_red and row.open_amount > 0 else 0
        )


@login_required
@require_GET
def invoice_list(request):
    """The invoices the user sees, newest first: `?open=1` only those with something left
    to pay, `?overdue=1` only those past their due date, `?account=<id>`."""
    user = request.user
    if not may_read(user):
        raise PermissionDenied
    visible = invoices_visible_to(user)
    qs = figures.with_open_amount(visible.select_related("account", "contract", "office", "red_of"))
    today = _today()
    only_open = request.GET.get("open") == "1"
    only_overdue = request.GET.get("overdue") == "1"
    if only_open or only_overdue:
        qs = qs.filter(red_of__isnull=True, open_amount__gt=0)
    if only_overdue:
        qs = qs.filter(due_date__lt=today)
    account_id = an_id(request.GET.get("account"))
    if account_id is not None:
        qs = qs.filter(account_id=account_id)
    totals = qs.filter(red_of__isnull=True).aggregate(amount=Sum("amount"), open=Sum("open_amount"))
    rows = list(qs.order_by("-date", "-pk")[:LIST_LIMIT])
    _mark(rows, today)
    accounts = Account.objects.filter(
        pk__in=visible.order_by().values("account_id").distinct()
    ).order_by("name")
    context = {
        "invoices": rows,
        "totals": {k: v or ZERO for k, v in totals.items()},
        "only_open": only_open,
        "only_overdue": only_overdue,
        "account_id": account_id,
        "accounts": accounts.only("pk", "name")[:LIST_LIMIT],
        "may_credit": may_read_office(user),
    }
    return render(request, "receivables/invoices/invoice_list.html", context)


# ---------------------------------------------------------------- the invoice


def _invoice_or_404(user, pk: int) -> Invoice:
    if not may_read(user):
        raise PermissionDenied
    qs = figures.with_open_amount(
        invoices_visible_to(user).select_related(
            "account",
            "contract",
            "office",
            "red_of",
            "request",
            "issued_by",
            "signature_recorded_by",
            "queried_by",
            "return_request",
        )
    )
    invoice = qs.filter(pk=pk).first()
    if invoice is None:
        raise Http404
    return invoice


def _actions(user, invoice: Invoice) -> dict:
    office = invoice.office
    recorder = invoices.may_record_signature(user, invoice)
    open_question = bool(invoice.queried_at) and not invoice.query_answered_at
    ordinary_open = not invoice.is_red and invoice.open_amount > 0
    return {
        "may_sign": recorder and invoice.signed_on is None,
        "may_query": recorder and not open_question,
        "may_answer": open_question and may(user, "receivables.daily_check", office),
        "may_red": ordinary_open and may(user, "receivables.issue", office),
        "may_write_off": ordinary_open and may(user, "receivables.write_off", office),
    }


def _detail(request, invoice: Invoice, *, forms=None, status: int = 200):
    user = request.user
    forms = forms or {}
    actions = _actions(user, invoice)
    today = _today()
    write_offs = list(invoice.write_offs.order_by("-created_at", "-pk"))
    context = {
        "invoice": invoice,
        "days_overdue": rules.days_overdue(invoice.due_date, today)
        if not invoice.is_red and invoice.open_amount > 0
        else 0,
        "allocations": invoice.allocations.select_related("receipt").order_by("date", "pk"),
        "reds": invoice.reds.order_by("date", "pk"),
        "write_offs": write_offs,
        "write_off_links": set(
            write_offs_visible_to(user).filter(invoice=invoice).values_list("pk", flat=True)
        )
        if write_offs
        else set(),
        "ledger_link": may_see_account_ledger(user, invoice.account),
        "sign_form": forms.get("sign") or SignForm(initial={"signed_on": today}),
        "query_form": forms.get("query") or QueryForm(),
        "answer_form": forms.get("answer") or AnswerForm(),
        "red_form": forms.get("red")
        or RedInvoiceForm(
            contract=invoice.contract,
            initial={"date": today, "amount": invoice.open_amount},
        ),
        **actions,
    }
    return render(request, "receivables/invoices/invoice_detail.html", context, status=status)


@login_required
@require_GET
def invoice_detail(request, pk: int):
    return _detail(request, _invoice_or_404(request.user, pk))


def _post(request, invoice, *, key: str, form, allowed: bool, action, success: str):
    """One form of the invoice's page: refused → 403; bad input → the page with the form's
    errors (422); a conflict → the page with the error (409); done → back with `success`."""
    if not allowed:
        raise PermissionDenied
    if not form.is_valid():
        return _detail(request, invoice, forms={key: form}, status=422)
    try:
        action(form.cleaned_data)
    except ApiPermissionDenied as exc:
        raise PermissionDenied from exc
    except ValidationError as exc:
        apply_errors(form, exc)
        return _detail(request, invoice, forms={key: form}, status=422)
    except DomainError as exc:
        form.add_error(None, str(exc.detail))
        return _detail(request, invoice, forms={key: form}, status=409)
    messages.success(request, success)
    return redirect("receivables:invoice", invoice.pk)


@login_required
@require_POST
def invoice_sign(request, pk: int):
    """R-14.1: the customer's signature on receipt of the invoice: who and when."""
    invoice = _invoice_or_404(request.user, pk)
    return _post(
        request,
        invoice,
        key="sign",
        form=SignForm(request.POST),
        allowed=invoices.may_record_signature(request.user, invoice),
        action=lambda data: invoices.invoice_sign(
            actor=request.user,
            invoice=invoice,
            signed_by=data["signed_by"],
            signed_on=data["signed_on"],
            now=timezone.now(),
        ),
        success=_("The customer's signature is recorded."),
    )


@login_required
@require_POST
def invoice_query(request, pk: int):
    """R-15.5: a question on the receivable; it is on the daily check until answered."""
    invoice = _invoice_or_404(request.user, pk)
    return _post(
        request,
        invoice,
        key="query",
        form=QueryForm(request.POST),
        allowed=invoices.may_record_signature(request.user, invoice),
        action=lambda data: invoices.invoice_query(
            actor=request.user, invoice=invoice, question=data["question"], now=timezone.now()
        ),
        success=_("The question is recorded; finance answers it."),
    )


@login_required
@require_POST
def invoice_answer(request, pk: int):
    """R-15.5: finance's (or the clerk's) answer to the question."""
    invoice = _invoice_or_404(request.user, pk)
    return _post(
        request,
        invoice,
        key="answer",
        form=AnswerForm(request.POST),
        allowed=may(request.user, "receivables.daily_check", invoice.office),
        action=lambda data: invoices.invoice_query_answer(
            actor=request.user, invoice=invoice, answer=data["answer"], now=timezone.now()
        ),
        success=_("The answer is recorded."),
    )


@login_required
@require_POST
def invoice_red(request, pk: int):
    """R-14.3: finance's red-letter invoice against this one, at most what remains of it;
    a page shows what will be issued and asks before it is."""
    invoice = _invoice_or_404(request.user, pk)
    if not may(request.user, "receivables.issue", invoice.office):
        raise PermissionDenied
    form = RedInvoiceForm(request.POST, contract=invoice.contract)
    if form.is_valid() and form.cleaned_data["amount"] > invoice.open_amount:
        form.add_error(
            "amount",
            _("Over what remains of invoice %(number)s: %(left)s yuan.")
            % {"number": invoice.number, "left": f"{invoice.open_amount:,.2f}"},
        )
    if form.is_valid() and request.POST.get("confirmed") != "1":
        return render(
            request,
            "receivables/invoices/red_confirm.html",
            {"invoice": invoice, "form": form, "data": form.cleaned_data},
        )
    red = []
    response = _post(
        request,
        invoice,
        key="red",
        form=form,
        allowed=True,
        action=lambda data: red.append(
            invoices.invoice_red(
                actor=request.user,
                invoice=invoice,
                amount=data["amount"],
                number=data["number"],
                date=data["date"],
                reason=data["reason"],
                return_request=data["return_request"],
                now=timezone.now(),
            )
        ),
        success=_("The red-letter invoice is issued."),
    )
    if red:
        return redirect("receivables:invoice", red[0].pk)
    return response


# ---------------------------------------------------------------- to credit


def _received_back_values(contract_ids) -> dict[int, Decimal]:
    """The value of the goods received back per contract, as shipping.progress.returned_value
    computes it (each contract line's amount × received back ÷ quantity), in one query."""
    rows = (
        OutboundLine.objects.filter(
            order__red=True, order__contract_id__in=contract_ids, shipped__gt=0
        )
        .values(
            "contract_line_id",
            "contract_line__contract_id",
            "contract_line__amount",
            "contract_line__quantity",
        )
        .annotate(back=Sum("shipped"))
        .order_by()
    )
    totals: dict[int, Decimal] = {}
    for row in rows:
        if row["contract_line__quantity"]:
            value = row["contract_line__amount"] * row["back"] / row["contract_line__quantity"]
            key = row["contract_line__contract_id"]
            totals[key] = totals.get(key, ZERO) + value
    return {k: v.quantize(Decimal("0.01")) for k, v in totals.items()}


@login_required
@require_GET
def to_credit_list(request):
    """R-13.5, R-14.3: the contracts whose invoiced goods came back and still need a red-letter
    invoice (rules.to_credit), each with the invoice to credit; for finance and managers."""
    user = request.user
    if not may_read_office(user):
        raise PermissionDenied
    per_contract = (
        invoices_visible_to(user)
        .order_by()
        .values("contract_id")
        .annotate(
            invoiced=Sum("amount", filter=Q(red_of__isnull=True)),
            credited=Sum("amount", filter=Q(red_of__isnull=False)),
        )
    )
    sums = {r["contract_id"]: r for r in per_contract}
    back = _received_back_values(list(sums))
    ids = [contract_id for contract_id in back if sums[contract_id]["invoiced"]]
    net = net_shipped_values(ids)
    before = set(
        SalesContract.objects.filter(pk__in=ids, invoice_before_delivery=True).values_list(
            "pk", flat=True
        )
    )
    due = {}
    for contract_id in ids:
        invoiced = sums[contract_id]["invoiced"]
        credited = sums[contract_id]["credited"] or ZERO
        amount = rules.to_credit(
            invoiced=invoiced,
            credited=credited,
            returned=back[contract_id],
            net_shipped=net.get(contract_id, ZERO),
            before_delivery=contract_id in before,
        )
        if amount > 0:
            due[contract_id] = (invoiced, credited, back[contract_id], amount)
    candidates = figures.with_open_amount(
        invoices_visible_to(user)
        .filter(contract_id__in=list(due), red_of__isnull=True)
        .select_related("contract__account", "office")
    ).order_by("contract_id", "-open_amount", "-date", "-pk")
    rows, seen = [], set()
    for invoice in candidates:  # the invoice with the most left to credit, per contract
        if invoice.contract_id in seen:
            continue
        seen.add(invoice.contract_id)
        invoiced, credited, value, amount = due[invoice.contract_id]
        rows.append(
            {
                "contract": invoice.contract,
                "office": invoice.office,
                "invoiced": invoiced,
                "credited": credited,
                "returned": value,
                "to_credit": amount,
                "invoice": invoice,
            }
        )
    rows.sort(key=lambda r: (-r["to_credit"], r["contract"].pk))
    context = {"rows": rows[:LIST_LIMIT], "total": sum((r["to_credit"] for r in rows), ZERO)}
    return render(request, "receivables/invoices/to_credit.html", context)
