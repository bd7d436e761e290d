"""Quote pages: the list (mine / branch), the quote with its approval — its discount request
(优惠销售申请) when a line is below list — submission and outcome (R-8, R-10.2, R-11.3)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError

from approvals.choices import EDITABLE, ApprovalState, DocumentStatus
from approvals.permissions import may_decide
from approvals.templatetags.approval_words import chain_words
from catalog.selectors import may_see_cost, prices_on
from common.errors import DomainError
from staff.permissions import may, may_in_any_office

from .. import services
from ..choices import Outcome
from ..forms import OutcomeForm
from ..permissions import may_edit_document, may_read
from ..selectors import quote_with_lines, quotes_visible_to, today_in


@login_required
@require_GET
def quote_list(request):
    if not may_read(request.user):
        raise PermissionDenied
    user = request.user
    scope = request.GET.get("scope", "mine")
    qs = quotes_visible_to(user).select_related("account", "owner", "office")
    if scope == "mine":
        qs = qs.filter(owner=user) | qs.filter(author=user)
    context = {
        "quotes": qs.order_by("-created_at", "-pk")[:200],
        "scope": scope,
        "may_create": may_in_any_office(user, "quotes.create"),
    }
    return render(request, "quotes/list.html", context)


def _visible(request, pk: int):
    return get_object_or_404(quote_with_lines(quotes_visible_to(request.user)), pk=pk)


def _discounts(quote) -> list[dict]:
    """R-10.2: the lines below list, how far, and whether below the floor."""
    out = []
    for line in quote.lines.all():
        if line.unit_price < line.list_price:
            off = (
                (line.list_price - line.unit_price) / line.list_price * 100
                if line.list_price
                else 0
            )
            out.append({"line": line, "percent": round(off, 1), "below_floor": line.below_floor})
    return out


@login_required
@require_GET
def quote_detail(request, pk: int):
    quote = _visible(request, pk)
    user = request.user
    approvals = list(quote.approvals().select_related("decided_by"))
    current = next((a for a in approvals if a.state == ApprovalState.PENDING), None)
    editable = may_edit_document(user, quote) and quote.outcome == Outcome.OPEN
    lines = list(quote.lines.all())
    show_cost = may_see_cost(user)
    if show_cost:  # the cost for who may see it, never a salesperson
        prices = prices_on([line.product for line in lines], quote.date)
        for line in lines:
            price = prices.get(line.product_id)
            line.cost = price.cost if price else None
    context = {
        "quote": quote,
        "lines": lines,
        "approvals": approvals,
        "chain": chain_words(quote),
        "discounts": _discounts(quote),
        "current": current,
        "may_decide": current is not None and may_decide(user, current, quote),
        "may_edit": editable and quote.status != DocumentStatus.PENDING,
        "may_submit": editable and quote.status in EDITABLE,
        "may_record_outcome": editable and quote.status == DocumentStatus.APPROVED,
        "outcome_form": OutcomeForm(),
        "printable": quote.status == DocumentStatus.APPROVED and bool(quote.number),
        # a won quote is made into a contract from its page
        "may_contract": (
            quote.outcome == Outcome.WON and may(user, "contracts.create", quote.office)
        ),
        "contracts": quote.contracts.order_by("-created_at", "-pk"),
        "show_cost": show_cost,
        "today": today_in(quote.office, timezone.now()),
    }
    return render(request, "quotes/detail.html", context)


@login_required
@require_POST
def quote_submit(request, pk: int):
    quote = _visible(request, pk)
    if not may_edit_document(request.user, quote):
        raise PermissionDenied
    try:
        services.quote_submit(quote=quote, actor=request.user, now=timezone.now())
    except ApiPermissionDenied as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, _("The quote is submitted for approval."))
    return redirect("quotes:detail", quote.pk)


@login_required
@require_POST
def quote_outcome(request, pk: int):
    quote = _visible(request, pk)
    if not may_edit_document(request.user, quote):
        raise PermissionDenied
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("quotes:detail", quote.pk)
    data = form.cleaned_data
    try:
        services.quote_outcome(
            quote=quote,
            actor=request.user,
            now=timezone.now(),
            result=data["result"],
            competitor=data["competitor"],
            competitor_price=data["competitor_price"],
        )
    except ApiPermissionDenied as exc:
        raise PermissionDenied from exc
    except (DomainError, ValidationError) as exc:
        detail = exc.detail
        if isinstance(detail, dict):
            detail = " ".join(str(m) for errors in detail.values() for m in errors)
        messages.error(request, str(detail))
    else:
        messages.success(request, _("The outcome is recorded."))
    return redirect("quotes:detail", quote.pk)
