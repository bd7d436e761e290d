"""The warehouse stock page (R-10.3): balances of a warehouse, its recent moves (the ledger:
what, how many, why, who, when), the ledger of one product (an htmx fragment), the warehouse
keeper's receipt of goods and adjustment forms; and the new warehouse page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.exceptions import ValidationError

from catalog.models import Product
from common.errors import DomainError
from staff.permissions import may
from staff.places import place_for

from . import services
from .forms import AdjustmentForm, ReceiptForm, WarehouseForm
from .models import StockBalance
from .selectors import ledger, recent_moves

RECENT_MOVES = 20


def _pick_warehouse(request, warehouses):
    """The warehouse named in the request (another branch's: 404), else the first one the
    user keeps, else the branch's first."""
    raw = request.POST.get("warehouse") or request.GET.get("warehouse")
    if raw:
        warehouse = next((w for w in warehouses if str(w.pk) == raw), None)
        if warehouse is None:
            raise Http404
        return warehouse
    kept = [w for w in warehouses if w.keeper_id == request.user.pk]
    return (kept or warehouses or [None])[0]


def _page_context(request, place, *, form=None, receipt_form=None):
    office = place.office
    warehouses = list(office.warehouses.select_related("keeper").order_by("code"))
    warehouse = _pick_warehouse(request, warehouses)
    balances = (
        StockBalance.objects.filter(warehouse=warehouse)
        .select_related("product")
        .order_by("product__code")
        if warehouse
        else []
    )
    may_adjust = may(request.user, "stock.adjust", office) and warehouse is not None
    return {
        "place": place,
        "office": office,
        "warehouses": warehouses,
        "warehouse": warehouse,
        "balances": balances,
        "recent": recent_moves(warehouse)[:RECENT_MOVES] if warehouse else [],
        "receipt_form": (receipt_form or ReceiptForm()) if may_adjust else None,
        "form": (form or AdjustmentForm()) if may_adjust else None,
        "may_create_warehouse": may(request.user, "stock.create_warehouse", office),
    }


def _back_to(place, warehouse):
    url = reverse("stock:page")
    return redirect(f"{url}?office={place.office.pk}&warehouse={warehouse.pk}")


@login_required
@require_GET
def stock_page(request):
    place = place_for(request, "stock.view")
    context = _page_context(request, place)
    product_id = request.GET.get("product")
    if product_id and context["warehouse"]:
        product = get_object_or_404(Product, pk=product_id if product_id.isdigit() else 0)
        context.update(product=product, moves=ledger(context["warehouse"], product)[:100])
        if request.htmx:
            return render(request, "stock/partials/ledger.html", context)
    return render(request, "stock/page.html", context)


def _record(request, *, form_class, form_key: str, service, done: str):
    """A keeper's form posted: the move recorded (back to the page), or the page again with
    the form's errors (422) and nothing saved."""
    place = place_for(request, "stock.adjust")
    form = form_class(request.POST)
    context = _page_context(request, place, **{form_key: form})
    warehouse = context["warehouse"]
    if warehouse is not None and form.is_valid():
        try:
            move = service(
                warehouse=warehouse, actor=request.user, now=timezone.now(), **form.cleaned_data
            )
        except ValidationError as exc:
            for field, errors in exc.detail.items():
                form.add_error(field if field in form.fields else None, [str(e) for e in errors])
        except DomainError as exc:
            form.add_error("quantity", str(exc.detail))
        else:
            messages.success(
                request,
                done
                % {
                    "product": move.product,
                    "quantity": f"{move.quantity.normalize():f}",
                    "unit": move.product.unit,
                    "on_hand": f"{move.balance_after.normalize():f}",
                },
            )
            return _back_to(place, warehouse)
    return render(request, "stock/page.html", context, status=422)


@login_required
@require_POST
def stock_adjust(request):
    return _record(
        request,
        form_class=AdjustmentForm,
        form_key="form",
        service=services.stock_adjust,
        done=_("Adjusted %(product)s by %(quantity)s %(unit)s: %(on_hand)s in stock."),
    )


@login_required
@require_POST
def stock_receive(request):
    """R-10.3: the warehouse keeper's receipt of goods from a supplier."""
    return _record(
        request,
        form_class=ReceiptForm,
        form_key="receipt_form",
        service=services.stock_receive,
        done=_("Received %(quantity)s %(unit)s of %(product)s: %(on_hand)s in stock."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def warehouse_new(request):
    """R-10.3: a new warehouse of a branch and its keeper (who may: stock.create_warehouse)."""
    place = place_for(request, "stock.create_warehouse")
    form = WarehouseForm(request.POST or None, office=place.office)
    if request.method == "POST" and form.is_valid():
        try:
            warehouse = services.warehouse_create(office=place.office, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.detail.items():
                form.add_error(field if field in form.fields else None, [str(e) for e in errors])
        else:
            messages.success(
                request, _("Warehouse %(warehouse)s added.") % {"warehouse": warehouse}
            )
            return _back_to(place, warehouse)
    context = {"place": place, "office": place.office, "form": form}
    status = 422 if request.method == "POST" else 200
    return render(request, "stock/warehouse_new.html", context, status=status)
