"""The sales manager's dashboard: the office at a glance, at the instant `now`.

Six queries whatever the volume (one aggregate per source table, one GROUP BY for the
salespeople). Days, weeks and months are office-local; the week ends on the office's report
weekday (R-7.4, Sunday).

- today's reception (R-2.8): visits registered today, of them new and returning customers;
  and the visits waiting for the manager now, whatever their day (R-2.3, R-2.5: rule
  "unassigned", the list of /reception/unassigned/).
- rotation fairness (R-2.2, R-2.3): per active salesperson, the visits they received this
  week and this month (of them by rotation), and their owed turns now (DutyState).
- claims ending soon (R-3.5): active claims still protected whose protection ends within the
  office's warning days.
- released this week (R-3.3, R-3.4): claims released since the week started: marked released
  with `ended_at` this week, or still marked active but past their protection end (released
  on read). Merged claims are not releases.
- disputes open (R-5.6).
- holds lapsing today (R-6.2): active holds whose `expires_at` is before the end of today.
- subscriptions this month (R-6.3): created this month and not withdrawn; their amount is the
  sum of the units' list prices (the definition of R-7.6 and of the salespeople's reports),
  against the office's monthly subscription target.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from attribution.choices import ClaimStatus, DisputeStatus
from attribution.models import Claim, Dispute
from deals.choices import HoldStatus, SubscriptionStatus
from deals.models import Hold, Subscription
from reception.choices import Rule
from reception.models import DutyState, Visit
from staff.choices import Role
from staff.models import Office

from ..periods import Period, month_of, week_of
from .channels import rate

ZERO = Decimal("0.00")


@dataclass
class Dashboard:
    office: Office
    now: datetime.datetime
    today: datetime.date
    week: Period
    month: Period
    visits_today: int = 0
    new_today: int = 0
    returning_today: int = 0
    waiting_unassigned: int = 0
    claims_ending_soon: int = 0
    released_this_week: int = 0
    disputes_open: int = 0
    holds_lapsing_today: int = 0
    subscriptions_month: int = 0
    amount_month: Decimal = ZERO
    target: int = 0
    fairness: list[dict] = field(default_factory=list)

    @property
    def target_rate(self) -> Decimal | None:
        """Subscriptions this month against the target, as a fraction (None: no target)."""
        return rate(self.subscriptions_month, self.target)

    @property
    def target_left(self) -> int:
        return max(self.target - self.subscriptions_month, 0)


def _between(prefix: str, start, end) -> Q:
    return Q(**{f"{prefix}__gte": start, f"{prefix}__lt": end})


def _reception(office: Office, start, end) -> dict:
    today = _between("at", start, end)
    waiting = Q(rule=Rule.UNASSIGNED)
    return Visit.objects.filter(today | waiting, office=office).aggregate(
        visits_today=Count("pk", filter=today),
        new_today=Count("pk", filter=today & Q(is_new_customer=True)),
        returning_today=Count("pk", filter=today & Q(is_new_customer=False)),
        waiting_unassigned=Count("pk", filter=waiting),
    )


def _fairness(office: Office, week: tuple, month: tuple) -> list[dict]:
    """Per active salesperson: visits received this week / month, by rotation, owed turns."""
    received = Q(visits_received__office=office)
    rotation = received & Q(visits_received__rule=Rule.ROTATION)
    owed = DutyState.objects.filter(office=office, salesperson=OuterRef("pk")).values("owed_turns")[
        :1
    ]
    people = (
        get_user_model()
        .objects.filter(is_active=True, offices=office, groups__name=Role.SALESPERSON)
        .annotate(
            week=Count("visits_received", filter=received & _between("visits_received__at", *week)),
            week_rotation=Count(
                "visits_received", filter=rotation & _between("visits_received__at", *week)
            ),
            month=Count(
                "visits_received", filter=received & _between("visits_received__at", *month)
            ),
            month_rotation=Count(
                "visits_received", filter=rotation & _between("visits_received__at", *month)
            ),
            owed_turns=Coalesce(Subquery(owed, output_field=IntegerField()), Value(0)),
        )
        .order_by("display_name", "username", "pk")
    )
    keys = ("week", "week_rotation", "month", "month_rotation", "owed_turns")
    return [
        {"salesperson": str(p), "salesperson_id": p.pk, **{k: getattr(p, k) for k in keys}}
        for p in people
    ]


def _claims(office: Office, now: datetime.datetime, week: tuple) -> dict:
    horizon = now + datetime.timedelta(days=office.warning_days)
    ending = Q(status=ClaimStatus.ACTIVE, protected_until__gt=now, protected_until__lte=horizon)
    # a stale active claim is released on read, at its protection end
    released = (
        Q(status=ClaimStatus.RELEASED) | Q(status=ClaimStatus.ACTIVE, protected_until__lte=now)
    ) & _between("released_at", *week)
    return (
        Claim.objects.filter(office=office)
        .annotate(released_at=Coalesce("ended_at", "protected_until"))
        .aggregate(
            claims_ending_soon=Count("pk", filter=ending),
            released_this_week=Count("pk", filter=released),
        )
    )


def _subscriptions(office: Office, month: tuple) -> dict:
    figures = Subscription.objects.filter(
        _between("created_at", *month), office=office, status=SubscriptionStatus.ACTIVE
    ).aggregate(subscriptions_month=Count("pk"), amount_month=Sum("unit__list_price"))
    figures["amount_month"] = figures["amount_month"] or ZERO
    return figures


def manager_dashboard(*, office: Office, now: datetime.datetime) -> Dashboard:
    """The dashboard's figures (module docstring) for `office` at `now`: six queries."""
    today = now.astimezone(office.tzinfo).date()
    week, month = week_of(today, office), month_of(today)
    day_start, day_end = Period("day", today, today).bounds(office)
    board = Dashboard(
        office=office,
        now=now,
        today=today,
        week=week,
        month=month,
        target=office.monthly_subscription_target,
    )
    figures = {
        **_reception(office, day_start, day_end),
        **_claims(office, now, week.bounds(office)),
        **_subscriptions(office, month.bounds(office)),
        "disputes_open": Dispute.objects.filter(office=office, status=DisputeStatus.OPEN).count(),
        "holds_lapsing_today": Hold.objects.filter(
            office=office, status=HoldStatus.ACTIVE, expires_at__lt=day_end
        ).count(),
    }
    for key, value in figures.items():
        setattr(board, key, value)
    board.fairness = _fairness(office, week.bounds(office), month.bounds(office))
    return board
