"""The director's dashboard of the sales department (/reports/department/dashboard/, R-17):
leadership reads every branch (or one branch or region of them), a manager their branch; every
number links to the page where it is worked on."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from .dashboard import board_for
from .scope import reads_own_only, scope_from


def _link(name: str, **params) -> str:
    url = reverse(name, kwargs={"key": params.pop("key")} if "key" in params else None)
    return f"{url}?{urlencode(params)}" if params else url


def links_of(board) -> dict:
    """Where each number of each branch and region is worked on."""
    branches = {}
    for row in board.branches:
        office = row.office.pk
        branches[office] = {
            "target": _link("deptreports:report", key="regional-sales", office=office),
            "rate": _link("receivables:report_rate", office=office),
            "over_90": _link("receivables:report_aging", office=office),
            "late_approvals": _link("approvals:inbox"),
            "unfiled": _link("contracts:filing", office=office),
            "late_shipments": _link("shipping:late", office=office),
        }
    regions = {
        r.name: _link("deptreports:report", key="regional-sales", region=r.name)
        if r.name
        else _link("deptreports:report", key="regional-sales")
        for r in board.regions
    }
    return {"branches": branches, "regions": regions}


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    scope, scope_form = scope_from(request.GET, request.user)
    if scope is None or reads_own_only(request.user):
        raise PermissionDenied
    first = scope.offices[0] if scope.offices else scope.visible[0]
    today = timezone.localtime(timezone.now(), first.tzinfo).date()
    board = board_for(scope, today)
    links = links_of(board)
    rows = [(b, links["branches"][b.office.pk]) for b in board.branches]
    regions = [(r, links["regions"][r.name]) for r in board.regions]
    context = {
        "board": board,
        "rows": rows,
        "regions": regions,
        "scope": scope,
        "scope_form": scope_form,
        "show_regions": any(r.name for r in board.regions),
    }
    return render(request, "deptreports/dashboard.html", context)
