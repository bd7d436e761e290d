"""Each role's work page, and the office and staff pages every role shares."""

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from finance.views import ROLE_PAGES as FINANCE_PAGES
from reception.selectors import visits_awaiting_approval
from reception.views import ROLE_PAGES
from reception.views.common import _with_actions
from reports.figures.channels import channel_tables
from reports.tables import TEXT, Col, Table, totals_of
from reports.views.analytics import COUNT_COLUMNS
from staff.choices import Role
from staff.models import Office
from staff.permissions import may
from staff.places import place_for
from staff.selectors import offices_visible_to, staff_visible_to

from . import selectors
from .queues import queues_for
from .roles import PAGES_BY_SLUG, work_pages_for


@login_required
def home(request):
    """Every role lands on its own work page."""
    pages = work_pages_for(request.user)
    if not pages:
        return render(request, "workspace/no_role.html", status=403)
    return redirect("workspace:page", slug=pages[0].slug)


@login_required
def work_page(request, slug: str):
    page = PAGES_BY_SLUG.get(slug)
    if page is None:
        raise Http404
    if not may(request.user, f"workspace.{page.role}"):
        raise PermissionDenied
    if page.role in OWN_PAGES:  # the director's offices, the assistant's channels
        return OWN_PAGES[page.role](request, page)
    if page.role in ROLE_PAGES:  # the desk, my customers, management
        return ROLE_PAGES[page.role](request, page)
    if page.role in FINANCE_PAGES:  # the receivables desk, the day's cash, then R-16's
        return finance_home(request, page)
    offices = list(offices_visible_to(request.user))
    now = timezone.now()
    return render(
        request,
        "workspace/work_page.html",
        {
            "page": page,
            "offices": [
                {"office": o, "local_now": timezone.localtime(now, o.tzinfo)} for o in offices
            ],
            "queues": queues_for(page.role, request.user),  # what waits for the role
        },
    )


def finance_home(request, page):
    """Finance's work page: the receivables desk and the sales office's cash of the day
    (finance.views.work_page, first), then the expense claims and special fees to pay (R-16.3,
    R-16.4). Without an office picked the desk's own page (a list of offices) is shown."""
    from finance.views import cash_summary
    from receivables import desk as desk_reads
    from receivables.views_money import RECEIPT

    place = place_for(request, RECEIPT, none_without_office=True)
    if place is None:
        return FINANCE_PAGES[page.role](request, page)
    sections = desk_reads.desk_sections(place.office, timezone.now())
    context = {
        "title": page.title,
        "intro": page.intro,
        "place": place,
        "office": place.office,
        **sections,
        "cash": cash_summary(place.office, sections["today"]),
        "queues": queues_for(page.role, request.user),
    }
    return render(request, "workspace/finance.html", context)


# ---------------------------------------------------------------- the director's page


def _url(name: str, office: Office | None = None, **params) -> str:
    query = urlencode({"office": office.pk, **params} if office else params)
    return f"{reverse(name)}?{query}" if query else reverse(name)


@dataclass(frozen=True)
class Column:
    """A figure of the director's table: its heading and the page that lists what it counts,
    filtered by the office where that page has the filter."""

    key: str
    label: Promise
    link: Callable[[selectors.OfficeRow], str]
    title: Callable[[selectors.OfficeRow], str] = lambda row: ""


def _ending_title(row: selectors.OfficeRow) -> str:
    days = row.office.warning_days
    return ngettext(
        "Claims ending within %(days)d day", "Claims ending within %(days)d days", days
    ) % {"days": days}


DIRECTOR_COLUMNS = [
    Column(
        "visits_today",
        _("Visits today"),
        lambda r: _url("reports:front_desk", r.office, period="day", date=r.today.isoformat()),
    ),
    Column(
        "waiting_unassigned",
        _("Waiting for the manager"),
        lambda r: _url("reception:unassigned", r.office),
    ),
    Column(
        "claims_ending",
        _("Claims ending soon"),
        lambda r: _url(
            "attribution:claims", r.office, status="active", ending=r.office.warning_days
        ),
        _ending_title,
    ),
    Column(
        "disputes_open",
        _("Disputes open"),
        lambda r: _url("attribution:disputes", r.office),
    ),
    Column(
        "holds_lapsing_today",
        _("Holds lapsing today"),
        lambda r: _url("deals:board", r.office),
    ),
    Column(
        "subscriptions_month",
        _("Subscriptions this month / target"),
        lambda r: _url("reports:dashboard", r.office),
    ),
    # the list of escalations has no office filter: it shows every office's, by office
    Column(
        "escalations_open",
        _("Escalated problems open"),
        lambda r: _url("reports:escalations"),
    ),
]


