"""The clerk's pages (R-12.2): the filing queue (signed and not filed, with the scan's upload;
overdue ones flagged for the clerk and the manager) and the monthly register (PDF, Excel,
closing)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError

from common.errors import DomainError
from staff.permissions import may
from staff.places import place_for

from . import register as registers
from . import rules, services
from .forms import MonthForm, ScanForm
from .selectors import contracts_visible_to, filing_queue

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _queue_context(request, place, *, errors=None):
    office = place.office
    now = timezone.now()
    queue = filing_queue(request.user, office, now=now)
    return {
        "place": place,
        "office": office,
        "queue": queue,
        "overdue": sum(1 for c in queue if c.overdue),
        "may_file": may(request.user, "contracts.file", office),
        "scan_form": ScanForm(),
        "errors": errors or {},
    }


@login_required
@require_GET
def filing_page(request):
    """R-12.2: signed contracts not filed yet, oldest first; overdue ones flagged."""
    place = place_for(request, "contracts.filing")
    return render(request, "contracts/filing.html", _queue_context(request, place))


@login_required
@require_POST
def contract_file(request, pk: int):
    """The clerk uploads the scan and files the contract."""
    contract = get_object_or_404(contracts_visible_to(request.user).select_related("office"), pk=pk)
    if not may(request.user, "contracts.file", contract.office):
        raise PermissionDenied
    back = request.POST.get("back", "")
    try:
        services.contract_file(
            contract=contract,
            actor=request.user,
            upload=request.FILES.get("scan"),
            now=timezone.now(),
        )
    except ApiPermissionDenied as exc:
        raise PermissionDenied from exc
    except (ValidationError, DomainError) as exc:
        detail = exc.detail
        if isinstance(detail, dict):
            text = " ".join(str(e) for errors in detail.values() for e in errors)
        else:
            text = str(detail)
        status = 409 if isinstance(exc, DomainError) else 400
        if back == "detail":
            messages.error(request, text)
            return redirect("contracts:detail", contract.pk)
        place = place_for(request, "contracts.filing")  # the form names the office
        context = _queue_context(request, place, errors={contract.pk: text})
        return render(request, "contracts/filing.html", context, status=status)
    messages.success(request, _("%(number)s is filed.") % {"number": contract.number})
    if back == "detail":
        return redirect("contracts:detail", contract.pk)
    return redirect(f"{reverse('contracts:filing')}?office={contract.office_id}")


# ---------------------------------------------------------------- the register


def _month(request, office):
    """The month asked for (`?month=2026-03`), else the previous month (the one to close)."""
    form = MonthForm(request.GET or request.POST)
    chosen = form.cleaned_data.get("month") if form.is_valid() else None
    if chosen:
        return chosen, form
    today = timezone.localtime(timezone.now(), office.tzinfo).date()
    return rules.previous_month(today.year, today.month), form


def _register(request):
    place = place_for(request, "contracts.filing")
    (year, month), form = _month(request, place.office)
    register = registers.register_of(place.office, year, month, now=timezone.now())
    return place, register, form


@login_required
@require_GET
def register_page(request):
    """R-12.2: a month's register; `?format=xlsx` downloads it as Excel."""
    place, register, form = _register(request)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(registers.register_workbook(register), content_type=XLSX)
        name = f"contract-register-{place.office.code}-{register.label}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    previous = rules.previous_month(register.year, register.month)
    following = rules.next_month(register.year, register.month)
    context = {
        "place": place,
        "office": place.office,
        "register": register,
        "form": form,
        "previous": f"{previous[0]}-{previous[1]:02d}",
        "following": f"{following[0]}-{following[1]:02d}",
        "may_close": may(request.user, "contracts.close_register", place.office)
        and register.closable,
    }
    return render(request, "contracts/register.html", context)


@login_required
@require_GET
def register_pdf(request):
    place, register, _form = _register(request)
    response = HttpResponse(registers.register_pdf(register), content_type="application/pdf")
    name = f"contract-register-{place.office.code}-{register.label}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
@require_POST
def register_close(request):
    """R-12.2: the clerk closes the month's register."""
    place = place_for(request, "contracts.close_register")
    (year, month), _form = _month(request, place.office)
    try:
        registers.register_close(
            office=place.office, year=year, month=month, actor=request.user, now=timezone.now()
        )
    except ApiPermissionDenied as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, _("The register is closed."))
    url = reverse("contracts:register")
    return redirect(f"{url}?office={place.office.pk}&month={year}-{month:02d}")
