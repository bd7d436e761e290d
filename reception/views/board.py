"""The rotation board (R-2.2), the waiting list, overrides (R-2.4) and market research (R-2.6)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.errors import DomainError
from staff.models import User
from staff.permissions import may

from .. import selectors, services
from ..forms import (
    AssignForm,
    DutyStatusForm,
    ResearchStepForm,
    apply_service_error,
)
from .common import (
    INVALID,
    Place,
    _back,
    _board,
    _changed,
    _render_part,
    _require_place,
    _result,
    _unassigned,
    _with_actions,
)

# ---------------------------------------------------------------- the board


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    place = _require_place(request, "reception.view_roster")
    context = _board(request.user, place.office, timezone.now())
    return _render_part(request, "reception/partials/board.html", place, context)


@login_required
@require_POST
def duty_status(request: HttpRequest) -> HttpResponse:
    """R-2.2: the person, the secretary or the manager sets a status; the board comes back."""
    place = _require_place(request, "reception.view_roster")
    office, now = place.office, timezone.now()
    form = DutyStatusForm(request.POST, office=office)
    error = None
    if not form.is_valid():
        error = "; ".join(e for errors in form.errors.values() for e in errors)
    else:
        salesperson = form.cleaned_data["salesperson"]
        if not may(request.user, "reception.set_duty_status", (office, salesperson)):
            raise PermissionDenied
        try:
            services.duty_status_set(
                office=office, salesperson=salesperson, status=form.cleaned_data["status"], now=now
            )
        except ValidationError as exc:
            error = "; ".join(exc.messages)
    if not request.htmx:
        return _back(request, "/")
    context = {**_board(request.user, office, now), "error": error}
    return _render_part(
        request, "reception/partials/board.html", place, context, status=INVALID if error else 200
    )


# ---------------------------------------------------------------- unassigned and overrides


@login_required
@require_GET
def unassigned(request: HttpRequest) -> HttpResponse:
    """R-2.3/R-2.5: the visits waiting for the manager (the page a notification links to)."""
    place = _require_place(request, "reception.view_unassigned")
    context = {"place": place, **_unassigned(request.user, place.office)}
    template = "reception/partials/unassigned.html" if request.htmx else "reception/unassigned.html"
    return _render_part(request, template, place, context)


def _visit_or_404(request: HttpRequest, pk: int):
    visit = selectors.visit_for(request.user, pk)
    if visit is None:
        raise Http404
    return visit


@login_required
@require_POST
def visit_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """R-2.4: only a manager assigns or overrides, with a written reason kept on record."""
    visit = _visit_or_404(request, pk)
    office = visit.office
    if not may(request.user, "reception.assign_visit", office):
        raise PermissionDenied
    form = AssignForm(request.POST, office=office, prefix=f"v{visit.pk}")
    done = False
    if form.is_valid():
        try:
            services.visit_reassign(
                visit=visit,
                salesperson=form.cleaned_data["salesperson"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
                now=timezone.now(),
            )
            done = True
        except ValidationError as exc:
            apply_service_error(form, exc)
        except DomainError as exc:
            form.add_error(None, str(exc.detail))
    if not request.htmx:
        return _back(request, "/w/manage/")
    place = Place(office, [office])
    context = _unassigned(request.user, office, forms=None if done else {visit.pk: form})
    response = _render_part(
        request,
        "reception/partials/unassigned.html",
        place,
        context,
        status=200 if done else INVALID,
    )
    return _changed(response) if done else response


@login_required
@require_POST
def visit_research(request: HttpRequest, pk: int) -> HttpResponse:
    """R-2.6: flag (salesperson), confirm (secretary), approve or reject (director)."""
    visit = _visit_or_404(request, pk)
    if not may(request.user, "reception.research_step", visit.office):
        raise PermissionDenied
    form = ResearchStepForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    error = None
    try:
        visit = services.visit_research_step(
            visit=visit, step=form.cleaned_data["step"], actor=request.user, now=timezone.now()
        )
    except DomainError as exc:
        if exc.code == "forbidden_step":
            raise PermissionDenied from exc
        error = str(exc.detail)
    if not request.htmx:
        return _back(request, "/")
    visit = selectors.visit_for(request.user, visit.pk)
    context = {"v": _with_actions(request.user, [visit])[0], "error": error}
    response = render(
        request,
        "reception/partials/visit_row.html",
        {"office": visit.office, **context},
        status=409 if error else 200,
    )
    return response if error else _changed(response)


@login_required
@require_POST
def visit_on_behalf(request: HttpRequest, pk: int) -> HttpResponse:
    """R-5.4: the owner is absent; record the colleague who receives for them (credit stays)."""
    visit = _visit_or_404(request, pk)
    office = visit.office
    if not may(request.user, "reception.receive_on_behalf", office):
        raise PermissionDenied
    raw = request.POST.get("receiver", "")
    receiver = User.objects.filter(pk=int(raw), is_active=True).first() if raw.isdecimal() else None
    error = None
    if receiver is None:
        error = _("Choose who receives the customer.")
    else:
        try:
            visit = services.visit_receive_on_behalf(
                visit=visit, receiver=receiver, actor=request.user, now=timezone.now()
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        except DomainError as exc:
            error = str(exc.detail)
    if not request.htmx:
        return _back(request, "/w/desk/")
    context = {"result": {**_result(visit), "on_behalf_error": error}}
    response = _render_part(
        request,
        "reception/partials/result.html",
        Place(office, [office]),
        context,
        status=INVALID if error else 200,
    )
    return response if error else _changed(response)
