"""R-2.8: the front desk's counts — walk-in parties, new and returning customers, customer
and non-customer calls, each by source channel — live for any interval, per office-local day,
and compiled every evening into DailyCount rows for the sales assistant (and R-7.6).

Every figure is a GROUP BY in the database: a constant number of queries whatever the volume.
"""

import datetime

from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from common.history import job_context
from leads.models import SourceChannel
from notifications.models import Notification
from notifications.services import notify
from staff.choices import Role
from staff.models import Office, User

from .choices import CallKind
from .models import Call, DailyCount, Visit
from .selectors import day_bounds, office_today

COMPILE = "reception.compile_daily"
COMPILED = "daily_counts_compiled"  # notification kind (notifications.messages)
FIELDS = (
    "walk_in_parties",
    "new_customers",
    "returning_customers",
    "customer_calls",
    "non_customer_calls",
)

# a walk-in party is one visit; new / returning as the desk registered it
_VISIT_COUNTS = {
    "walk_in_parties": Count("pk"),
    "new_customers": Count("pk", filter=Q(is_new_customer=True)),
    "returning_customers": Count("pk", filter=Q(is_new_customer=False)),
}
_CALL_COUNTS = {
    "customer_calls": Count("pk", filter=Q(kind=CallKind.CUSTOMER)),
    "non_customer_calls": Count("pk", filter=Q(kind=CallKind.NON_CUSTOMER)),
}


def _zero() -> dict:
    return dict.fromkeys(FIELDS, 0)


def channel_label(channel: SourceChannel | None) -> str:
    """A channel's name in the active language; records without one are "no channel"."""
    return str(channel) if channel is not None else _("No channel")


def _channel_order(channel: SourceChannel | None) -> tuple:
    # the managed list's order; "no channel" last
    return (1, 0, "") if channel is None else (0, channel.position, channel.code)


def front_desk_counts(
    office: Office, start: datetime.datetime, end: datetime.datetime
) -> list[dict]:
    """R-2.8: the desk's counts in [start, end) per source channel, one row per channel that
    has any: {"source_channel_id", "channel", walk_in_parties, new_customers,
    returning_customers, customer_calls, non_customer_calls}. Three queries."""
    visits = (
        Visit.objects.filter(office=office, at__gte=start, at__lt=end)
        .values("source_channel_id")
        .annotate(**_VISIT_COUNTS)
        .order_by()
    )
    calls = (
        Call.objects.filter(office=office, at__gte=start, at__lt=end)
        .values("source_channel_id")
        .annotate(**_CALL_COUNTS)
        .order_by()
    )
    rows: dict[int | None, dict] = {}
    for group in [*visits, *calls]:
        row = rows.setdefault(group.pop("source_channel_id"), _zero())
        row.update(group)
    if not rows:
        return []
    channels = SourceChannel.objects.in_bulk([pk for pk in rows if pk is not None])
    result = [
        {"source_channel_id": pk, "channel": channel_label(channels.get(pk)), **counts}
        for pk, counts in rows.items()
    ]
    result.sort(key=lambda row: _channel_order(channels.get(row["source_channel_id"])))
    return result


def front_desk_daily(office: Office, period) -> list[dict]:
    """R-2.8: the desk's counts per office-local day of `period` (every day, zeros included):
    {"date", walk_in_parties, …}. Two queries."""
    start, end = period.bounds(office)
    day = TruncDate("at", tzinfo=office.tzinfo)
    visits = (
        Visit.objects.filter(office=office, at__gte=start, at__lt=end)
        .annotate(day=day)
        .values("day")
        .annotate(**_VISIT_COUNTS)
        .order_by()
    )
    calls = (
        Call.objects.filter(office=office, at__gte=start, at__lt=end)
        .annotate(day=day)
        .values("day")
        .annotate(**_CALL_COUNTS)
        .order_by()
    )
    days = {d: {"date": d, **_zero()} for d in period.days}
    for group in [*visits, *calls]:
        days[group.pop("day")].update(group)
    return list(days.values())


def _assistants(office: Office):
    return User.objects.filter(
        is_active=True, offices=office, groups__name=Role.ASSISTANT
    ).distinct()


def _notify_assistants(office: Office, date: datetime.date, now: datetime.datetime) -> int:
    """R-2.8: the counts go to the sales assistants: one notice per assistant and day, none
    again when the day is recompiled."""
    params = {"date": date.isoformat(), "office": office.name, "office_id": office.pk}
    already = Notification.objects.filter(
        kind=COMPILED, params__date=params["date"], params__office_id=office.pk
    ).values("recipient_id")
    query = urlencode({"office": office.pk, "period": "day", "date": date.isoformat()})
    url = f"{reverse('reports:front_desk')}?{query}"
    sent = 0
    for assistant in _assistants(office).exclude(pk__in=already):
        notify(kind=COMPILED, params=params, now=now, url=url, recipient=assistant)
        sent += 1
    return sent


# the day a run compiles: the one of six hours ago (daily_counts_compile_all)
COMPILE_LAG = datetime.timedelta(hours=6)


def daily_counts_compile(
    *, office: Office, date: datetime.date, now: datetime.datetime
) -> list[DailyCount]:
    """R-2.8: replace the office-local day's DailyCount rows with the live counts, in one
    transaction, and tell the office's sales assistants. Run twice, the rows are the same and
    nobody is told twice."""
    with transaction.atomic():
        # one compilation of an office at a time: a concurrent run waits, then replaces
        Office.objects.select_for_update().filter(pk=office.pk).first()
        rows = front_desk_counts(office, *day_bounds(office, date))
        DailyCount.objects.filter(office=office, date=date).delete()
        created = DailyCount.objects.bulk_create(
            [
                DailyCount(
                    office=office,
                    date=date,
                    source_channel_id=row["source_channel_id"],
                    compiled_at=now,
                    **{f: row[f] for f in FIELDS},
                )
                for row in rows
            ]
        )
        _notify_assistants(office, date, now)
    return created


def daily_counts_compile_all(*, now: datetime.datetime) -> int:
    """R-2.8, the 23:55 job: each active office's local day of `now` less COMPILE_LAG, i.e.
    today at 23:55, and still yesterday for a run delayed past midnight (a broker outage).
    Returns the rows written."""
    written = 0
    with job_context(COMPILE):
        for office in Office.objects.filter(is_active=True).order_by("pk"):
            day = office_today(office, now - COMPILE_LAG)
            written += len(daily_counts_compile(office=office, date=day, now=now))
    return written
