"""Receipt pages (R-15.3): the list, finance's form (the account's open invoices load with
htmx once the account is chosen), the receipt with its allocations, "allocate what is left"
and "reverse this receipt".

Views parse, call one service of receivables.services.receipts and render; who sees a
receipt is receivables.selectors, who may act is the services' own check (finance)."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError

from accounts.models import Account
from common.errors import DomainError
from staff.choices import Role
from staff.permissions import may, may_in_any_office
from staff.places import place_for

from . import figures, selectors
from .choices import CollectionStatus, PaymentMethod
from .desk import ROWS, office_today, unallocated
from .forms_money import (
    CHOSEN,
    KEEP,
    AllocateForm,
    ReceiptFilterForm,
    ReceiptForm,
    ReverseForm,
    apply_service_errors,
)
from .models import CollectionRequest, Handover, Receipt
from .services import receipts

RECEIPT = "receivables.receipt"


def an_id(raw) -> int | None:
    raw = str(raw or "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else None


def may_read(user) -> bool:
    """Who has lists of invoices and receipts: the account's salesperson, the branch's
    manager, finance and clerk, a director, the executive."""
    return user.has_role(Role.DIRECTOR, Role.EXECUTIVE) or may_in_any_office(
        user, "receivables.view"
    )


def _allocation_plan(form):
    """The service's `allocations`: None (oldest due first), [] (all kept as credit) or the
    amounts entered; and the invoice ids in the order passed (for the errors)."""
    mode = form.cleaned_data["mode"]
    if mode == KEEP:
        return [], []
    if mode != CHOSEN:
        return None, []
    chosen = form.chosen()
    plan = [receipts.AllocationInput(invoice=pk, amount=amount) for pk, amount in chosen]
    return plan, [pk for pk, _a in chosen]


# ---------------------------------------------------------------- the list


@login_required
@require_GET
def receipt_list(request):
    """The receipts the user sees, newest first; filters: with something left to allocate,
    account, method, period."""
    if not may_read(request.user):
        raise PermissionDenied
    filters = ReceiptFilterForm(request.GET)
    qs = figures.receipts_with_unallocated(selectors.receipts_visible_to(request.user))
    if filters.value("unallocated"):
        qs = unallocated(qs)
    account_id = an_id(request.GET.get("account"))
    if account_id is not None:
        qs = qs.filter(account_id=account_id)
    if filters.value("q"):
        qs = qs.filter(account__name__icontains=filters.value("q"))
    if filters.value("method"):
        qs = qs.filter(method=filters.value("method"))
    if filters.value("from"):
        qs = qs.filter(date__gte=filters.value("from"))
    if filters.value("to"):
        qs = qs.filter(date__lte=filters.value("to"))
    rows = list(
        qs.select_related("account", "office", "reversal", "reversal_of").order_by("-date", "-pk")[
            :ROWS
        ]
    )
    context = {
        "receipts": rows,
        "filters": filters,
        # the account filtered on, named only when the user sees one of its receipts
        "account": rows[0].account if account_id is not None and rows else None,
        "may_record": may_in_any_office(request.user, RECEIPT),
        "limit": ROWS,
    }
    return render(request, "receivables/money/receipt_list.html", context)


# ---------------------------------------------------------------- a new receipt


def _approved_accounts(offices):
    return (
        Account.objects.filter(office__in=offices, status="approved")
        .select_related("office")
        .order_by("name", "pk")
    )


def _receipt_form(data, *, accounts, account, initial=None) -> ReceiptForm:
    invoices = figures.open_invoices(account.pk) if account else []
    collections = CollectionRequest.objects.none()
    handovers = Handover.objects.none()
    if account is not None:
        collections = CollectionRequest.objects.filter(
            account=account, status__in=(CollectionStatus.APPROVED, CollectionStatus.RECEIVED)
        ).order_by("-expected_date", "-pk")
        handovers = Handover.objects.filter(
            account=account, signed_at__isnull=False, receipt__isnull=True
        ).order_by("-received_at", "-pk")
    return ReceiptForm(
        data,
        accounts=accounts,
        invoices=invoices,
        collections=collections,
        handovers=handovers,
        initial=initial,
        refresh_url=reverse("receivables:receipt_new"),
    )


def _initial(request, place, accounts) -> tuple[dict, object]:
    """What the form starts with: today, by transfer; from `?collection=` the confirmed
    request's account, amount and method; from `?handover=` what was handed over."""
    initial = {"date": office_today(place.office, timezone.now()), "method": PaymentMethod.TRANSFER}
    account = accounts.filter(pk=an_id(request.GET.get("account")) or 0).first()
    collection = (
        selectors.collection_requests_visible_to(request.user)
        .filter(pk=an_id(request.GET.get("collection")) or 0, account__in=accounts)
        .first()
    )
    if collection is not None:
        account = collection.account
        initial.update(
            collection_request=collection.pk,
            amount=collection.expected_amount,
            method=collection.method,
        )
    handover = (
        selectors.handovers_visible_to(request.user)
        .filter(pk=an_id(request.GET.get("handover")) or 0, account__in=accounts)
        .first()
    )
    if handover is not None:
        account = handover.account
        initial.update(handover=handover.pk, amount=handover.amount, method=handover.kind)
    if account is not None:
        initial["account"] = account.pk
    return initial, account


