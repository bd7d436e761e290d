"""Helpers shared by the front desk's views: the office of a request, fragments, results."""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from common.inputs import safe_next
from staff.models import Office, User
from staff.permissions import may
from staff.places import Place, place_for

from .. import rules, selectors, services
from ..choices import DutyStatus, ResearchStatus, ResearchStep, Rule, SkipReason, UnassignedReason
from ..explain import explain, names_of, skipped_ids
from ..forms import (
    AssignForm,
)

CHANGED = "reception-changed"  # the event the board, counters and lists refresh on
INVALID = 422  # a form with errors; htmx is configured to swap it (base.html)

# ---------------------------------------------------------------- office and helpers


def _place(request: HttpRequest, action: str) -> Place | None:
    """The office the request is about; None when the user belongs to no office at all."""
    return place_for(request, action, none_without_office=True)


def _require_place(request: HttpRequest, action: str) -> Place:
    place = _place(request, action)
    if place is None:
        raise PermissionDenied
    return place


def _today(office: Office, now: datetime.datetime) -> datetime.date:
    return selectors.office_today(office, now)


def _changed(response: HttpResponse) -> HttpResponse:
    response["HX-Trigger"] = CHANGED
    return response


def _back(request: HttpRequest, default: str) -> HttpResponse:
    return redirect(safe_next(request, default))


def _no_office_page(request: HttpRequest, page) -> HttpResponse:
    return render(request, "workspace/work_page.html", {"page": page, "offices": []})


def _with_actions(user, visits: list) -> list:
    """Each visit's market-research steps this user may take now (R-2.6), without queries."""
    for visit in visits:
        visit.research_actions = [
            step
            for step in ResearchStep
            if rules.research_next(visit.research_status, step) is not None
            and user.has_role(services.RESEARCH_ACTORS[step])
            and (step != ResearchStep.FLAG or visit.assigned_to_id == user.pk)
        ]
    return visits


def _board(user, office: Office, now: datetime.datetime) -> dict:
    board = selectors.board_of_day(office=office, day=_today(office, now))
    rows = [
        {"seat": s, "can_set": may(user, "reception.set_duty_status", (office, s.salesperson))}
        for s in board.seats
    ]
    return {"board": board, "rows": rows}


def _result(visit) -> dict:
    """The result panel: who receives the customer and why (R-2.4)."""
    names = names_of(skipped_ids([visit]))
    return {
        "visit": visit,
        "explanation": explain(visit, names=names),
        "skipped": [
            {
                "name": names.get(row["salesperson"], f"#{row['salesperson']}"),
                "reason": _skip_reason(visit, row["reason"]),
                "owed": visit.rule == Rule.ROTATION and row["reason"] != SkipReason.AWAY_PRIVATE,
            }
            for row in visit.skipped or []
        ],
        "unassigned_reason": _label(UnassignedReason, visit.unassigned_reason),
        # the owner's colleagues who may receive for them when they are absent
        "colleagues": _colleagues(visit) if visit.rule == "owner" else [],
    }


def _skip_reason(visit, reason: str) -> str:
    """R-2.3, what skipping did to the person: owed a turn, or the turn lost. When the
    rotation handed the customer to nobody, nobody is owed anything: only what they were doing."""
    if visit.rule != Rule.ROTATION:
        return _label(DutyStatus, reason)
    match reason:
        case SkipReason.AWAY_BUSINESS:
            return gettext("away on business, owed turns +1")
        case SkipReason.BUSY:
            return gettext("busy with a customer, owed turns +1")
        case SkipReason.AWAY_PRIVATE:
            return gettext("away for private reasons, this turn is lost")
    return _label(SkipReason, reason)


def _colleagues(visit) -> list:
    return list(
        User.objects.filter(is_active=True, offices=visit.office_id, groups__name="salesperson")
        .exclude(pk=visit.assigned_to_id)
        .distinct()
        .order_by("username")
    )


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _unassigned(user, office: Office, forms: dict | None = None) -> dict:
    visits = selectors.visits_unassigned(office=office)
    can_assign = may(user, "reception.assign_visit", office)
    if can_assign:
        salespeople = list(selectors.salespeople_of(office))
        for visit in visits:
            visit.assign_form = (forms or {}).get(visit.pk) or AssignForm(
                office=office, salespeople=salespeople, prefix=f"v{visit.pk}"
            )
    return {"unassigned": visits, "can_assign": can_assign}


def _desk_visits(user, office: Office, now: datetime.datetime) -> dict:
    return {
        "visits": _with_actions(
            user, selectors.visits_of_day(office=office, day=_today(office, now))
        ),
        "to_confirm": _with_actions(
            user, selectors.visits_research(office=office, status=ResearchStatus.FLAGGED)
        ),
    }


def _render_part(request, template: str, place: Place, context: dict, **kwargs) -> HttpResponse:
    return render(request, template, {"office": place.office, **context}, **kwargs)
