"""The salesperson's, the manager's and the director's pages."""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from staff.choices import Role
from staff.models import Office
from visits.views_records import overdue_block

from .. import selectors, services
from ..forms import (
    RosterForm,
    apply_service_error,
    roster_date,
)
from .common import (
    INVALID,
    _back,
    _board,
    _changed,
    _no_office_page,
    _place,
    _render_part,
    _require_place,
    _today,
    _unassigned,
    _with_actions,
)
from .desk import desk

# ---------------------------------------------------------------- the role pages


def my_page(request: HttpRequest, page=None) -> HttpResponse:
    """The salesperson's page (phone first): notifications, today's visits, the rotation."""
    place = _place(request, "reception.view_roster")
    if place is None:
        return _no_office_page(request, page)
    office, now = place.office, timezone.now()
    context = {
        "page": page,
        "place": place,
        "office": office,
        **_my_visits(request.user, office, now),
        **_board(request.user, office, now),
        "overdue_block": overdue_block(request, now=now),
    }
    return render(request, "reception/my.html", context)


def _my_visits(user, office: Office, now: datetime.datetime) -> dict:
    day = _today(office, now)
    visits = selectors.visits_received(user=user, office=office, day=day)
    return {"visits": _with_actions(user, visits), "day": day}


@login_required
@require_GET
def my_visits(request: HttpRequest) -> HttpResponse:
    place = _require_place(request, "reception.view_roster")
    context = _my_visits(request.user, place.office, timezone.now())
    return _render_part(request, "reception/partials/my_visits.html", place, context)


def manage_page(request: HttpRequest, page=None) -> HttpResponse:
    """The manager's page: the roster editor for a date, the board, and the unassigned list."""
    place = _place(request, "reception.set_roster")
    if place is None:
        return _no_office_page(request, page)
    office, now = place.office, timezone.now()
    day = roster_date(request.GET.get("date"), _today(office, now))
    context = {
        "page": page,
        "place": place,
        "office": office,
        **_roster_context(office, day),
        **_board(request.user, office, now),
        **_unassigned(request.user, office),
        "visits": _with_actions(
            request.user, selectors.visits_of_day(office=office, day=_today(office, now))
        ),
        "overdue_block": overdue_block(request, office=office, now=now),
    }
    return render(request, "reception/manage.html", context)


def _roster_context(office: Office, day: datetime.date, form=None, saved=False) -> dict:
    salespeople = list(selectors.salespeople_of(office))
    if form is None:
        positions = selectors.roster_positions(office=office, day=day)
        form = RosterForm(
            salespeople=salespeople, positions=positions, initial={"date": day.isoformat()}
        )
    return {"roster_form": form, "roster_day": day, "roster_saved": saved}


@login_required
def roster(request: HttpRequest) -> HttpResponse:
    """R-2.2: the manager sets a day's order (GET shows the editor for `?date=`)."""
    place = _require_place(request, "reception.set_roster")
    office, now = place.office, timezone.now()
    if request.method != "POST":
        day = roster_date(request.GET.get("date"), _today(office, now))
        return _render_part(
            request, "reception/partials/roster_editor.html", place, _roster_context(office, day)
        )
    salespeople = list(selectors.salespeople_of(office))
    form = RosterForm(request.POST, salespeople=salespeople, positions={})
    saved = False
    if form.is_valid():
        try:
            services.roster_set(
                office=office,
                date=form.cleaned_data["date"],
                salespeople=form.ordered_salespeople(),
                actor=request.user,
            )
            saved = True
        except ValidationError as exc:
            apply_service_error(form, exc)
    if not request.htmx:
        return _back(request, "/w/manage/")
    day = form.cleaned_data.get("date") if hasattr(form, "cleaned_data") else None
    day = day or _today(office, now)
    context = _roster_context(office, day, form=None if saved else form, saved=saved)
    response = _render_part(
        request,
        "reception/partials/roster_editor.html",
        place,
        context,
        status=200 if saved else INVALID,
    )
    return _changed(response) if saved else response


def director_page(request: HttpRequest, page=None) -> HttpResponse:
    """The director's page: market-research visits awaiting approval, every office (R-2.6)."""
    visits = selectors.visits_awaiting_approval(user=request.user)
    context = {"page": page, "visits": _with_actions(request.user, visits)}
    return render(request, "reception/director.html", context)


ROLE_PAGES = {
    Role.SECRETARY: desk,
    Role.SALESPERSON: my_page,
    Role.MANAGER: manage_page,
    Role.DIRECTOR: director_page,
}
