"""The salesperson's phone page (R-3): every claim with its days left, one-tap follow-ups
(R-3.2) and registering a customer met outside the desk (R-1.3, R-5.3)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.errors import DomainError
from common.pagination import Paginator
from deals.contracts import instalments_to_chase
from staff.permissions import may, office_ids_of

from .. import services
from ..choices import ClaimStatus
from ..forms import FollowUpForm, RegisterForm, apply_service_error
from ..models import Claim
from .common import (
    CHANGED,
    CONFLICT,
    INVALID,
    Place,
    allowed,
    decorate,
    held_households,
    members_by_household,
    place_for,
    q_active,
    q_released,
    with_next_step,
)

TABS = ("active", "released", "deal")
MAY_SELL = allowed("attribution.log_followup")  # the phone page: a salesperson of the office
RELEASED_LIMIT = 100
PAGE_SIZE = 30  # cards with a follow-up form each, on a phone


def _mine(user, office):
    return Claim.objects.filter(owner=user, office=office).select_related("office", "household")


def _counts(user, office, now: datetime.datetime) -> dict[str, int]:
    """The three tabs' counts in one query."""
    mine = Claim.objects.filter(owner=user, office=office)
    held = held_households(mine, now)
    # counting household (never null) rather than pk keeps it an index-only scan of
    # claim_owner_summary (issue 8)
    return mine.aggregate(
        active=Count("household", filter=q_active(now)),
        released=Count(
            "household", distinct=True, filter=q_released(now) & ~Q(household_id__in=held)
        ),
        deal=Count("household", filter=Q(status=ClaimStatus.DEAL)),
    )


def _claims(
    user, office, tab: str, now: datetime.datetime, page=None, counts: dict | None = None
) -> tuple[list, Page | None]:
    """The tab's claims, decorated; the active and deal tabs a page of PAGE_SIZE at a time (a
    salesperson of a busy office tracks hundreds of customers: issue 8), counted by `counts`
    (the tabs' counts, `_counts`) when given."""
    mine = _mine(user, office)
    if tab in ("active", "deal"):
        if tab == "active":  # the next to lose protection first
            qs = with_next_step(mine.filter(q_active(now))).order_by("protected_until", "pk")
        else:
            qs = with_next_step(mine.filter(status=ClaimStatus.DEAL)).order_by("-started_at", "pk")
        paginator = Paginator(qs, PAGE_SIZE)
        if counts is not None:  # the tab's count is already known: no second COUNT
            paginator.count = counts[tab]
        page_obj = paginator.get_page(page)
        return decorate(list(page_obj.object_list), office, now), page_obj
    else:  # released households the salesperson does not hold again, latest release first
        rows = (
            mine.filter(q_released(now))
            .exclude(household_id__in=held_households(_mine(user, office), now))
            .annotate(released_at=Coalesce("ended_at", "protected_until"))
            .order_by("-released_at", "-pk")[: RELEASED_LIMIT * 2]
        )
        seen: set[int] = set()
        claims = []
        for claim in rows:
            if claim.household_id not in seen and len(claims) < RELEASED_LIMIT:
                seen.add(claim.household_id)
                claims.append(claim)
    return decorate(claims, office, now), None


def _to_chase(user, office, now: datetime.datetime) -> list:
    """R-6.4: the instalments this salesperson chases in this office, due soon or overdue,
    oldest first; each carries `remaining` and `overdue`."""
    if not may(user, "deals.view_chase", office):
        return []
    today = timezone.localtime(now, office.tzinfo).date()
    rows = list(instalments_to_chase(salesperson=user, now=now).filter(contract__office=office))
    for row in rows:
        row.overdue = row.due_date < today
    return rows


SLOT = "__claim__"  # where a card's claim id goes in the blank follow-up form


def blank_followup_form(request: HttpRequest) -> str:
    """The unbound follow-up form (R-3.2) rendered once, with SLOT for the claim's id in its
    action, target and field names. Rendering the form's widgets for each of a page's 30 cards
    cost 1 ms a card (issue 8); each card now gets a copy with its own id."""
    action = reverse("attribution:followup", args=[0]).replace("/0/", f"/{SLOT}/")
    return render_to_string(
        "attribution/partials/followup_form.html",
        {"form": FollowUpForm(prefix=f"c{SLOT}"), "action": action, "claim_id": SLOT},
        request=request,
    )


def _with_protection_text(claims: list[Claim]) -> list[Claim]:
    """Each card's "protected through …, n days left" rendered once per distinct protection
    end: a page of 30 cards shares a handful, and the sentence (a plural with a localized day)
    cost a third of a card's rendering (issue 22). The same template makes the same HTML."""
    rendered: dict = {}
    for claim in claims:  # `decorate` gave each its protection
        if claim.protection not in rendered:
            rendered[claim.protection] = render_to_string(
                "attribution/partials/protection_end.html", {"p": claim.protection}
            )
        claim.protection_html = rendered[claim.protection]
    return claims


def _with_forms(request: HttpRequest, claims: list[Claim], bound: dict | None = None) -> list:
    """Each active or deal card's follow-up form: the one just submitted with its errors, a
    household's (which asks with whom), else a copy of the blank form."""
    blank = None
    for claim in claims:
        if claim.effective_status not in (ClaimStatus.ACTIVE, ClaimStatus.DEAL):
            continue
        if claim.pk in (bound or {}):
            claim.form = bound[claim.pk]
        elif len(claim.members) > 1:
            claim.form = FollowUpForm(prefix=f"c{claim.pk}", members=claim.members)
        else:
            blank = blank or blank_followup_form(request)
            claim.form_html = mark_safe(blank.replace(SLOT, str(claim.pk)))  # noqa: S308 (our own render, an int)
    return claims


