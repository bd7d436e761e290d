"""The sales manager's dashboard (/reports/dashboard/): the office at a glance on a phone,
each number linking to the page where it can be worked on; the rotation fairness table with
its chart, also as JSON and Excel (R-7.5)."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from staff.models import Office
from staff.places import place_for

from ..figures.dashboard import Dashboard, manager_dashboard
from ..tables import BAR, TEXT, Chart, Col, Table, respond, totals_of

VIEW = "reports.view_dashboard"

FAIRNESS_COLUMNS = [
    Col("salesperson", _("Salesperson"), TEXT),
    Col("week", _("Received this week")),
    Col("week_rotation", _("By rotation this week")),
    Col("month", _("Received this month")),
    Col("month_rotation", _("By rotation this month")),
    Col("owed_turns", _("Owed turns")),
]


@dataclass(frozen=True)
class Card:
    key: str
    label: object
    value: object
    url: str = ""
    rule: str = ""


def _url(name: str, office: Office, **params) -> str:
    return f"{reverse(name)}?{urlencode({'office': office.pk, **params})}"


def cards(board: Dashboard) -> dict[str, list[Card]]:
    """The dashboard's numbers in groups, each linked to the page that lists them."""
    office = board.office
    return {
        "reception": [
            Card("visits_today", _("Visits today"), board.visits_today, rule="2.8"),
            Card("new_today", _("New customers"), board.new_today),
            Card("returning_today", _("Returning customers"), board.returning_today),
            Card(
                "waiting_unassigned",
                _("Waiting for a salesperson"),
                board.waiting_unassigned,
                _url("reception:unassigned", office),
                "2.3",
            ),
        ],
        "ownership": [
            Card(
                "claims_ending_soon",
                ngettext(
                    "Claims ending within %(days)d day",
                    "Claims ending within %(days)d days",
                    office.warning_days,
                )
                % {"days": office.warning_days},
                board.claims_ending_soon,
                _url("attribution:claims", office, status="active", ending=office.warning_days),
                "3.5",
            ),
            Card(
                "released_this_week",
                _("Released this week"),
                board.released_this_week,
                _url("attribution:claims", office, tab="released"),
                "3.4",
            ),
            Card(
                "disputes_open",
                _("Disputes open"),
                board.disputes_open,
                _url("attribution:disputes", office),
                "5.6",
            ),
        ],
        "deals": [
            Card(
                "holds_lapsing_today",
                _("Holds lapsing today"),
                board.holds_lapsing_today,
                _url("deals:board", office),
                "6.2",
            ),
            Card(
                "subscriptions_month",
                _("Subscriptions this month"),
                f"{board.subscriptions_month} / {board.target}",
                rule="6.3",
            ),
            Card("amount_month", _("Amount this month"), f"{board.amount_month:,.2f}"),
        ],
    }


def fairness_table(board: Dashboard) -> Table:
    """R-2.2/R-2.3: who received how many customers, and the turns still owed."""
    rows = board.fairness
    return Table(
        "fairness",
        _("Rotation fairness"),
        FAIRNESS_COLUMNS,
        rows,
        totals_of(rows, FAIRNESS_COLUMNS, "salesperson", _("Total")),
        Chart(BAR, "salesperson", ("week", "month")),
        note=_("Week %(week)s, month %(month)s.") % {"week": board.week, "month": board.month},
    )


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    place = place_for(request, VIEW)
    office = place.office
    board = manager_dashboard(office=office, now=timezone.now())
    context = {
        "place": place,
        "office": office,
        "board": board,
        "cards": cards(board),
        "target_percent": None if board.target_rate is None else board.target_rate * 100,
    }
    return respond(
        request,
        "reports/dashboard.html",
        context,
        [fairness_table(board)],
        filename=f"dashboard-{office.code}-{board.today}",
        heading=[gettext("Dashboard"), office.name, board.today.isoformat()],
    )


urlpatterns = [path("dashboard/", dashboard, name="dashboard")]
