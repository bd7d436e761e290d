"""The diary fines and the calendar of days off (R-7.2), with the penalties (R-16.5): a
salesperson sees their own fines and calendar, anyone penalised their own penalties; the
manager sees the office's, waives fines and withdraws penalties with a reason, records
penalties, and marks leave and rest days."""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
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
from staff.models import Office, User
from staff.permissions import may
from staff.places import Place, place_for

from .. import penalties, services
from ..choices import DayOffKind
from ..forms import DaysOffForm, MonthForm, WaiveForm, apply_service_error, cell_name
from ..models import DayOff, Fine, Penalty
from ..penalties import COMMON_RULES, NOT_PENALISED
from ..penalty_forms import PenaltyForm, WithdrawForm
from ..periods import Period, month_of
from ..selectors import fines_visible_to, penalties_visible_to, salespeople_of
from ..tables import INT, MONEY, TEXT, Col, Table, respond, totals_of

INVALID = 422
VIEW, WAIVE, MANAGE = "reports.view_fines", "reports.waive_fine", "reports.manage_days_off"
OWN_DIARY = "reports.write_diary"
RECORD, OWN_PENALTIES = penalties.RECORD, penalties.OWN_PENALTIES
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


# ---------------------------------------------------------------- fines and penalties

PENALTY_KIND = gettext_lazy("Rule violation penalty")  # R-16.5, beside the diary fines' kinds

FINE_COLUMNS = [
    Col("date", gettext_lazy("date"), TEXT),
    Col("salesperson", gettext_lazy("person"), TEXT),
    Col("kind", gettext_lazy("kind"), TEXT),
    Col("rule", gettext_lazy("rule broken"), TEXT),
    Col("number", gettext_lazy("offence number"), INT),
    Col("amount", gettext_lazy("amount"), MONEY),
    Col("waive_reason", gettext_lazy("waive reason"), TEXT),
]
TOTAL_COLUMNS = [
    Col("salesperson", gettext_lazy("person"), TEXT),
    Col("count", gettext_lazy("fines"), INT),
    Col("fined", gettext_lazy("amount"), MONEY),
    Col("waived", gettext_lazy("waived or withdrawn"), MONEY),
    Col("owed", gettext_lazy("owed"), MONEY),
]


def _entries(fines: list[Fine], penalty_rows: list[Penalty]) -> list[dict]:
    """The diary fines (R-7.2) and the penalties (R-16.5) of the month in one list, by day and
    person: each {"fine"|"penalty": row, "person", "date", "amount", "off" (waived or
    withdrawn), "off_reason"}."""
    rows = []
    for f in fines:
        rows.append(
            {"fine": f, "person": f.salesperson, "date": f.date, "amount": f.amount,
             "off": f.waived, "off_reason": f.waive_reason,
             "order": (f.date, f.salesperson_id, 0, f.pk)}
        )  # fmt: skip
    for p in penalty_rows:
        rows.append(
            {"penalty": p, "person": p.person, "date": p.date, "amount": p.amount,
             "off": p.withdrawn, "off_reason": p.withdraw_reason,
             "order": (p.date, p.person_id, 1, p.pk)}
        )  # fmt: skip
    return sorted(rows, key=lambda row: row["order"])


def _totals(entries: list[dict]) -> list[dict]:
    """R-7.2, R-16.5: per person, the month's fines and penalties, what was waived or
    withdrawn, and what is owed (those excluded)."""
    by_person: dict[int, dict] = {}
    for entry in entries:
        person = entry["person"]
        row = by_person.setdefault(
            person.pk,
            {"salesperson_id": person.pk, "salesperson": str(person), "count": 0,
             "fined": ZERO, "waived": ZERO, "owed": ZERO},
        )  # fmt: skip
        row["count"] += 1
        row["fined"] += entry["amount"]
        row["waived" if entry["off"] else "owed"] += entry["amount"]
    return [by_person[pk] for pk in sorted(by_person)]


def _fine_tables(entries: list[dict], totals: list[dict]) -> list[Table]:
    rows = [
        {
            "date": e["date"].isoformat(),
            "salesperson": str(e["person"]),
            "kind": e["fine"].get_kind_display() if "fine" in e else str(PENALTY_KIND),
            "rule": e["penalty"].rule if "penalty" in e else "",
            "number": e["fine"].offence_number if "fine" in e else None,
            "amount": e["amount"],
            "waive_reason": e["off_reason"],
        }
        for e in entries
    ]
    return [
        Table("totals", gettext_lazy("Totals per person"), TOTAL_COLUMNS, totals,
              totals=totals_of(totals, TOTAL_COLUMNS, "salesperson", gettext_lazy("Total"))),
        Table("fines", gettext_lazy("Fines"), FINE_COLUMNS, rows),
    ]  # fmt: skip


def _may_see_fines(user, office: Office) -> bool:
    """The diary fines' readers (R-7.2), and anyone of the office with a penalty (R-16.5)."""
    if may(user, VIEW, office):
        return True
    return (
        may(user, OWN_PENALTIES, office)
        and Penalty.objects.filter(office=office, person=user).exists()
    )


