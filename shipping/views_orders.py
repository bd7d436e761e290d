"""Outbound order pages (R-13.2–R-13.4): the list, the order (lines, shipments, confirmations,
for whom and from which warehouse) with the warehouse keeper's ship form and the clerk's
confirmation form, the printable delivery note and the confirmation's scan.

shipping/urls.py names every page of demand requests, orders, the queue and the follow-up
lists through this module: the request pages are views_requests, the lists views_follow."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError

from common.errors import DomainError
from common.views import run_and_report
from contracts.selectors import contracts_visible_to
from staff.choices import Role
from staff.permissions import may, may_in_any_office
from stock.models import StockBalance

from . import services
from .choices import OrderStatus
from .forms_orders import ConfirmForm, ShipForm, apply_errors
from .models import Confirmation, ConfirmationLine, OutboundOrder, ShipmentLine
from .pdf import order_pdf as draw_order_pdf
from .selectors import contract_for_shipping, order_figures, orders_visible_to
from .views_follow import backorders_page, late_page, late_reason, queue_page, unconfirmed_page
from .views_requests import (
    an_id,
    request_cancel,
    request_detail,
    request_issue,
    request_list,
    request_new,
    request_submit,
)

__all__ = [
    "backorders_page",
    "confirmation_scan",
    "late_page",
    "late_reason",
    "order_confirm",
    "order_detail",
    "order_list",
    "order_pdf",
    "order_ship",
    "queue_page",
    "request_cancel",
    "request_detail",
    "request_issue",
    "request_list",
    "request_new",
    "request_submit",
    "unconfirmed_page",
]

LIST_LIMIT = 200


def may_read_orders(user) -> bool:
    """Who reads outbound orders: whoever reads contracts, and the warehouse keepers."""
    return user.has_role(Role.DIRECTOR, Role.EXECUTIVE) or any(
        may_in_any_office(user, action)
        for action in ("contracts.view", "shipping.queue", "shipping.ship")
    )


# ---------------------------------------------------------------- the list


@login_required
@require_GET
def order_list(request):
    """The outbound orders the user sees, newest first; `?status=`, `?contract=`. A red
    outbound order is marked red, its quantities negative."""
    if not may_read_orders(request.user):
        raise PermissionDenied
    qs = (
        orders_visible_to(request.user)
        .select_related("contract__account", "warehouse", "office")
        .prefetch_related("lines__product")
    )
    status = request.GET.get("status", "")
    if status in OrderStatus.values:
        qs = qs.filter(status=status)
    contract = None
    contract_id = an_id(request.GET.get("contract"))
    if contract_id is not None:
        contract = contract_for_shipping(request.user, contract_id)
        if contract is None:
            raise Http404
        qs = qs.filter(contract=contract)
    context = {
        "orders": qs.order_by("-issued_at", "-pk")[:LIST_LIMIT],
        "status": status,
        "statuses": OrderStatus.choices,
        "contract": contract,
        "may_queue": may_in_any_office(request.user, "shipping.queue"),
    }
    return render(request, "shipping/order_list.html", context)


# ---------------------------------------------------------------- the order


def _order_or_404(user, pk: int) -> OutboundOrder:
    return get_object_or_404(
        orders_visible_to(user).select_related(
            "contract__account",
            "office",
            "warehouse",
            "issued_by",
            "demand_request",
            "return_request",
        ),
        pk=pk,
    )


def _on_hand(order: OutboundOrder, lines) -> None:
    """Each line's stock on hand in the order's warehouse (`short`: not enough to ship it)."""
    balances = dict(
        StockBalance.objects.filter(
            warehouse_id=order.warehouse_id, product_id__in=[line.product_id for line in lines]
        ).values_list("product_id", "on_hand")
    )
    for line in lines:
        line.on_hand = balances.get(line.product_id, Decimal("0"))
        line.short = not order.red and line.remaining > line.on_hand


def _ship_form(order, lines, data=None) -> ShipForm:
    rows = [(line.pk, line.product.name, line.remaining) for line in lines if line.remaining > 0]
    return ShipForm(data, rows=rows)


def _confirm_form(order, lines, data=None, files=None) -> ConfirmForm:
    rows = [
        (line.pk, line.product.name, line.shipped - line.confirmed)
        for line in lines
        if line.shipped - line.confirmed > 0
    ]
    today = timezone.localtime(timezone.now(), order.office.tzinfo).date()
    return ConfirmForm(data, files, rows=rows, initial={"signed_on": today})


def _order_page(request, order, *, ship_form=None, confirm_form=None, status=200, short=None):
    user = request.user
    lines = order_figures(order)
    _on_hand(order, lines)
    may_ship = order.is_open and may(user, "shipping.ship", order.office)
    may_confirm = not order.red and may(user, "shipping.confirm", order.office)
    if may_ship and ship_form is None:
        ship_form = _ship_form(order, lines)
    if may_confirm and confirm_form is None:
        confirm_form = _confirm_form(order, lines)
    for line in lines:
        line.ship_field = ship_form.row(line.pk) if may_ship and line.remaining > 0 else None
        line.to_confirm = line.shipped - line.confirmed
        line.confirm_field = (
            confirm_form.row(line.pk) if may_confirm and line.to_confirm > 0 else None
        )
        line.short_now = short is not None and line.product_id == short
    sees_contract = contracts_visible_to(user).filter(pk=order.contract_id).exists()
    shipments = order.shipments.select_related("shipped_by").prefetch_related(
        Prefetch("lines", ShipmentLine.objects.select_related("order_line__product").order_by("pk"))
    )
    confirmations = order.confirmations.select_related("recorded_by").prefetch_related(
        Prefetch(
            "lines",
            ConfirmationLine.objects.select_related("order_line__product").order_by("pk"),
        )
    )
    context = {
        "order": order,
        "contract": order.contract,
        "lines": lines,
        "shipments": shipments.order_by("shipped_at", "pk"),
        "confirmations": confirmations.order_by("recorded_at", "pk"),
        "sees_contract": sees_contract,
        "ship_form": ship_form if may_ship and ship_form.fields else None,
        "confirm_form": confirm_form if may_confirm and confirm_form.row_ids else None,
        "keeper": may(user, "shipping.queue", order.office),
        "may_attach": may(user, "shipping.confirm", order.office),
    }
    return render(request, "shipping/order_detail.html", context, status=status)


@login_required
@require_GET
def order_detail(request, pk: int):
    return _order_page(request, _order_or_404(request.user, pk))


@login_required
@require_POST
def order_ship(request, pk: int):
    """R-13.3: the warehouse keeper ships all or part (a red order: receives the goods back);
    stock falls, never below zero; the rest stays open."""
    order = _order_or_404(request.user, pk)
    if not may(request.user, "shipping.ship", order.office):
        raise PermissionDenied
    lines = order_figures(order)
    form = _ship_form(order, lines, request.POST)
    if not form.is_valid():
        return _order_page(request, order, ship_form=form, status=422)
    filled = form.quantities()
    by_id = {line.pk: line for line in lines}
    given = [
        services.LineInput(contract_line=by_id[row].contract_line_id, quantity=quantity)
        for row, quantity in filled
    ]
    try:
        services.order_ship(actor=request.user, order=order, lines=given, now=timezone.now())
    except ApiPermissionDenied as exc:
        raise PermissionDenied from exc
    except ValidationError as exc:
        apply_errors(form, exc, [row for row, _q in filled])
        return _order_page(request, order, ship_form=form, status=422)
    except DomainError as exc:
        form.add_error(None, str(exc.detail))
        short = exc.extra.get("product") if exc.code == "insufficient_stock" else None
        order.refresh_from_db()
        return _order_page(request, order, ship_form=form, status=409, short=short)
    done = (
        _("The goods are received back into stock.")
        if order.red
        else _("Shipped: the stock is lowered.")
    )
    messages.success(request, done)
    return redirect("shipping:order", order.pk)


@login_required
@require_POST
def order_confirm(request, pk: int):
    """R-13.4: the clerk records the customer's confirmation — who signed, when, what was
    received — with its scan or photo."""
    order = _order_or_404(request.user, pk)
    if not may(request.user, "shipping.confirm", order.office):
        raise PermissionDenied
    lines = order_figures(order)
    form = _confirm_form(order, lines, request.POST, request.FILES)
    if not form.is_valid():
        return _order_page(request, order, confirm_form=form, status=422)
    filled = form.quantities(keep_zero=True)
    by_id = {line.pk: line for line in lines}
    given = [
        services.LineInput(contract_line=by_id[row].contract_line_id, quantity=quantity)
        for row, quantity in filled
    ]
    if not given:  # every row left empty: "the customer received nothing"
        given = [
            services.LineInput(contract_line=by_id[row].contract_line_id, quantity=Decimal("0"))
            for row in form.row_ids
        ]
        filled = [(row, Decimal("0")) for row in form.row_ids]
    try:
        services.confirmation_record(
            actor=request.user,
            order=order,
            signed_by=form.cleaned_data["signed_by"],
            signed_on=form.cleaned_data["signed_on"],
            lines=given,
            note=form.cleaned_data["note"],
            upload=form.upload(),
            now=timezone.now(),
        )
    except ApiPermissionDenied as exc:
        raise PermissionDenied from exc
    except ValidationError as exc:
        apply_errors(form, exc, [row for row, _q in filled])
        return _order_page(request, order, confirm_form=form, status=422)
    except DomainError as exc:
        form.add_error(None, str(exc.detail))
        return _order_page(request, order, confirm_form=form, status=409)
    messages.success(request, _("The customer's confirmation is filed."))
    return redirect("shipping:order", order.pk)


# ---------------------------------------------------------------- printing and the scan


@login_required
@require_GET
def order_pdf(request, pk: int):
    """The delivery note with the customer's confirmation form (送货单／客户确认单); a red
    order's, 红字出库单 in red. For whoever sees the order."""
    order = _order_or_404(request.user, pk)
    lines = order.lines.select_related("product").order_by("pk")
    response = HttpResponse(draw_order_pdf(order, lines), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{order.number}.pdf"'
    return response


@login_required
@require_POST
def confirmation_attach(request, pk: int):
    """R-13.4: the clerk files the scan or photo of a confirmation recorded without one
    (the signed form came back later)."""
    confirmation = get_object_or_404(
        Confirmation.objects.filter(order__in=orders_visible_to(request.user).values("pk")),
        pk=pk,
    )
    if not may(request.user, "shipping.confirm", confirmation.office):
        raise PermissionDenied
    return run_and_report(
        request,
        lambda: services.confirmation_attach_scan(
            actor=request.user, confirmation=confirmation, upload=request.FILES.get("scan")
        ),
        success=_("The scan is filed with the confirmation."),
        back=reverse("shipping:order", args=[confirmation.order_id]),
    )


@login_required
@require_GET
def confirmation_scan(request, pk: int):
    """R-13.4: the confirmation's scan or photo, only for who may see its order (never a
    public path)."""
    confirmation = get_object_or_404(
        Confirmation.objects.filter(
            order__in=orders_visible_to(request.user).values("pk")
        ).select_related("order"),
        pk=pk,
    )
    if not confirmation.scan:
        raise Http404
    extension = confirmation.scan.name.rsplit(".", 1)[-1]
    try:
        handle = confirmation.scan.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{confirmation.order.number}-{confirmation.pk}.{extension}",
        content_type=confirmation.scan_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response
