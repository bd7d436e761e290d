"""The warehouse stock page (R-10.3): balances of a warehouse, the ledger of a product (an
htmx fragment), the warehouse keeper's adjustment form."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from rest_framework.exceptions import ValidationError

from catalog.models import Product
from common.errors import DomainError
from staff.permissions import may
from staff.places import place_for

from . import services
from .forms import AdjustmentForm
from .models import StockBalance
from .selectors import ledger


def _page_context(request, place, *, form=None):
    warehouses = list(place.office.warehouses.order_by("code"))
    raw = request.POST.get("warehouse") or request.GET.get("warehouse")
    warehouse = next((w for w in warehouses if str(w.pk) == raw), None)
    if raw and warehouse is None:
        raise Http404
    warehouse = warehouse or (warehouses[0] if warehouses else None)
    balances = (
        StockBalance.objects.filter(warehouse=warehouse)
        .select_related("product")
        .order_by("product__code")
        if warehouse
        else []
    )
    may_adjust = may(request.user, "stock.adjust", place.office)
    return {
        "place": place,
        "office": place.office,
        "warehouses": warehouses,
        "warehouse": warehouse,
        "balances": balances,
        "form": (form or AdjustmentForm()) if may_adjust and warehouse else None,
    }


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


@login_required
@require_POST
def stock_adjust(request):
    place = place_for(request, "stock.adjust")
    form = AdjustmentForm(request.POST)
    context = _page_context(request, place, form=form)
    if context["warehouse"] is not None and form.is_valid():
        try:
            services.stock_adjust(
                warehouse=context["warehouse"],
                actor=request.user,
                now=timezone.now(),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            for field, errors in exc.detail.items():
                form.add_error(field if field in form.fields else None, [str(e) for e in errors])
        except DomainError as exc:
            form.add_error("quantity", str(exc.detail))
        else:
            url = reverse("stock:page")
            return redirect(f"{url}?office={place.office.pk}&warehouse={context['warehouse'].pk}")
    return render(request, "stock/page.html", context, status=422)
