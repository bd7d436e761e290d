"""The manager's claim pages: the office's claims with filters, the released list with
reassign-with-reason (R-3.4), and the collisions (撞单, R-5.3)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.errors import DomainError
from common.pagination import Paginator
from staff.permissions import may, restrict_to_offices

from .. import services
from ..choices import ClaimStatus
from ..filters import ClaimFilter
from ..forms import STATUS_ALL, ClaimFilterForm, ReassignForm, apply_service_error
from ..models import Claim, Collision
from ..selectors import claims_visible_to
from .common import (
    CHANGED,
    CONFLICT,
    INVALID,
    Place,
    allowed,
    decorate,
    held_households,
    place_for,
    q_released,
    salespeople_of,
)

TABS = ("claims", "released", "collisions")
PAGE_SIZE = 50
LIST_LIMIT = 100


def _filtered(request: HttpRequest, office, salespeople, now: datetime.datetime):
    """The page's form (a salesperson picker, the default "active") over the FilterSet the API
    shares (attribution.filters.ClaimFilter): one definition of status on read and ending."""
    data = request.GET.copy()
    data.setdefault("status", ClaimStatus.ACTIVE)  # what a manager looks at first
    form = ClaimFilterForm(data, salespeople=salespeople)
    qs = claims_visible_to(request.user).filter(office=office)
    if not form.is_valid():
        return form, qs.none()
    f = form.cleaned_data
    shared = ClaimFilter(
        {
            "owner": f["owner"].pk if f.get("owner") else "",
            "status": "" if f.get("status") in ("", STATUS_ALL) else f["status"],
            "ending_within_days": "" if f.get("ending") is None else f["ending"],
        },
        queryset=qs,
        request=request,
        now=now,
    )
    return form, shared.qs


def _claims_tab(request: HttpRequest, office, salespeople, now) -> dict:
    form, qs = _filtered(request, office, salespeople, now)
    page = Paginator(qs.order_by("protected_until", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    claims = decorate(list(page.object_list), office, now)
    return {"filter_form": form, "claims": claims, "page_obj": page}


def _released(office, salespeople, now, bound: dict | None = None) -> list[Claim]:
    """Households whose latest claim was released and whom nobody holds again (R-3.4)."""
    office_claims = Claim.objects.filter(office=office)
    rows = (
        office_claims.filter(q_released(now), household__merged_into__isnull=True)
        .exclude(household_id__in=held_households(office_claims, now))
        .select_related("owner", "household")
        .annotate(released_at=Coalesce("ended_at", "protected_until"))
        .order_by("-released_at", "-pk")[: LIST_LIMIT * 2]
    )
    seen: set[int] = set()
    claims = []
    for claim in rows:
        if claim.household_id not in seen and len(claims) < LIST_LIMIT:
            seen.add(claim.household_id)
            claims.append(claim)
    for claim in decorate(claims, office, now):
        claim.form = (bound or {}).get(claim.pk) or ReassignForm(
            prefix=f"r{claim.pk}", salespeople=salespeople
        )
    return claims


def _collisions(office) -> list[Collision]:
    return list(
        Collision.objects.filter(office=office)
        .select_related("salesperson", "customer", "claim__owner")
        .order_by("-at", "-pk")[:LIST_LIMIT]
    )


def _page(request: HttpRequest, place: Place, tab: str, status: int = 200, bound=None):
    office, now = place.office, timezone.now()
    salespeople = salespeople_of(office)
    context = {"place": place, "office": office, "tab": tab}
    if tab == "claims":
        context.update(_claims_tab(request, office, salespeople, now))
    elif tab == "released":
        context["released"] = _released(office, salespeople, now, bound)
    else:
        context["collisions"] = _collisions(office)
    return render(request, "attribution/claims.html", context, status=status)


@login_required
@require_GET
def claims(request: HttpRequest) -> HttpResponse:
    """`/attribution/claims/?tab=claims|released|collisions` (manager of the office, director)."""
    tab = request.GET.get("tab")
    place = place_for(request, allowed("attribution.manage_claims"))
    return _page(request, place, tab if tab in TABS else "claims")


@login_required
@require_POST
def reassign(request: HttpRequest, pk: int) -> HttpResponse:
    claim = (
        restrict_to_offices(Claim.objects.select_related("office", "household"), request.user)
        .filter(pk=pk)
        .first()
    )
    if claim is None:
        raise Http404
    office = claim.office
    if not may(request.user, "attribution.reassign_released", office):
        raise PermissionDenied
    salespeople = salespeople_of(office)
    form = ReassignForm(request.POST, prefix=f"r{claim.pk}", salespeople=salespeople)
    status, done = INVALID, False
    if form.is_valid():
        try:
            services.claim_reassign_released(
                household=claim.household,
                new_owner=form.cleaned_data["salesperson"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
                now=timezone.now(),
            )
            done = True
        except ValidationError as exc:
            apply_service_error(form, exc)
        except DomainError as exc:
            form.add_error(None, str(exc.detail))
            status = CONFLICT
    place = Place(office, [office])
    if not request.htmx:
        if done:
            messages.success(request, _("Reassigned."))
            return redirect(f"{reverse('attribution:claims')}?office={office.pk}&tab=released")
        return _page(request, place, "released", status, bound={claim.pk: form})
    context = {
        "office": office,
        "released": _released(office, salespeople, timezone.now(), None if done else {pk: form}),
        "reassigned": form.cleaned_data["salesperson"] if done else None,
    }
    response = render(
        request, "attribution/partials/released.html", context, status=200 if done else status
    )
    if done:
        response["HX-Trigger"] = CHANGED
    return response
