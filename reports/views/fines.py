"""The diary fines and the calendar of days off (R-7.2): a salesperson sees their own fines
and calendar; the manager sees the office's, waives fines with a reason and marks leave and
rest days."""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.errors import DomainError
from reception.selectors import office_today
from staff.models import Office
from staff.permissions import may
from staff.places import Place, place_for

from .. import services
from ..choices import DayOffKind
from ..forms import DaysOffForm, MonthForm, WaiveForm, apply_service_error, cell_name
from ..models import DayOff, Fine
from ..periods import Period, month_of
from ..selectors import fines_visible_to, salespeople_of
from ..tables import INT, MONEY, TEXT, Col, Table, respond, totals_of

INVALID = 422
VIEW, WAIVE, MANAGE = "reports.view_fines", "reports.waive_fine", "reports.manage_days_off"
OWN_DIARY = "reports.write_diary"
ZERO = Decimal("0.00")


def _month(params, office: Office) -> tuple[Period, MonthForm]:
    form = MonthForm(params if params.get("month") else None)
    first = form.first_day() if form.is_bound else None
    month = month_of(first or office_today(office, timezone.now()))
    if not form.is_bound:
        form = MonthForm(initial={"month": f"{month.start:%Y-%m}"})
    return month, form


def _url(name: str, office: Office, month: Period) -> str:
    return f"{reverse(name)}?{urlencode({'office': office.pk, 'month': f'{month.start:%Y-%m}'})}"


def _neighbours(month: Period) -> dict:
    return {
        "previous_month": f"{month.start - datetime.timedelta(days=1):%Y-%m}",
        "next_month": f"{month.end + datetime.timedelta(days=1):%Y-%m}",
    }


# ---------------------------------------------------------------- fines


FINE_COLUMNS = [
    Col("date", gettext_lazy("date"), TEXT),
    Col("salesperson", gettext_lazy("salesperson"), TEXT),
    Col("kind", gettext_lazy("kind"), TEXT),
    Col("number", gettext_lazy("offence number"), INT),
    Col("amount", gettext_lazy("amount"), MONEY),
    Col("waive_reason", gettext_lazy("waive reason"), TEXT),
]
TOTAL_COLUMNS = [
    Col("salesperson", gettext_lazy("salesperson"), TEXT),
    Col("count", gettext_lazy("fines"), INT),
    Col("fined", gettext_lazy("amount"), MONEY),
    Col("waived", gettext_lazy("waived"), MONEY),
    Col("owed", gettext_lazy("owed"), MONEY),
]


def _fine_tables(fines: list[Fine], totals: list[dict]) -> list[Table]:
    rows = [
        {
            "date": f.date.isoformat(),
            "salesperson": str(f.salesperson),
            "kind": f.get_kind_display(),
            "number": f.offence_number,
            "amount": f.amount,
            "waive_reason": f.waive_reason,
        }
        for f in fines
    ]
    return [
        Table("totals", gettext_lazy("Totals per salesperson"), TOTAL_COLUMNS, totals,
              totals=totals_of(totals, TOTAL_COLUMNS, "salesperson", gettext_lazy("Total"))),
        Table("fines", gettext_lazy("Fines"), FINE_COLUMNS, rows),
    ]  # fmt: skip