def _new_page(request, form, *, account, status=200, fragment=False):
    context = {"form": form, "account": account, "invoices": form.invoices}
    if account is not None:
        context["credit"] = figures.unallocated_credit(account.pk)
    template = "partials/receipt_account.html" if fragment else "receipt_new.html"
    return render(request, f"receivables/money/{template}", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def receipt_new(request):
    """R-15.3: finance records a receipt: the account, amount, method, date and reference,
    allocated oldest due first unless chosen per open invoice (or kept as credit);
    optionally against a confirmed collection request or what was handed over. With htmx,
    a GET answers only the chosen account's part of the form."""
    place = place_for(request, RECEIPT)
    accounts = _approved_accounts(place.offices)
    if request.method == "GET":
        initial, account = _initial(request, place, accounts)
        form = _receipt_form(None, accounts=accounts, account=account, initial=initial)
        if request.htmx:
            return _new_page(request, form, account=account, fragment=True)
        return _new_page(request, form, account=account)
    account = accounts.filter(pk=an_id(request.POST.get("account")) or 0).first()
    form = _receipt_form(request.POST, accounts=accounts, account=account)
    if not form.is_valid():
        return _new_page(request, form, account=account, status=422)
    data = form.cleaned_data
    plan, chosen = _allocation_plan(form)
    try:
        receipt = receipts.receipt_record(
            actor=request.user,
            account=data["account"],
            amount=data["amount"],
            method=data["method"],
            date=data["date"],
            reference=data["reference"],
            note=data["note"],
            collection_request=data.get("collection_request"),
            handover=data.get("handover"),
            allocations=plan,
            now=timezone.now(),
        )
    except ApiPermissionDenied as exc:
        raise PermissionDenied from exc
    except ValidationError as exc:
        apply_service_errors(form, exc, chosen)
        return _new_page(request, form, account=account, status=422)
    except DomainError as exc:
        form.add_error(None, str(exc.detail))
        return _new_page(request, form, account=account, status=409)
    left = figures.receipt_unallocated(receipt)
    messages.success(
        request,
        _("Receipt %(number)s recorded: %(allocated)s allocated, %(left)s left as credit.")
        % {
            "number": receipt.number,
            "allocated": f"{receipt.amount - left:,.2f}",
            "left": f"{left:,.2f}",
        },
    )
    return redirect("receivables:receipt", receipt.pk)


# ---------------------------------------------------------------- the receipt


def _receipt_or_404(user, pk: int) -> Receipt:
    qs = figures.receipts_with_unallocated(selectors.receipts_visible_to(user)).select_related(
        "account",
        "office",
        "recorded_by",
        "collection_request",
        "handover__received_by",
        "reversal_of",
        "reversal",
    )
    return get_object_or_404(qs, pk=pk)


def _detail(request, receipt, *, allocate_form=None, reverse_form=None, status=200):
    may_act = may(request.user, RECEIPT, receipt.office)
    reversed_ = hasattr(receipt, "reversal")
    open_for_change = may_act and not receipt.is_reversal and not reversed_
    if open_for_change and receipt.unallocated > 0 and allocate_form is None:
        allocate_form = AllocateForm(invoices=figures.open_invoices(receipt.account_id))
    if not (open_for_change and receipt.unallocated > 0):
        allocate_form = None
    if open_for_change and reverse_form is None:
        reverse_form = ReverseForm()
    allocations = receipt.allocations.select_related("invoice").order_by("pk")
    context = {
        "receipt": receipt,
        "allocations": list(allocations),
        "reversed": receipt.reversal if reversed_ else None,
        "allocate_form": allocate_form,
        "reverse_form": reverse_form if open_for_change else None,
        "may_act": may_act,
        "credit": figures.unallocated_credit(receipt.account_id) if may_act else None,
        "sees_ledger": selectors.may_see_account_ledger(request.user, receipt.account),
    }
    return render(request, "receivables/money/receipt_detail.html", context, status=status)


@login_required
@require_GET
def receipt_detail(request, pk: int):
    return _detail(request, _receipt_or_404(request.user, pk))


@login_required
@require_POST
def receipt_allocate(request, pk: int):
    """R-15.3: what is left of the receipt set against the account's invoices."""
    receipt = _receipt_or_404(request.user, pk)
    if not may(request.user, RECEIPT, receipt.office):
        raise PermissionDenied
    form = AllocateForm(request.POST, invoices=figures.open_invoices(receipt.account_id))
    if not form.is_valid():
        return _detail(request, receipt, allocate_form=form, status=422)
    plan, chosen = _allocation_plan(form)
    try:
        made = receipts.receipt_allocate(
            actor=request.user, receipt=receipt, allocations=plan, now=timezone.now()
        )
    except ApiPermissionDenied as exc:
        raise PermissionDenied from exc
    except ValidationError as exc:
        apply_service_errors(form, exc, chosen)
        return _detail(request, receipt, allocate_form=form, status=422)
    except DomainError as exc:  # reversed or refunded meanwhile: the page says why
        messages.error(request, str(exc.detail))
        return redirect("receivables:receipt", receipt.pk)
    total = sum((a.amount for a in made), start=Decimal("0.00"))
    messages.success(request, _("%(amount)s allocated.") % {"amount": f"{total:,.2f}"})
    return redirect("receivables:receipt", receipt.pk)


@login_required
@require_POST
def receipt_reverse(request, pk: int):
    """R-15.3: a receipt entered wrongly is reversed by a new entry, never edited."""
    receipt = _receipt_or_404(request.user, pk)
    if not may(request.user, RECEIPT, receipt.office):
        raise PermissionDenied
    form = ReverseForm(request.POST)
    if not form.is_valid():
        return _detail(request, receipt, reverse_form=form, status=422)
    try:
        reversal = receipts.receipt_reverse(
            actor=request.user,
            receipt=receipt,
            reason=form.cleaned_data["reason"],
            now=timezone.now(),
        )
    except ApiPermissionDenied as exc:
        raise PermissionDenied from exc
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return _detail(request, receipt, reverse_form=form, status=422)
    except DomainError as exc:
        messages.error(request, str(exc.detail))
        return redirect("receivables:receipt", receipt.pk)
    messages.success(
        request,
        _("Receipt %(number)s is reversed by %(reversal)s; its allocations are taken back.")
        % {"number": receipt.number, "reversal": reversal.number},
    )
    return redirect("receivables:receipt", reversal.pk)
