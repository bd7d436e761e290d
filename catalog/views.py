"""Product pages (R-10.1): the list with today's prices (and Excel), a product's price history
with the manager's "new price from a date" form. Cost only for who may see it."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from rest_framework.exceptions import ValidationError

from common.errors import DomainError
from staff.permissions import may

from . import services
from .export import products_xlsx
from .forms import PriceForm
from .selectors import may_see_cost, price_history, products_visible_to, with_prices

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_GET
def product_list(request):
    if not may(request.user, "catalog.view"):
        raise PermissionDenied
    today = timezone.localdate()
    products = with_prices(list(products_visible_to(request.user).order_by("code", "pk")), today)
    show_cost = may_see_cost(request.user)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(products_xlsx(products, show_cost=show_cost), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="products.xlsx"'
        return response
    context = {
        "products": products,
        "show_cost": show_cost,
        "today": today,
        "may_import": may(request.user, "catalog.manage"),
    }
    return render(request, "catalog/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def product_card(request, pk: int):
    if not may(request.user, "catalog.view"):
        raise PermissionDenied
    product = get_object_or_404(products_visible_to(request.user), pk=pk)
    may_price = may(request.user, "catalog.manage")
    if request.method == "POST" and not may_price:
        raise PermissionDenied
    form = PriceForm(request.POST or None, initial={"effective_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.price_set(
                product=product, actor=request.user, now=timezone.now(), **form.cleaned_data
            )
        except ValidationError as exc:
            for field, errors in exc.detail.items():
                form.add_error(field if field in form.fields else None, [str(e) for e in errors])
        except DomainError as exc:
            form.add_error("effective_from", str(exc.detail))
        else:
            return redirect("catalog:card", product.pk)
    context = {
        "product": product,
        "prices": price_history(product),
        "show_cost": may_see_cost(request.user),
        "today": timezone.localdate(),
        "form": form if may_price else None,
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "catalog/card.html", context, status=status)
