"""The manager's import of products and opening stock from Excel (all or nothing)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from staff.places import place_for

from . import excel
from .forms import ImportForm


@login_required
@require_http_methods(["GET", "POST"])
def stock_import(request):
    place = place_for(request, "stock.import")
    report, status = None, 200
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                report = excel.import_catalog(
                    office=place.office,
                    file=form.cleaned_data["file"],
                    actor=request.user,
                    now=timezone.now(),
                )
            except excel.BadFile as exc:
                form.add_error("file", exc.message)
        if report is None or report.errors:
            status = 422
    context = {
        "place": place,
        "office": place.office,
        "form": form,
        "report": report,
        "product_headers": excel.PRODUCT_HEADERS,
        "stock_headers": excel.STOCK_HEADERS,
    }
    return render(request, "stock/import.html", context, status=status)