def _display(key: str, row) -> str:
    """A figure as the table shows it: the month's subscriptions against the target."""
    value = getattr(row, key)
    return f"{value} / {row.target}" if key == "subscriptions_month" else str(value)


def director_table(rows: list[selectors.OfficeRow]) -> dict:
    """The table's cells: each figure with its link; the totals over the offices."""
    keys = [c.key for c in DIRECTOR_COLUMNS]
    totals = SimpleNamespace(**{k: sum(getattr(r, k) for r in rows) for k in [*keys, "target"]})
    return {
        "columns": DIRECTOR_COLUMNS,
        "rows": [
            {
                "row": row,
                "cells": [
                    {
                        "column": c,
                        "value": _display(c.key, row),
                        "url": c.link(row),
                        "title": c.title(row),
                        "zero": not getattr(row, c.key),
                    }
                    for c in DIRECTOR_COLUMNS
                ],
            }
            for row in rows
        ],
        "totals": [{"column": c, "value": _display(c.key, totals)} for c in DIRECTOR_COLUMNS]
        if len(rows) > 1
        else None,
    }


def director_page(request, page):
    """Every office's figures that need the director today, each linked to the page that lists
    them; below, the market-research visits awaiting approval (R-2.6)."""
    now = timezone.now()
    visits = visits_awaiting_approval(user=request.user)
    context = {
        "page": page,
        "now": now,
        "table": director_table(selectors.office_rows(user=request.user, now=now)),
        "visits": _with_actions(request.user, visits),
    }
    return render(request, "workspace/director.html", context)


# ---------------------------------------------------------------- the sales assistant's page

CHANNEL_COLUMN = Col("channel", _("Source channel"), TEXT)


def channels_page(request, page):
    """R-2.8 and R-7.6: today's front-desk counts per channel and this month's funnel of the
    new customers per channel, with the links to the full reports."""
    place = place_for(request, "reports.view_channels", none_without_office=True)
    if place is None:
        return render(request, "workspace/work_page.html", {"page": page, "offices": []})
    office = place.office
    day = selectors.channels_day(office=office, now=timezone.now())
    columns = [CHANNEL_COLUMN, *COUNT_COLUMNS]
    counts = Table(
        "today",
        _("Today's front-desk counts by channel"),
        columns,
        day.counts,
        totals_of(day.counts, columns, "channel", _("Total")) if day.counts else None,
    )
    funnel = channel_tables(day.funnel)[1]
    context = {
        "page": page,
        "place": place,
        "office": office,
        "day": day,
        "counts": counts,
        "funnel": funnel,
        "front_desk_url": _url(
            "reports:front_desk", office, period="day", date=day.today.isoformat()
        ),
        "channels_url": _url(
            "reports:channels", office, period="month", date=day.today.isoformat()
        ),
    }
    return render(request, "workspace/channels.html", context)


OWN_PAGES = {Role.DIRECTOR: director_page, Role.ASSISTANT: channels_page}


@login_required
def office_list(request):
    """Offices the user belongs to; the search box refreshes the table through htmx."""
    offices = offices_visible_to(request.user)
    query = request.GET.get("q", "").replace("\x00", "").strip()  # PostgreSQL text has no NUL
    if query:
        offices = offices.filter(Q(name__icontains=query) | Q(code__icontains=query))
    template = "workspace/partials/office_rows.html" if request.htmx else "workspace/offices.html"
    return render(request, template, {"offices": offices.order_by("name"), "q": query})


@login_required
def office_detail(request, pk: int):
    office = get_object_or_404(offices_visible_to(request.user), pk=pk)
    members = None
    if may(request.user, "office.change", office):
        members = staff_visible_to(request.user).filter(offices=office).order_by("username")
    return render(
        request,
        "workspace/office_detail.html",
        {
            "office": office,
            "members": members,
            "can_change": may(request.user, "office.change", office) and request.user.is_staff,
        },
    )


@login_required
def staff_list(request):
    if not may(request.user, "staff.list"):
        raise PermissionDenied
    staff = staff_visible_to(request.user).order_by("username")
    return render(request, "workspace/staff.html", {"staff": staff})
