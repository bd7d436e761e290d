"""The secretary's desk: lookup, visits, calls, referrals, counters (R-2.1, R-2.7, R-4.3)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from attribution.rules import protection_left
from common.errors import DomainError
from staff.models import Office
from workspace.roles import PAGES_BY_SLUG

from .. import selectors, services
from ..forms import (
    CallForm,
    ReferralForm,
    VisitForm,
    apply_service_error,
)
from .common import (
    INVALID,
    _board,
    _changed,
    _desk_visits,
    _no_office_page,
    _place,
    _render_part,
    _require_place,
    _result,
    _today,
    _unassigned,
)

# ---------------------------------------------------------------- the desk (secretary)


def desk(request: HttpRequest, page=None, **panels) -> HttpResponse:
    """The secretary's whole reception on one screen (rendered at /w/desk/)."""
    place = _place(request, "reception.desk")
    if place is None:
        return _no_office_page(request, page)
    office, user, now = place.office, request.user, timezone.now()
    context = {
        "page": page or PAGES_BY_SLUG["desk"],
        "place": place,
        "office": office,
        "day": _today(office, now),
        "visit_form": panels.get("visit_form") or VisitForm(office=office),
        "result": panels.get("result"),
        "referrer_choice": panels.get("referrer_choice"),
        "call_form": panels.get("call_form") or CallForm(),
        "call": panels.get("call"),
        "referral_form": panels.get("referral_form") or ReferralForm(office=office),
        "referral": panels.get("referral"),
        "counters": selectors.counters_of_day(office=office, day=_today(office, now)),
        **_board(user, office, now),
        **_unassigned(user, office),
        **_desk_visits(user, office, now),
    }
    return render(request, "reception/desk.html", context, status=panels.get("status", 200))


@login_required
@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    """Search as you type: phone, part of it, or a name (R-2.1)."""
    place = _require_place(request, "reception.desk")
    query = (request.GET.get("q") or request.GET.get("phone") or "").strip()
    now = timezone.now()
    matches = selectors.customers_lookup(
        user=request.user, office=place.office, query=query, now=now
    )
    for match in matches:
        if match.claim is not None:  # the last protected day, as the office counts it
            match.claim.protection = protection_left(
                match.claim.protected_until, tz=place.office.tzinfo, today=_today(place.office, now)
            )
    context = {"matches": matches, "q": query}
    return _render_part(request, "reception/partials/lookup_results.html", place, context)


@login_required
@require_GET
def referrer_options(request: HttpRequest) -> HttpResponse:
    """The referrer picker: matching customers as radio buttons carrying the customer id."""
    place = _require_place(request, "reception.desk")
    query = (request.GET.get("referrer_q") or "").strip()
    matches = selectors.customers_lookup(
        user=request.user, office=place.office, query=query, now=timezone.now()
    )
    context = {"matches": matches, "q": query, "field": request.GET.get("field", "referrer")}
    return _render_part(request, "reception/partials/referrer_options.html", place, context)


def _referrer_choice(form, office: Office):
    value = str(form["referrer"].value() or "")
    return selectors.customer_by_id(office=office, pk=value) if value.isdecimal() else None


@login_required
@require_POST
def visit_register(request: HttpRequest) -> HttpResponse:
    """R-2.1: register a walk-in; the services decide who receives them."""
    place = _require_place(request, "reception.register_visit")
    office = place.office
    form = VisitForm(request.POST, office=office)
    result = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            visit, _created = services.visit_register(
                office=office,
                actor=request.user,
                phone=data["phone"],
                name=data["name"].strip(),
                party_size=data["party_size"],
                source_channel=data["source_channel"],
                named_salesperson=data["named_salesperson"],
                referrer=data["referrer"],
                one_household=data["one_household"],
                idempotency_key=data["idempotency_key"],
                now=timezone.now(),
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        except DomainError as exc:
            form.add_error(None, str(exc.detail))
        else:
            result = _result(visit)
            form = VisitForm(office=office)
    status = 200 if result else INVALID
    context = {
        "visit_form": form,
        "result": result,
        "referrer_choice": _referrer_choice(form, office) if not result else None,
    }
    if not request.htmx:
        return desk(request, status=status, **context)
    response = _render_part(
        request, "reception/partials/visit_panel.html", place, context, status=status
    )
    return _changed(response) if result else response


@login_required
@require_POST
def call_register(request: HttpRequest) -> HttpResponse:
    """R-2.7: a hotline call; a claimed caller is put through to the owner."""
    place = _require_place(request, "reception.log_call")
    form = CallForm(request.POST)
    call = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            call = services.call_register(
                office=place.office,
                actor=request.user,
                kind=data["kind"],
                content=data["content"],
                phone=data.get("phone") or "",
                name=data["name"].strip(),
                caller=data["caller"],
                source_channel=data["source_channel"],
                now=timezone.now(),
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            form = CallForm()
    status = 200 if call else INVALID
    if not request.htmx:
        return desk(request, call_form=form, call=call, status=status)
    context = {"call_form": form, "call": call}
    response = _render_part(
        request, "reception/partials/call_panel.html", place, context, status=status
    )
    return _changed(response) if call else response


@login_required
@require_POST
def referral_register(request: HttpRequest) -> HttpResponse:
    """R-4.3: pre-registration of a referred customer, before their visit."""
    place = _require_place(request, "reception.register_referral")
    form = ReferralForm(request.POST, office=place.office)
    referral = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.referral_register(
                office=place.office,
                actor=request.user,
                referrer=data["referrer"],
                phone=data["phone"],
                name=data["name"],
                now=timezone.now(),
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            form = ReferralForm(office=place.office)
    status = 200 if referral else INVALID
    if not request.htmx:
        return desk(request, referral_form=form, referral=referral, status=status)
    context = {
        "referral_form": form,
        "referral": referral,
        "referrer_choice": None if referral else _referrer_choice(form, place.office),
    }
    return _render_part(
        request, "reception/partials/referral_panel.html", place, context, status=status
    )


@login_required
@require_GET
def counters(request: HttpRequest) -> HttpResponse:
    place = _require_place(request, "reception.desk")
    day = _today(place.office, timezone.now())
    context = {"counters": selectors.counters_of_day(office=place.office, day=day), "day": day}
    return _render_part(request, "reception/partials/counters.html", place, context)


@login_required
@require_GET
def desk_visits(request: HttpRequest) -> HttpResponse:
    place = _require_place(request, "reception.desk")
    context = _desk_visits(request.user, place.office, timezone.now())
    return _render_part(request, "reception/partials/desk_visits.html", place, context)