def _fines_page(
    request: HttpRequest,
    place: Place,
    month: Period,
    month_form: MonthForm,
    *,
    bound: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    office, user = place.office, request.user
    manager = may(user, WAIVE, office)
    qs = fines_visible_to(user).filter(office=office, date__gte=month.start, date__lte=month.end)
    if not manager:  # a salesperson sees their own fines only
        qs = qs.filter(salesperson=user)
    fines = list(qs)
    people = {f.salesperson_id: f.salesperson for f in fines}
    sums = (
        qs.order_by("salesperson_id")
        .values("salesperson_id")
        .annotate(
            count=Count("pk"),
            fined=Sum("amount"),
            waived=Sum("amount", filter=Q(waived_at__isnull=False), default=ZERO),
            owed=Sum("amount", filter=Q(waived_at__isnull=True), default=ZERO),
        )
    )
    totals = [{**row, "salesperson": str(people[row["salesperson_id"]])} for row in sums]
    for fine in fines:
        fine.waive_form = None
        if manager and not fine.waived:
            fine.waive_form = (bound or {}).get(fine.pk) or WaiveForm(prefix=f"f{fine.pk}")
    tables = _fine_tables(fines, totals)
    context = {
        "place": place,
        "office": office,
        "month": month,
        "month_form": month_form,
        "manager": manager,
        "fines": fines,
        "totals": totals,
        "total": tables[0].totals,
        **_neighbours(month),
    }
    heading = [str(_("Fines")), office.name, f"{month.start:%Y-%m}"]
    return respond(
        request,
        "reports/fines.html",
        context,
        tables,
        filename=f"fines-{office.code}-{month.start:%Y-%m}",
        heading=heading,
        status=status,
    )


@login_required
@require_GET
def fines(request: HttpRequest) -> HttpResponse:
    """R-7.2: the month's fines with what is owed (waived fines excluded); the manager's has
    every salesperson of the office, with a waive form per fine."""
    place = place_for(request, VIEW)
    month, form = _month(request.GET, place.office)
    return _fines_page(request, place, month, form)


@login_required
@require_POST
def fine_waive(request: HttpRequest, pk: int) -> HttpResponse:
    """R-7.2: the manager waives one fine of the office, with a reason."""
    fine = fines_visible_to(request.user).filter(pk=pk).first()
    if fine is None:  # another office's, or another salesperson's, fine is not there
        raise Http404
    if not may(request.user, WAIVE, fine.office):
        raise PermissionDenied
    month = month_of(fine.date)
    form = WaiveForm(request.POST, prefix=f"f{fine.pk}")
    if form.is_valid():
        try:
            services.fine_waive(
                fine=fine,
                manager=request.user,
                reason=form.cleaned_data["reason"],
                now=timezone.now(),
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        except DomainError as exc:  # waived meanwhile by someone else
            messages.error(request, str(exc.detail))
            return redirect(_url("reports:fines", fine.office, month))
        else:
            messages.success(request, _("Fine waived."))
            return redirect(_url("reports:fines", fine.office, month))
    place = Place(fine.office, [fine.office])
    month_form = MonthForm(initial={"month": f"{month.start:%Y-%m}"})
    return _fines_page(request, place, month, month_form, bound={fine.pk: form}, status=INVALID)


# ---------------------------------------------------------------- days off


def _may_see_calendar(user, office: Office) -> bool:
    return may(user, MANAGE, office) or may(user, OWN_DIARY, office)


def _calendar(office: Office, month: Period, people: list) -> tuple[dict, set]:
    """The month's days off {(salesperson id, day): kind} and the days with an unwaived
    fine {(salesperson id, day)}: two queries whatever the size of the grid."""
    ids = [p.pk for p in people]
    in_month = {"office": office, "salesperson__in": ids, "date__range": (month.start, month.end)}
    days = DayOff.objects.filter(**in_month).values_list("salesperson_id", "date", "kind")
    current = {(sp, day): kind for sp, day, kind in days}
    fined = Fine.objects.filter(waived_at__isnull=True, **in_month)
    return current, set(fined.values_list("salesperson_id", "date"))


def _rows(people: list, month: Period, current: dict, fined: set, form) -> list[dict]:
    """One row per salesperson: each day's cell (its select, or its kind to read)."""
    rows = []
    for person in people:
        cells = [
            {
                "day": day,
                "kind": current.get((person.pk, day), ""),
                "label": DayOffKind(current[(person.pk, day)]).label
                if (person.pk, day) in current
                else "",
                "fined": (person.pk, day) in fined,
                "field": form[cell_name(person.pk, day)] if form is not None else None,
            }
            for day in month.days
        ]
        rows.append({"person": person, "cells": cells, "off": sum(1 for c in cells if c["kind"])})
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def days_off(request: HttpRequest) -> HttpResponse:
    """R-7.2: the month's calendar of leave and rest days: the manager's grid of every
    salesperson × day, changed with a select per cell and one save; a salesperson's own
    calendar, read only (their POST is a 403)."""
    posting = request.method == "POST"
    place = place_for(request, MANAGE if posting else _may_see_calendar)
    office = place.office
    month, month_form = _month(request.POST if posting else request.GET, office)
    editor = may(request.user, MANAGE, office)
    people = list(salespeople_of(office)) if editor else [request.user]
    current, fined = _calendar(office, month, people)
    form = None
    if editor:
        data = request.POST if posting else None
        form = DaysOffForm(data, people=people, days=month.days, current=current)
    if posting and form.is_valid():
        try:
            count = services.days_off_update(
                office=office, changes=form.changes(), by=request.user, now=timezone.now()
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            message = ngettext(
                "Calendar saved: %(n)d change.", "Calendar saved: %(n)d changes.", count
            )
            messages.success(request, message % {"n": count})
            return redirect(_url("reports:days_off", office, month))
    context = {
        "place": place,
        "office": office,
        "month": month,
        "month_form": month_form,
        "editor": editor,
        "form": form,
        "rows": _rows(people, month, current, fined, form),
        "days": month.days,
        **_neighbours(month),
    }
    return render(request, "reports/days_off.html", context, status=INVALID if posting else 200)


urlpatterns = [
    path("fines/", fines, name="fines"),
    path("fines/<int:pk>/waive/", fine_waive, name="fine_waive"),
    path("days-off/", days_off, name="days_off"),
]