def _penalty_people(office: Office, user) -> list:
    """Who a manager may penalise: the office's active staff but the director, the executive
    and themselves (R-16.5)."""
    return list(
        User.objects.filter(offices=office, is_active=True, groups__isnull=False)
        .exclude(groups__name__in=NOT_PENALISED)
        .exclude(pk=user.pk)
        .distinct()
        .order_by("first_name", "username")
    )


def _fines_page(
    request: HttpRequest,
    place: Place,
    month: Period,
    month_form: MonthForm,
    *,
    bound: dict | None = None,
    penalty_form: PenaltyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    office, user = place.office, request.user
    manager = may(user, WAIVE, office)
    recorder = may(user, RECORD, office)
    in_month = {"office": office, "date__gte": month.start, "date__lte": month.end}
    qs = fines_visible_to(user).filter(**in_month)
    penalties_qs = penalties_visible_to(user).filter(**in_month)
    if not manager:  # a person sees their own fines and penalties only
        qs = qs.filter(salesperson=user)
        penalties_qs = penalties_qs.filter(person=user)
    fines, penalty_rows = list(qs), list(penalties_qs)
    entries = _entries(fines, penalty_rows)
    totals = _totals(entries)
    for fine in fines:
        fine.waive_form = None
        if manager and not fine.waived:
            fine.waive_form = (bound or {}).get(fine.pk) or WaiveForm(prefix=f"f{fine.pk}")
    for penalty in penalty_rows:
        penalty.withdraw_form = None
        if recorder and not penalty.withdrawn and penalty.person_id != user.pk:
            key = f"p{penalty.pk}"
            penalty.withdraw_form = (bound or {}).get(key) or WithdrawForm(prefix=key)
    tables = _fine_tables(entries, totals)
    if recorder and penalty_form is None:
        penalty_form = PenaltyForm(
            people=_penalty_people(office, user),
            initial={"date": office_today(office, timezone.now()), "amount": "10.00"},
        )
    context = {
        "place": place,
        "office": office,
        "month": month,
        "month_form": month_form,
        "manager": manager,
        "fines": fines,
        "penalties": penalty_rows,
        "entries": entries,
        "totals": totals,
        "total": tables[0].totals,
        "penalty_form": penalty_form if recorder else None,
        "common_rules": COMMON_RULES,
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
    """R-7.2, R-16.5: the month's diary fines and penalties with what is owed (waived fines and
    withdrawn penalties excluded); the manager's has every person of the office, with a waive
    or withdraw form per row and the form that records a penalty."""
    place = place_for(request, _may_see_fines)
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


@login_required
@require_POST
def penalty_record(request: HttpRequest) -> HttpResponse:
    """R-16.5: a manager of the office records a penalty of 10.00 to 100.00 against a person of
    the office (never themselves), with the rule broken and the reason."""
    place = place_for(request, RECORD)
    office, user = place.office, request.user
    people = _penalty_people(office, user)
    form = PenaltyForm(request.POST, people=people)
    month, month_form = _month(request.POST, office)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        person = next(p for p in people if p.pk == data["person"])
        try:
            made = penalties.penalty_record(
                office=office,
                person=person,
                date=data["date"],
                amount=data["amount"],
                rule=data["rule"],
                reason=data["reason"],
                actor=user,
                now=timezone.now(),
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Penalty recorded."))
            return redirect(_url("reports:fines", office, month_of(made.date)))
    return _fines_page(request, place, month, month_form, penalty_form=form, status=status)


@login_required
@require_POST
def penalty_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """R-16.5: a manager withdraws a penalty of the office with a reason (the row stays)."""
    penalty = penalties_visible_to(request.user).filter(pk=pk).first()
    if penalty is None:  # another office's, or another person's, penalty is not there
        raise Http404
    if not may(request.user, RECORD, penalty.office) or penalty.person_id == request.user.pk:
        raise PermissionDenied
    month = month_of(penalty.date)
    key = f"p{penalty.pk}"
    form = WithdrawForm(request.POST, prefix=key)
    if form.is_valid():
        try:
            penalties.penalty_withdraw(
                penalty=penalty,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                now=timezone.now(),
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        except DomainError as exc:  # withdrawn meanwhile by someone else
            messages.error(request, str(exc.detail))
            return redirect(_url("reports:fines", penalty.office, month))
        else:
            messages.success(request, _("Penalty withdrawn."))
            return redirect(_url("reports:fines", penalty.office, month))
    place = Place(penalty.office, [penalty.office])
    month_form = MonthForm(initial={"month": f"{month.start:%Y-%m}"})
    return _fines_page(request, place, month, month_form, bound={key: form}, status=INVALID)


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
    path("fines/penalties/new/", penalty_record, name="penalty_record"),
    path("fines/penalties/<int:pk>/withdraw/", penalty_withdraw, name="penalty_withdraw"),
    path("days-off/", days_off, name="days_off"),
]
