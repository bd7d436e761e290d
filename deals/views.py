"""The availability board (销控表, R-6.1), its unit panel — hold (R-6.2), subscribe (R-6.3),
release, withdraw (R-5.5) — and the printable internal subscription agreement.

Parse, call a service, render. Every view picks its office through `may()`; a unit or an
agreement of another office is a 404, a member of the office without a role for units gets 403.
The same view returns a page or an htmx fragment; a change answers with
`HX-Trigger: deals-changed` so that the grid refreshes.
"""

import datetime
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from attribution.selectors import claim_held, claims_held, customers_search_for
from attribution.throttles import search_allowed
from attribution.visibility import name_for, phone_for
from common.errors import DomainError
from staff.permissions import may, office_ids_of
from staff.places import Place, place_for

from . import services
from .choices import HoldStatus, SubscriptionStatus, UnitStatus
from .forms import ConvertForm, HoldForm, SubscribeForm, WithdrawForm, apply_service_error
from .models import Hold, Project, Subscription, Unit

CHANGED = "deals-changed"  # the event the grid refreshes on
INVALID = 422  # a form with errors; htmx swaps it (base.html)
CONFLICT = 409  # a service refused: the unit was taken meanwhile, the hold ended...
TEN_THOUSAND = Decimal("10000")

# ---------------------------------------------------------------- office and project


def _place(request: HttpRequest, action: str) -> Place:
    return place_for(request, action)


def _unit_or_404(user, pk: int) -> Unit:
    unit = (
        Unit.objects.select_related("office", "project")
        .filter(pk=pk, office_id__in=office_ids_of(user))
        .first()
    )
    if unit is None:  # another office's unit is not there
        raise Http404
    if not may(user, "deals.view_units", unit.office):  # a member without a role for units
        raise PermissionDenied
    return unit


# ---------------------------------------------------------------- what a cell shows


@dataclass
class Cell:
    unit: Unit
    status: str  # UnitStatus, with a hold past its expiry shown as available (lapsed on read)
    hold: Hold | None = None
    subscription: Subscription | None = None
    hours_left: int | None = None
    expires_local: datetime.datetime | None = None

    @property
    def status_label(self) -> str:
        return UnitStatus(self.status).label

    @property
    def price_wan(self) -> Decimal:
        return (self.unit.list_price / TEN_THOUSAND).quantize(Decimal("0.01"))


@dataclass
class Building:
    name: str
    columns: list[str]
    rows: list[tuple[int, list[Cell | None]]] = field(default_factory=list)


def _column(unit: Unit) -> str:
    """The unit's place on its floor: 1203 on floor 12 is column 03."""
    prefix = str(unit.floor)
    if unit.number.startswith(prefix) and len(unit.number) > len(prefix):
        return unit.number[len(prefix) :]
    return unit.number


def _cell(unit: Unit, hold: Hold | None, sub: Subscription | None, now, tz) -> Cell:
    status = unit.status
    if status == UnitStatus.HELD and (hold is None or hold.expires_at <= now):
        status, hold = UnitStatus.AVAILABLE, None  # lapsed, the job frees it soon
    cell = Cell(unit=unit, status=status, hold=hold if status == UnitStatus.HELD else None)
    if cell.hold is not None:
        cell.hours_left = max(1, math.ceil((hold.expires_at - now).total_seconds() / 3600))
        cell.expires_local = timezone.localtime(hold.expires_at, tz)
    if status in (UnitStatus.SUBSCRIBED, UnitStatus.CONTRACTED):
        cell.subscription = sub
    return cell


def _buildings(project: Project, now: datetime.datetime) -> list[Building]:
    """The grid of a project in three queries, whatever its size."""
    units = list(Unit.objects.filter(project=project).order_by("building", "-floor", "number"))
    holds = {
        h.unit_id: h
        for h in Hold.objects.filter(
            unit__project=project, status=HoldStatus.ACTIVE
        ).select_related("customer")
    }
    subs = {
        s.unit_id: s
        for s in Subscription.objects.filter(
            unit__project=project, status=SubscriptionStatus.ACTIVE
        ).select_related("customer", "credited_salesperson")
    }
    tz = project.office.tzinfo
    grouped: dict[str, dict[int, dict[str, Cell]]] = {}
    for unit in units:
        cell = _cell(unit, holds.get(unit.pk), subs.get(unit.pk), now, tz)
        grouped.setdefault(unit.building, {}).setdefault(unit.floor, {})[_column(unit)] = cell
    buildings = []
    for name, floors in grouped.items():
        columns = sorted({c for cells in floors.values() for c in cells})
        building = Building(name=name, columns=columns)
        for floor in sorted(floors, reverse=True):
            building.rows.append((floor, [floors[floor].get(c) for c in columns]))
        buildings.append(building)
    return buildings


