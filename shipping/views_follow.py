"""The warehouse keeper's queue (R-13.2, R-13.3) and the follow-up lists of the clerk and the
manager (the director: any branch): late first outbound orders with their reason (R-13.2),
backorders (R-13.3), shipments not confirmed after 7 days (R-13.4). Each page is about one
branch (`?office=`, staff.places)."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError

from contracts.selectors import contracts_visible_to
from staff.permissions import may
from staff.places import place_for

from . import selectors, services
from .forms_orders import DelayForm
from .models import OutboundLine

# the follow-up lists, one tab each: (URL name, label)
FOLLOW_TABS = (
    ("shipping:late", gettext_lazy("Late first orders")),
    ("shipping:backorders", gettext_lazy("Backorders")),
    ("shipping:unconfirmed", gettext_lazy("Unconfirmed shipments")),
)


def _tabs(current: str) -> list[tuple[str, str, bool]]:
    return [(reverse(name), label, name == current) for name, label in FOLLOW_TABS]


@login_required
@require_GET
def queue_page(request):
    """The warehouse keeper's queue: the branch's open orders oldest first — what to pick
    (short where the stock does not cover it), from which warehouse, for whom; a red order's
    goods to receive back."""
    place = place_for(request, "shipping.queue")
    orders = selectors.queue(request.user, place.office)
    context = {
        "place": place,
        "office": place.office,
        "orders": orders,
        "to_ship": sum(1 for o in orders if not o.red),
        "to_receive": sum(1 for o in orders if o.red),
    }
    return render(request, "shipping/queue.html", context)


@login_required
@require_GET
def backorders_page(request):
    """R-13.3: orders shipped in part: what remains, and the stock on hand."""
    place = place_for(request, "shipping.follow")
    context = {
        "place": place,
        "office": place.office,
        "orders": selectors.backorders(request.user, place.office),
        "tabs": _tabs("shipping:backorders"),
    }
    return render(request, "shipping/backorders.html", context)


def _late_context(request, place, *, forms=None):
    rows = selectors.late_first_orders(request.user, place.office, now=timezone.now())
    may_explain = may(request.user, "shipping.late", place.office)
    forms = forms or {}
    for row in rows:
        row.form = forms.get(row.contract.pk) or DelayForm(
            initial={"reason": row.delay.reason if row.delay else ""},
            prefix=f"c{row.contract.pk}",
        )
    return {
        "place": place,
        "office": place.office,
        "rows": rows,
        "waiting": sum(1 for r in rows if r.waiting),
        "may_explain": may_explain,
        "tabs": _tabs("shipping:late"),
    }


@login_required
@require_GET
def late_page(request):
    """R-13.2: signed contracts whose first outbound order was not issued within one working
    day, each with the reason the clerk or the manager gives."""
    place = place_for(request, "shipping.late")
    return render(request, "shipping/late.html", _late_context(request, place))


@login_required
@require_POST
def late_reason(request, pk: int):
    """R-13.2: the reason for a late first outbound order (a later word replaces it)."""
    contract = get_object_or_404(contracts_visible_to(request.user).select_related("office"), pk=pk)
    if not may(request.user, "shipping.late", contract.office):
        raise PermissionDenied
    form = DelayForm(request.POST, prefix=f"c{contract.pk}")
    if form.is_valid():
        try:
            services.first_order_delay_explain(
                actor=request.user,
                contract=contract,
                reason=form.cleaned_data["reason"],
                now=timezone.now(),
            )
        except ApiPermissionDenied as exc:
            raise PermissionDenied from exc
        except ValidationError as exc:
            form.add_error("reason", [str(e) for e in exc.detail.get("reason", [])] or None)
        else:
            messages.success(
                request, _("The reason for %(number)s is kept.") % {"number": contract.number}
            )
            return redirect(f"{reverse('shipping:late')}?office={contract.office_id}#late-{pk}")
    place = place_for(request, "shipping.late")  # the form names the contract's office
    context = _late_context(request, place, forms={contract.pk: form})
    return render(request, "shipping/late.html", context, status=422)


@login_required
@require_GET
def unconfirmed_page(request):
    """R-13.4: shipments the customer has not confirmed 7 days after they left."""
    place = place_for(request, "shipping.follow")
    now = timezone.now()
    rows = selectors.unconfirmed(request.user, place.office, now=now)
    lines: dict[int, list] = {}
    for line in (
        OutboundLine.objects.filter(order__in=[row.order.pk for row in rows])
        .select_related("product")
        .annotate(confirmed=Coalesce(Sum("confirmation_lines__quantity"), Value(Decimal("0"))))
        .order_by("pk")
    ):
        lines.setdefault(line.order_id, []).append(line)
    for row in rows:
        row.days = (now - row.oldest).days
        row.lines = lines.get(row.order.pk, [])
    context = {
        "place": place,
        "office": place.office,
        "rows": rows,
        "tabs": _tabs("shipping:unconfirmed"),
    }
    return render(request, "shipping/unconfirmed.html", context)
