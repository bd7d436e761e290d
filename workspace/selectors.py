"""Reads for the work pages that span offices: the director's table of every office, and the
sales assistant's day and month. Each reads through the owning app's "visible to" selector.

The director's figures are those of the manager's dashboard (reports.figures.dashboard), one
row per office, counted with one GROUP BY query per source table: a fixed number of queries
whatever the number of offices. Days and months are office-local; offices that share a
time zone share one condition.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from attribution.choices import ClaimStatus, DisputeStatus
from attribution.selectors import claims_visible_to, disputes_visible_to
from deals.choices import HoldStatus, SubscriptionStatus
from deals.selectors import holds_visible_to, subscriptions_visible_to
from escalations.selectors import open_queryset as escalations_open_queryset
from reception.choices import Rule
from reception.daily_counts import front_desk_counts
from reception.models import Visit
from reception.selectors import day_bounds, office_today
from reports.figures.channels import channel_figures
from reports.periods import Period, month_of
from staff.models import Office
from staff.permissions import restrict_to_offices
from staff.selectors import offices_visible_to

Bounds = tuple[datetime.datetime, datetime.datetime]


@dataclass
class OfficeRow:
    """One office on the director's page, at the instant `now`."""

    office: Office
    today: datetime.date
    visits_today: int = 0  # visits registered today
    waiting_unassigned: int = 0  # visits waiting for the manager, any day
    claims_ending: int = 0  # active claims ending within the office's warning days
    disputes_open: int = 0
    holds_lapsing_today: int = 0  # active holds expiring before today's end
    subscriptions_month: int = 0  # created this month and not withdrawn
    escalations_open: int = 0  # escalated and not closed (every source)

    @property
    def target(self) -> int:
        return self.office.monthly_subscription_target


def _today(office: Office, now: datetime.datetime) -> Bounds:
    return day_bounds(office, office_today(office, now))


def _month(office: Office, now: datetime.datetime) -> Bounds:
    return month_of(office_today(office, now)).bounds(office)


def _per_office(
    offices: list[Office], key: Callable[[Office], object], condition: Callable[[object], Q]
) -> Q:
    """OR of `condition(key)` restricted to the offices sharing that key: one condition per
    time zone (or per warning days), not one per office."""
    groups: dict[object, list[int]] = {}
    for office in offices:
        groups.setdefault(key(office), []).append(office.pk)
    result = Q()
    for value, ids in groups.items():
        result |= Q(office_id__in=ids) & condition(value)
    return result


def _between(field: str) -> Callable[[Bounds], Q]:
    return lambda bounds: Q(**{f"{field}__gte": bounds[0], f"{field}__lt": bounds[1]})


def _grouped(qs: QuerySet, **counts) -> dict[int, dict]:
    """{office id: {name: count}} in one GROUP BY query."""
    rows = qs.order_by().values("office_id").annotate(**counts)
    return {row.pop("office_id"): row for row in rows}


def office_rows(*, user, now: datetime.datetime) -> list[OfficeRow]:
    """The director's table: every office the user sees (a director: all), by name, with the
    figures of OfficeRow. Eight queries whatever the number of offices."""
    offices = list(offices_visible_to(user).order_by("name", "pk"))
    if not offices:
        return []
    ids = [o.pk for o in offices]
    today = _per_office(offices, lambda o: _today(o, now), _between("at"))
    visits = _grouped(
        restrict_to_offices(Visit.objects.all(), user).filter(
            Q(rule=Rule.UNASSIGNED) | today, office_id__in=ids
        ),
        visits_today=Count("pk", filter=today),
        waiting_unassigned=Count("pk", filter=Q(rule=Rule.UNASSIGNED)),
    )
    # the bound of the claims list's `ending_within_days` filter, which the number links
    # to; as a protection ends at a local midnight, it is rules.protection_left(…).days_left <
    # warning_days (the red marks of that list)
    claims = _grouped(
        claims_visible_to(user).filter(
            _per_office(
                offices,
                lambda o: o.warning_days,
                lambda days: Q(protected_until__lte=now + datetime.timedelta(days=days)),
            ),
            status=ClaimStatus.ACTIVE,
            protected_until__gt=now,
        ),
        claims_ending=Count("pk"),
    )
    disputes = _grouped(
        disputes_visible_to(user).filter(status=DisputeStatus.OPEN, office_id__in=ids),
        disputes_open=Count("pk"),
    )
    holds = _grouped(
        holds_visible_to(user).filter(
            _per_office(offices, lambda o: _today(o, now)[1], lambda end: Q(expires_at__lt=end)),
            status=HoldStatus.ACTIVE,
        ),
        holds_lapsing_today=Count("pk"),
    )
    subscriptions = _grouped(
        subscriptions_visible_to(user).filter(
            _per_office(offices, lambda o: _month(o, now), _between("created_at")),
            status=SubscriptionStatus.ACTIVE,
        ),
        subscriptions_month=Count("pk"),
    )
    # the one escalation list's open escalations the user follows
    escalations = _grouped(
        escalations_open_queryset(user).filter(office_id__in=ids),
        escalations_open=Count("pk"),
    )
    rows = []
    for office in offices:
        row = OfficeRow(office=office, today=office_today(office, now))
        for figures in (visits, claims, disputes, holds, subscriptions, escalations):
            for name, value in figures.get(office.pk, {}).items():
                setattr(row, name, value)
        rows.append(row)
    return rows


@dataclass
class ChannelsDay:
    """The sales assistant's page for one office at `now`: today's front-desk counts per
    channel (R-2.8, live) and this month's funnel per channel (R-7.6)."""

    office: Office
    today: datetime.date
    month: Period
    counts: list[dict]
    funnel: list[dict]


def channels_day(*, office: Office, now: datetime.datetime) -> ChannelsDay:
    """Eight queries: the desk's counts (reception.daily_counts) and the channel figures of the
    report (reports.figures.channels), for the office-local day and month of `now`."""
    today = office_today(office, now)
    month = month_of(today)
    return ChannelsDay(
        office=office,
        today=today,
        month=month,
        counts=front_desk_counts(office, *day_bounds(office, today)),
        funnel=channel_figures(office, month),
    )