def _unit_cell(unit: Unit, now: datetime.datetime) -> Cell:
    hold = Hold.objects.filter(unit=unit, status=HoldStatus.ACTIVE).select_related(
        "customer__household", "office"
    )
    sub = Subscription.objects.filter(unit=unit, status=SubscriptionStatus.ACTIVE).select_related(
        "customer", "credited_salesperson"
    )
    return _cell(unit, hold.first(), sub.first(), now, unit.office.tzinfo)


# ---------------------------------------------------------------- the board


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    place = _place(request, "deals.view_units")
    office = place.office
    projects = list(Project.objects.filter(office=office).select_related("office"))
    project = None
    raw = request.GET.get("project")
    if raw:
        project = next((p for p in projects if str(p.pk) == raw), None)
        if project is None:
            raise Http404
    elif projects:
        project = projects[0]
    context = {
        "place": place,
        "office": office,
        "projects": projects,
        "project": project,
        "buildings": _buildings(project, timezone.now()) if project else [],
    }
    if request.htmx and request.GET.get("part") == "grid":
        return render(request, "deals/partials/grid.html", context)
    return render(request, "deals/board.html", context)


# ---------------------------------------------------------------- the unit panel


def _panel(request, unit: Unit, *, status: int = 200, error: str = "", **forms) -> HttpResponse:
    user, office, now = request.user, unit.office, timezone.now()
    unit.refresh_from_db(fields=["status"])  # a service may have changed it meanwhile
    cell = _unit_cell(unit, now)
    can = {
        "hold": may(user, "deals.hold", office),
        "subscribe": may(user, "deals.subscribe", office),
        "release": cell.hold is not None and _may_release(user, cell.hold, now),
        "withdraw": may(user, "deals.withdraw", office),
    }
    shown = cell.hold or cell.subscription  # its customer, named as the reader may see them
    customer_name = ""
    if shown is not None:
        claim = claim_held(household=shown.customer.household, now=now)
        customer_name = name_for(user, shown.customer.name, claim)
    context = {
        "office": office,
        "unit": unit,
        "cell": cell,
        "customer_name": customer_name,
        "can": can,
        "error": error,
        "hold_form": forms.get("hold_form") or HoldForm(office=office, prefix="hold"),
        "subscribe_form": forms.get("subscribe_form") or SubscribeForm(office=office, prefix="sub"),
        "convert_form": forms.get("convert_form") or ConvertForm(office=office, prefix="conv"),
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(prefix="wd"),
        "picked": forms.get("picked"),
    }
    response = render(request, "deals/partials/panel.html", context, status=status)
    if status in (200, CONFLICT):  # done, or the unit changed meanwhile: refresh the grid
        response["HX-Trigger"] = CHANGED
    return response


@login_required
@require_GET
def unit_panel(request: HttpRequest, pk: int) -> HttpResponse:
    return _panel(request, _unit_or_404(request.user, pk))


@login_required
@require_GET
def customer_options(request: HttpRequest) -> HttpResponse:
    """The office's customers matching a phone (or part of it) or a name, to pick one."""
    place = _place(request, "deals.view_units")
    now = timezone.now()
    query = request.GET.get("q", "")
    if not search_allowed(request):  # a burst of searches is refused
        return HttpResponse(_("Too many searches: wait a minute."), status=429)
    qs = place.office.customer_set.all()
    matches = list(
        customers_search_for(request.user, qs, query, now=now).order_by("name", "pk")[:10]
    )
    held = claims_held({c.household_id for c in matches}, now=now)
    found = [  # masked like the API for whoever does not hold the customer
        {
            "pk": c.pk,
            "name": name_for(request.user, c.name, held.get(c.household_id)),
            "phone": phone_for(request.user, c.phone, held.get(c.household_id)),
        }
        for c in matches
    ]
    field = "sub-customer" if request.GET.get("field") == "sub-customer" else "hold-customer"
    context = {"found": found, "field": field}
    return render(request, "deals/partials/customer_options.html", context)


def _guard(request, action: str, unit: Unit) -> None:
    if not may(request.user, action, unit.office):
        raise PermissionDenied


def _run(request, unit: Unit, form, call, form_name: str) -> HttpResponse:
    """Validate the form, call the service; a refusal is shown in the panel."""
    picked = None
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        except DomainError as exc:
            return _panel(request, unit, status=CONFLICT, error=str(exc.detail))
        else:
            return _panel(request, unit)
    customer = form.cleaned_data.get("customer") if hasattr(form, "cleaned_data") else None
    if customer is not None:
        claim = claim_held(household=customer.household, now=timezone.now())
        picked = {
            "pk": customer.pk,
            "name": name_for(request.user, customer.name, claim),
            "phone": phone_for(request.user, customer.phone, claim),
        }
    return _panel(request, unit, status=INVALID, picked=picked, **{form_name: form})


