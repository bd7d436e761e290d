"""Product pages (R-10.1): the list with today's prices (and Excel), the manager's new product,
a product's price history with the manager's "new price from a date" form, stopping and
resuming the sale of a product. Cost only for who may see it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.exceptions import ValidationError

from common.errors import DomainError
from staff.permissions import may

from . import services
from .export import products_xlsx
from .forms import PriceForm, ProductForm
from .models import Product
from .selectors import (
    may_see_cost,
    price_history,
    products_inactive,
    products_visible_to,
    with_prices,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _errors_to_form(form, exc: ValidationError) -> None:
    for field, errors in exc.detail.items():
        errors = [errors] if isinstance(errors, str) else errors
        form.add_error(field if field in form.fields else None, [str(e) for e in errors])


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
    manage = may(request.user, "catalog.manage")
    context = {
        "products": products,
        "show_cost": show_cost,
        "today": today,
        "may_manage": manage,
        "may_import": manage,
        # the manager also sees what is no longer sold, to sell it again
        "inactive": list(products_inactive().order_by("code", "pk")) if manage else [],
    }
    return render(request, "catalog/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def product_new(request):
    """R-10.1: the manager adds a product with its first prices."""
    if not may(request.user, "catalog.manage"):
        raise PermissionDenied
    today = timezone.localdate()
    form = ProductForm(request.POST or None, initial={"effective_from": today})
    if request.method == "POST" and form.is_valid():
        try:
            product = services.product_create(
                actor=request.user, now=timezone.now(), **form.cleaned_data
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        except DomainError as exc:
            form.add_error("code", str(exc.detail))
        else:
            messages.success(request, _("Product %(product)s added.") % {"product": product})
            return redirect("catalog:card", product.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "catalog/new.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def product_card(request, pk: int):
    if not may(request.user, "catalog.view"):
        raise PermissionDenied
    # an inactive product stays readable: the documents that have it link here
    product = get_object_or_404(Product, pk=pk)
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
            _errors_to_form(form, exc)
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
        "may_manage": may_price,
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "catalog/card.html", context, status=status)


def _set_active(request, pk: int, *, active: bool):
    if not may(request.user, "catalog.manage"):
        raise PermissionDenied
    product = get_object_or_404(Product, pk=pk)
    product = services.product_set_active(
        product=product, active=active, actor=request.user, now=timezone.now()
    )
    if active:
        messages.success(request, _("%(product)s is on sale again.") % {"product": product})
    else:
        messages.success(
            request,
            _("%(product)s is no longer sold: it cannot be put on new documents.")
            % {"product": product},
        )
    return redirect("catalog:card", product.pk)


@login_required
@require_POST
def product_deactivate(request, pk: int):
    """R-10.1: stop selling a product (the page asks for a confirmation first)."""
    return _set_active(request, pk, active=False)


@login_required
@require_POST
def product_reactivate(request, pk: int):
    return _set_active(request, pk, active=True)