def _page(request: HttpRequest, place: Place, tab: str, status: int = 200, **panels):
    office, now = place.office, timezone.now()
    counts = _counts(request.user, office, now)
    claims, page_obj = _claims(request.user, office, tab, now, request.GET.get("page"), counts)
    claims = _with_protection_text(_with_forms(request, claims, panels.get("bound")))
    context = {
        "place": place,
        "office": office,
        "tab": tab,
        "claims": claims,
        "page_obj": page_obj,
        "counts": counts,
        "to_chase": _to_chase(request.user, office, now),
        "register_form": panels.get("register_form") or RegisterForm(),
        "register_open": panels.get("register_form") is not None,
    }
    return render(request, "attribution/my.html", context, status=status)


def _my_url(office) -> str:
    return f"{reverse('attribution:my')}?office={office.pk}"


@login_required
@require_GET
def my_customers(request: HttpRequest) -> HttpResponse:
    """`/attribution/my/?tab=active|released|deal`: phone first."""
    tab = request.GET.get("tab")
    return _page(request, place_for(request, MAY_SELL), tab if tab in TABS else "active")


def _own_claim(request: HttpRequest, pk: int) -> Claim:
    claim = (
        Claim.objects.select_related("office", "household")
        .filter(pk=pk, owner=request.user, office_id__in=office_ids_of(request.user))
        .first()
    )
    if claim is None:  # someone else's claim is not even there
        raise Http404
    if not may(request.user, "attribution.log_followup", claim.office):
        raise PermissionDenied
    return claim


def _member(form: FollowUpForm, members: list):
    wanted = form.cleaned_data.get("customer")
    if not members:
        return None
    if wanted in (None, ""):
        return members[0]
    return next((m for m in members if m.pk == wanted), None)


@login_required
@require_POST
def followup(request: HttpRequest, pk: int) -> HttpResponse:
    """R-3.2: log a follow-up on one of my claims; the card comes back with the new end."""
    claim = _own_claim(request, pk)
    members = members_by_household([claim.household_id]).get(claim.household_id, [])
    form = FollowUpForm(request.POST, prefix=f"c{claim.pk}", members=members)
    status, logged = INVALID, None
    if form.is_valid():
        customer = _member(form, members)
        if customer is None:
            form.add_error(None, _("Unknown customer."))
        else:
            try:
                logged = services.followup_log(
                    customer=customer,
                    author=request.user,
                    kind=form.cleaned_data["kind"],
                    note=form.cleaned_data["note"],
                    next_step=form.cleaned_data["next_step"],
                    now=timezone.now(),
                )
            except ValidationError as exc:
                apply_service_error(form, exc)
            except DomainError as exc:  # released meanwhile
                form.add_error(None, str(exc.detail))
                status = CONFLICT
    if logged is not None:
        status = 200
    office = claim.office
    if not request.htmx:
        if logged is not None:
            return redirect(_my_url(office))
        return _page(request, Place(office, [office]), "active", status, bound={claim.pk: form})
    card = _claims_by_pk(request.user, claim, timezone.now())
    card.form = FollowUpForm(prefix=f"c{claim.pk}", members=card.members) if logged else form
    response = render(
        request,
        "attribution/partials/claim_card.html",
        {"claim": card, "office": office, "logged": logged},
        status=status,
    )
    if logged is not None:
        response["HX-Trigger"] = CHANGED
    return response


def _claims_by_pk(user, claim: Claim, now) -> Claim:
    fresh = with_next_step(_mine(user, claim.office).filter(pk=claim.pk)).get()
    return decorate([fresh], claim.office, now)[0]


@login_required
@require_POST
def register(request: HttpRequest) -> HttpResponse:
    """R-1.3: register a customer met outside the desk; the claim starts now. Under someone
    else's active claim: refused with whose and until when, and kept as a collision (R-5.3)."""
    place = place_for(request, allowed("leads.register_own"))
    office, now = place.office, timezone.now()
    form = RegisterForm(request.POST)
    status, claim = INVALID, None
    if form.is_valid():
        data = form.cleaned_data
        try:
            _customer, claim = services.customer_register_own(
                office=office,
                salesperson=request.user,
                phone=data["phone"],
                name=data["name"],
                source_channel=data["source_channel"],
                now=now,
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        except DomainError as exc:  # ClaimedError, or already yours
            form.add_error(None, str(exc.detail))
            status = CONFLICT
    if not request.htmx:
        if claim is None:
            return _page(request, place, "active", status, register_form=form)
        messages.success(request, _("Registered: the customer is yours."))
        return redirect(_my_url(office))
    context = {"office": office, "place": place, "register_form": form, "register_open": True}
    if claim is not None:
        card = _claims_by_pk(request.user, claim, now)
        card.form = FollowUpForm(prefix=f"c{card.pk}", members=card.members)
        context.update(
            register_form=RegisterForm(),
            new_claim=card,
            counts=_counts(request.user, office, now),
            tab="active",
        )
    response = render(
        request,
        "attribution/partials/register_panel.html",
        context,
        status=200 if claim is not None else status,
    )
    if claim is not None:
        response["HX-Trigger"] = CHANGED
    return response