@login_required
@require_POST
def unit_hold(request: HttpRequest, pk: int) -> HttpResponse:
    """R-6.2: the holding fee blocks the unit for the customer (hold_hours, 72 by default)."""
    unit = _unit_or_404(request.user, pk)
    _guard(request, "deals.hold", unit)
    form = HoldForm(request.POST, office=unit.office, prefix="hold")
    return _run(
        request,
        unit,
        form,
        lambda data: services.hold_create(
            unit=unit,
            customer=data["customer"],
            fee=data["fee"],
            actor=request.user,
            now=timezone.now(),
        ),
        "hold_form",
    )


@login_required
@require_POST
def unit_subscribe(request: HttpRequest, pk: int) -> HttpResponse:
    """R-6.3: the deposit subscribes the unit (the first to pay wins, R-5.7)."""
    unit = _unit_or_404(request.user, pk)
    _guard(request, "deals.subscribe", unit)
    form = SubscribeForm(request.POST, office=unit.office, prefix="sub")
    return _run(
        request,
        unit,
        form,
        lambda data: services.subscription_create(
            unit=unit,
            customer=data["customer"],
            deposit=data["deposit"],
            actor=request.user,
            now=timezone.now(),
        ),
        "subscribe_form",
    )


def _active_hold_or_conflict(unit: Unit) -> Hold | None:
    return (
        Hold.objects.filter(unit=unit, status=HoldStatus.ACTIVE)
        .select_related("customer__household", "office")
        .first()
    )


@login_required
@require_POST
def hold_convert(request: HttpRequest, pk: int) -> HttpResponse:
    """R-6.2: the holder subscribes; the holding fee is credited toward the deposit."""
    unit = _unit_or_404(request.user, pk)
    _guard(request, "deals.subscribe", unit)
    hold = _active_hold_or_conflict(unit)
    if hold is None:
        return _panel(request, unit, status=CONFLICT, error=_("This hold has already ended."))
    form = ConvertForm(request.POST, office=unit.office, prefix="conv")
    return _run(
        request,
        unit,
        form,
        lambda data: services.subscription_create(
            unit=unit,
            customer=hold.customer,
            deposit=data["deposit"],
            actor=request.user,
            now=timezone.now(),
        ),
        "convert_form",
    )


def _may_release(user, hold: Hold, now) -> bool:
    """R-6.2: the manager, or the salesperson who placed this hold or holds its customer."""
    claim = claim_held(household=hold.customer.household, now=now)
    return may(user, "deals.release_hold", (hold, claim))


@login_required
@require_POST
def hold_release(request: HttpRequest, pk: int) -> HttpResponse:
    """R-6.2: the hold ends early and the fee is refunded in full."""
    unit = _unit_or_404(request.user, pk)
    hold = _active_hold_or_conflict(unit)
    if hold is None:
        return _panel(request, unit, status=CONFLICT, error=_("This hold has already ended."))
    if not _may_release(request.user, hold, timezone.now()):
        raise PermissionDenied
    try:
        services.hold_release(hold=hold, actor=request.user, now=timezone.now())
    except DomainError as exc:
        return _panel(request, unit, status=CONFLICT, error=str(exc.detail))
    return _panel(request, unit)


@login_required
@require_POST
def subscription_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """R-5.5: a manager records the withdrawal (退定), after an explicit confirmation."""
    unit = _unit_or_404(request.user, pk)
    _guard(request, "deals.withdraw", unit)
    subscription = Subscription.objects.filter(unit=unit, status=SubscriptionStatus.ACTIVE).first()
    if subscription is None:
        return _panel(
            request, unit, status=CONFLICT, error=_("This subscription has already been withdrawn.")
        )
    form = WithdrawForm(request.POST, prefix="wd")
    return _run(
        request,
        unit,
        form,
        lambda data: services.subscription_withdraw(
            subscription=subscription, actor=request.user, now=timezone.now()
        ),
        "withdraw_form",
    )


# ---------------------------------------------------------------- the agreement


@login_required
@require_GET
def agreement(request: HttpRequest, pk: int) -> HttpResponse:
    """R-6.3: the printable internal subscription agreement (内部认购协议)."""
    subscription = (
        Subscription.objects.select_related(
            "office", "unit__project", "customer", "credited_salesperson", "signed_by"
        )
        .filter(pk=pk, office_id__in=office_ids_of(request.user))
        .first()
    )
    if subscription is None:  # another office's agreement is not there
        raise Http404
    if not may(request.user, "deals.view_units", subscription.office):
        raise PermissionDenied
    tz, now = subscription.office.tzinfo, timezone.now()
    context = {
        "s": subscription,
        "office": subscription.office,
        "signed_on": timezone.localtime(subscription.created_at, tz),
        "phone": agreement_phone(request.user, subscription, now),
    }
    return render(request, "deals/agreement.html", context)


def agreement_phone(user, subscription: Subscription, now) -> str:
    """The customer's phone on the agreement: in full for whoever may see the customer in full
    (the holder of the deal, the desk, managers, finance), masked for anyone else."""
    customer = subscription.customer
    return phone_for(user, customer.phone, claim_held(household=customer.household, now=now))
