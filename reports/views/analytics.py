"""The sales assistant's pages: the front desk's counts (R-2.8) per source channel and day,
and the channel evaluation (R-7.6). Each serves its tables as a page, as the charts' JSON
(`?format=json`) and as an Excel file (`?format=xlsx`), R-7.5."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from reception.daily_counts import front_desk_counts, front_desk_daily
from reception.selectors import office_today
from staff.models import Office
from staff.places import place_for

from ..figures.channels import channel_figures, channel_tables
from ..periods import DAY, MONTH, Period, PeriodForm, period_from
from ..tables import LINE, TEXT, Chart, Col, Table, respond, totals_of

INVALID = 422
VIEW = "reports.view_channels"

COUNT_COLUMNS = [
    Col("walk_in_parties", _("Walk-in parties")),
    Col("new_customers", _("New customers")),
    Col("returning_customers", _("Returning customers")),
    Col("customer_calls", _("Customer calls")),
    Col("non_customer_calls", _("Non-customer calls")),
]


def _period(request: HttpRequest, office: Office, default: str) -> tuple[Period, PeriodForm, int]:
    """The period asked for; an invalid choice shows the default period with the errors."""
    period, form = period_from(
        request.GET, office, office_today(office, timezone.now()), default=default
    )
    status = INVALID if form.is_bound and not form.is_valid() else 200
    return period, form, status


def _heading(title: str, office: Office, period: Period) -> list[str]:
    return [title, office.name, str(period)]


def front_desk_tables(office: Office, period: Period) -> list[Table]:
    """R-2.8: the counts per source channel with totals, and per day with a line chart of the
    walk-in parties."""
    start, end = period.bounds(office)
    by_channel = [Col("channel", _("Source channel"), TEXT), *COUNT_COLUMNS]
    rows = front_desk_counts(office, start, end)
    by_day = [Col("date", _("Date"), TEXT), *COUNT_COLUMNS]
    days = [{**row, "date": row["date"].isoformat()} for row in front_desk_daily(office, period)]
    return [
        Table(
            "channels",
            _("Counts by source channel"),
            by_channel,
            rows,
            totals_of(rows, by_channel, "channel", _("Total")),
        ),
        Table(
            "days",
            _("Counts by day"),
            by_day,
            days,
            totals_of(days, by_day, "date", _("Total")),
            Chart(LINE, "date", ("walk_in_parties",)),
        ),
    ]


@login_required
@require_GET
def front_desk(request: HttpRequest) -> HttpResponse:
    """R-2.8: the front desk's counts of a period (default: today) for the sales assistant."""
    place = place_for(request, VIEW)
    office = place.office
    period, form, status = _period(request, office, DAY)
    title = gettext("Front desk counts")
    context = {
        "place": place,
        "office": office,
        "period": period,
        "period_form": form,
        "extra_params": [],
    }
    return respond(
        request,
        "reports/analytics/front_desk.html",
        context,
        front_desk_tables(office, period),
        filename=f"front-desk-{office.code}-{period.start}-{period.end}",
        heading=_heading(title, office, period),
        status=status,
    )


@login_required
@require_GET
def channels(request: HttpRequest) -> HttpResponse:
    """R-7.6: the channel evaluation of a period (default: this month)."""
    place = place_for(request, VIEW)
    office = place.office
    period, form, status = _period(request, office, MONTH)
    title = gettext("Channel evaluation")
    context = {
        "place": place,
        "office": office,
        "period": period,
        "period_form": form,
        "extra_params": [],
    }
    return respond(
        request,
        "reports/analytics/channels.html",
        context,
        channel_tables(channel_figures(office, period)),
        filename=f"channels-{office.code}-{period.start}-{period.end}",
        heading=_heading(title, office, period),
        status=status,
    )


urlpatterns = [
    path("front-desk/", front_desk, name="front_desk"),
    path("channels/", channels, name="channels"),
]
