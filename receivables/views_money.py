"""Money-in pages (R-15.1, R-15.3 – R-15.6): finance's desk (also finance's home), an
account's ledger, a refund of a credit and the clerk's daily check. The receipt pages are
views_receipts, the collection requests and handovers views_collection; receivables/urls.py
names them all through this module."""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError

from accounts.models import Account
from common.errors import DomainError
from common.inputs import date_in_range
from staff.permissions import may
from staff.places import place_for

from . import desk as reads
from . import figures, ledger, selectors
from .choices import LedgerKind, PaymentMethod
from .forms_money import AccountPickForm, PeriodForm, RefundForm, apply_service_errors
from .services import receipts
from .views_collection import (
    collection_cancel,
    collection_detail,
    collection_list,
    collection_new,
    collection_submit,
    collection_told,
    handover_list,
    handover_new,
    handover_sign,
)
from .views_receipts import (
    an_id,
    receipt_allocate,
    receipt_detail,
    receipt_list,
    receipt_new,
    receipt_reverse,
)

__all__ = [
    "collection_cancel",
    "collection_detail",
    "collection_list",
    "collection_new",
    "collection_submit",
    "collection_told",
    "daily_check",
    "desk",
    "desk_page",
    "handover_list",
    "handover_new",
    "handover_sign",
    "ledger_page",
    "receipt_allocate",
    "receipt_detail",
    "receipt_list",
    "receipt_new",
    "receipt_reverse",
    "refund_new",
]

RECEIPT = "receivables.receipt"


# ---------------------------------------------------------------- finance's desk


def desk_page(request, *, title=None, intro="", cash=None):
    """Finance's desk in the office of the request: today's receipts to allocate, what was
    handed over to sign for, invoice requests to issue, collection requests expected,
    statements disputed, the aging of the office. `cash(office, day)` adds the sales
    office's cash of the day (finance's home)."""
    place = place_for(request, RECEIPT, none_without_office=True)
    title = title or _("Receivables desk")
    if place is None:
        page = {"title": title, "intro": intro}
        return render(request, "workspace/work_page.html", {"page": page, "offices": []})
    now = timezone.now()
    sections = reads.desk_sections(place.office, now)
    context = {
        "title": title,
        "intro": intro,
        "place": place,
        "office": place.office,
        **sections,
        "cash": cash(place.office, sections["today"]) if cash else None,
    }
    return render(request, "receivables/money/desk.html", context)


@login_required
@require_GET
def desk(request):
    return desk_page(request)


# ---------------------------------------------------------------- the ledger


def _kind_labels() -> dict[str, str]:
    return {k.value: k.label for k in LedgerKind}


@login_required
@require_GET
def ledger_page(request, pk: int):
    """R-15.1: an account's ledger (分户账): the opening balance, each line with the balance
    after it, the closing balance; 200 lines a page with a "next" link, for a period."""
    account = get_object_or_404(Account.objects.select_related("office", "owner"), pk=pk)
    if not selectors.may_see_account_ledger(request.user, account):
        raise Http404
    form = PeriodForm(request.GET if ("from" in request.GET or "to" in request.GET) else None)
    start, end = form.period()
    try:
        cursor = ledger.parse_cursor(request.GET.get("cursor"))
    except ValueError:
        cursor = None
    if cursor is not None and not date_in_range(cursor[0]):
        cursor = None
    page = ledger.ledger_page(account.pk, start=start, end=end, cursor=cursor, size=ledger.PAGE)
    labels = _kind_labels()
    for row in page["lines"]:
        row["kind_label"] = labels.get(row["kind"], row["kind"])
    period = {k: v.isoformat() for k, v in (("from", start), ("to", end)) if v}
    finance = may(request.user, RECEIPT, account.office)
    context = {
        "account": account,
        "page": page,
        "form": form,
        "continued": cursor is not None,
        "next_url": f"?{urlencode({**period, 'cursor': page['next']})}" if page["next"] else "",
        "first_url": f"?{urlencode(period)}" if cursor is not None else "",
        "start": start,
        "end": end,
        "finance": finance,
        "credit": figures.unallocated_credit(account.pk) if finance else None,
    }
    return render(request, "receivables/money/ledger.html", context)


# ---------------------------------------------------------------- refunds


@login_required
@require_http_methods(["GET", "POST"])
def refund_new(request):
    """R-15.1: finance pays a credit back to the customer, never more than the credit;
    `?account=` names the account (without it, the page asks for one)."""
    place = place_for(request, RECEIPT)
    accounts = Account.objects.filter(office__in=place.offices, status="approved").order_by(
        "name", "pk"
    )
    raw = request.POST.get("account") if request.method == "POST" else request.GET.get("account")
    account = accounts.filter(pk=an_id(raw) or 0).select_related("office").first()
    if account is None:
        if raw:
            raise Http404
        chooser = AccountPickForm(accounts=accounts)
        return render(request, "receivables/money/refund_choose.html", {"form": chooser})
    credit = figures.unallocated_credit(account.pk)
    today = reads.office_today(account.office, timezone.now())
    if request.method == "GET":
        initial = {"date": today, "method": PaymentMethod.TRANSFER}
        if credit > 0:
            initial["amount"] = credit
        return _refund_page(request, RefundForm(initial=initial), account, credit)
    form = RefundForm(request.POST)
    if not form.is_valid():
        return _refund_page(request, form, account, credit, status=422)
    data = form.cleaned_data
    try:
        refund = receipts.refund_record(
            actor=request.user,
            account=account,
            amount=data["amount"],
            method=data["method"],
            date=data["date"],
            note=data["note"],
            now=timezone.now(),
        )
    except ApiPermissionDenied as exc:
        raise PermissionDenied from exc
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return _refund_page(request, form, account, credit, status=422)
    except DomainError as exc:
        form.add_error(None, str(exc.detail))
        return _refund_page(request, form, account, credit, status=409)
    messages.success(
        request,
        _("Refund %(number)s of %(amount)s to %(account)s recorded.")
        % {"number": refund.number, "amount": f"{refund.amount:,.2f}", "account": account.name},
    )
    return redirect("receivables:ledger", account.pk)


def _refund_page(request, form, account, credit: Decimal, *, status=200):
    context = {"form": form, "account": account, "credit": credit}
    return render(request, "receivables/money/refund_new.html", context, status=status)


# ---------------------------------------------------------------- the daily check


@login_required
@require_GET
def daily_check(request):
    """R-15.5: the clerk checks receipts with finance daily: the day's receipts not yet
    allocated and the receivables with an open question, as one list (`?date=`)."""
    place = place_for(request, "receivables.daily_check")
    office, now = place.office, timezone.now()
    today = reads.office_today(office, now)
    try:
        day = datetime.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = today
    if not date_in_range(day) or day > today:
        day = today
    rows = reads.daily_check(office, day)
    context = {
        "place": place,
        "office": office,
        "day": day,
        "today": today,
        "rows": rows,
        "receipts": sum(1 for r in rows if r["kind"] == "receipt"),
        "questions": sum(1 for r in rows if r["kind"] == "question"),
        "finance": may(request.user, RECEIPT, office),
    }
    return render(request, "receivables/money/daily_check.html", context)
