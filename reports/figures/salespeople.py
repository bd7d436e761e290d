"""The salespeople's compiled figures (R-7.4): the reception-statistics part and the
performance part of the weekly and monthly reports, one row per salesperson, and the team
totals of the manager's weekly report to the director.

Every figure is counted by PostgreSQL, one GROUP BY query per source table (visits, calls,
follow-ups, claims, holds, subscriptions) plus one for the salespeople: seven queries
whatever the number of salespeople or records. The period is office-local: [start, end) =
`period.bounds(office)`.

`as_of` is the instant the "at the end of the period" figures are taken at: the period's end,
or `now` when the period is still running (then the current week shows the claims held now,
not those that will have lapsed by Sunday midnight).

Figures (a salesperson "S", the office "O", an instant "in the period" when start <= t < end):

Reception part
- visits: O's visits assigned to S (`Visit.assigned_to`) in the period, whatever the rule
  that assigned them (R-2.1), including visits received on S's behalf (R-5.4: the visit
  stays S's) and market-research visitors (received all the same; R-2.6 keeps them out of
  conversion statistics only).
- new_customers: those of the visits flagged `is_new_customer` (first registration, R-1).
- returning: the other visits (visits - new_customers).
- calls_put_through: O's hotline calls put through to S (`Call.put_through_to`, R-2.7).
- followups: the follow-ups S logged (`FollowUp.author`) on O's claims in the period, not
  voided (R-3.8: a voided follow-up does not count).
- followup_calls: those of kind "call".
- claims_active: S's claims of O being tracked at `as_of`: started before it and, seen then,
  still active (R-3.3: an active claim whose protection ended before `as_of` is released
  even if the hourly job has not run; a released or merged claim counts if it ended at or
  after `as_of`; a deal counts only if it became a deal at or after `as_of` — a deal no longer
  expires and is no longer tracked, R-3.7).
- claims_meeting_call_target: of those, the claims with at least `O.weekly_call_target`
  call follow-ups by S (not voided) in the 7 days before `as_of` (R-3.6: 2 calls a week).
- call_rate: claims_meeting_call_target / claims_active as a Decimal fraction (4 places),
  None when S tracks no claim.

Performance part
- claims_started: S's claims of O started in the period (R-3.1).
- claims_released: S's claims of O released in the period: status released with `ended_at`
  in the period, or still marked active with a protection end in the period and not after
  `as_of` (released on read, R-3.3). Merged claims (R-4.2) are not releases.
- claims_deal: S's claims of O that became a deal in the period: the time of the claim's
  first "deal" event (R-3.7; a claim has no deal date field).
- holds: O's holds placed in the period (whatever became of them: lapsed, released early,
  converted) on customers credited to S, i.e. whose household's claim was held by S when the
  hold was placed — the claim started at or before the hold, not ended then, and not past
  its protection then (the same rule that credits a subscription, R-5.2; a hold needs a
  claimed customer, deals.services.hold_create).
- subscriptions: O's subscriptions credited to S (`Subscription.credited_salesperson`,
  R-5.2) created in the period and not withdrawn.
- amount: the sum of the subscribed units' list prices (`Unit.list_price`) of those
  subscriptions — the channel report's definition (R-7.6): "sum of unit.list_price of
  subscriptions signed in the period and not withdrawn".
- deposits: the sum of those subscriptions' deposits (R-6.3).
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, NullIf, TruncDate
from django.utils.translation import gettext_lazy as _

from attribution.choices import ClaimEventKind, ClaimStatus, FollowUpKind
from attribution.models import Claim, ClaimEvent, FollowUp
from deals.choices import SubscriptionStatus
from deals.models import Hold, Subscription
from reception.models import Call, Visit
from staff.models import Office

from ..periods import Period
from ..selectors import salespeople_of
from ..tables import BAR, LINE, MONEY, PERCENT, TEXT, Chart, Col, Table, totals_of

ZERO = Decimal("0.00")
RATE_PLACES = Decimal("0.0001")
CALL_WINDOW = datetime.timedelta(days=7)  # calls per customer per week

RECEPTION = (
    "visits",
    "new_customers",
    "returning",
    "calls_put_through",
    "followups",
    "followup_calls",
    "claims_active",
    "claims_meeting_call_target",
)
PERFORMANCE = ("claims_started", "claims_released", "claims_deal", "holds", "subscriptions")
MONEY_FIGURES = ("amount", "deposits")
COUNTS = RECEPTION + PERFORMANCE


def call_rate(meeting: int, active: int) -> Decimal | None:
    """R-3.6: the share of tracked claims that got their calls; None without claims."""
    if not active:
        return None
    return (Decimal(meeting) / Decimal(active)).quantize(RATE_PLACES)


def as_of_instant(
    period: Period, office: Office, now: datetime.datetime | None
) -> datetime.datetime:
    """The period's end, or `now` while the period is running."""
    end = period.bounds(office)[1]
    return end if now is None else min(end, now)


def _people(office: Office, salesperson_ids) -> list:
    users = get_user_model().objects.all()
    if salesperson_ids is None:
        users = users.filter(pk__in=salespeople_of(office).values("pk"))
    else:
        users = users.filter(pk__in=list(salesperson_ids))
    name = Coalesce(NullIf("display_name", Value("")), "username")
    return list(users.order_by(name, "username", "pk"))


def _visits(office, ids, start, end) -> dict[int, dict]:
    rows = (
        Visit.objects.filter(office=office, assigned_to__in=ids, at__gte=start, at__lt=end)
        .order_by()
        .values("assigned_to")
        .annotate(visits=Count("pk"), new_customers=Count("pk", filter=Q(is_new_customer=True)))
    )
    return {r["assigned_to"]: r for r in rows}


def _calls(office, ids, start, end) -> dict[int, dict]:
    rows = (
        Call.objects.filter(office=office, put_through_to__in=ids, at__gte=start, at__lt=end)
        .order_by()
        .values("put_through_to")
        .annotate(calls_put_through=Count("pk"))
    )
    return {r["put_through_to"]: r for r in rows}


def _followups(office, ids, start, end) -> dict[int, dict]:
    rows = (
        FollowUp.objects.filter(
            claim__office=office,
            author__in=ids,
            voided_at__isnull=True,
            at__gte=start,
            at__lt=end,
        )
        .order_by()
        .values("author")
        .annotate(
            followups=Count("pk"), followup_calls=Count("pk", filter=Q(kind=FollowUpKind.CALL))
        )
    )
    return {r["author"]: r for r in rows}


def _claims(office, ids, start, end, as_of) -> dict[int, dict]:
    # Issue 8: an office's half a million claims are not each looked up (13 s): only claims
    # that can count are read, the deal date is looked up for deals only, and the claims
    # that got their calls are one GROUP BY that PostgreSQL hashes once.
    deal_at = (  # a claim has no deal date; its first "deal" event is the date
        ClaimEvent.objects.filter(claim=OuterRef("pk"), kind=ClaimEventKind.DEAL)
        .order_by("at")
        .values("at")[:1]
    )
    target = office.weekly_call_target
    called = (  # enough call follow-ups by the claim's owner in the 7 days before as_of
        FollowUp.objects.filter(
            claim__office=office,
            author=F("claim__owner"),
            kind=FollowUpKind.CALL,
            voided_at__isnull=True,
            at__gte=as_of - CALL_WINDOW,
            at__lt=as_of,
        )
        .order_by()
        .values("claim")
        .annotate(n=Count("pk"))
        .filter(n__gte=target)
        .values("claim")
    )
    meets_call_target = Q(pk__in=called) if target > 0 else Q()
    ended = [ClaimStatus.RELEASED, ClaimStatus.MERGED]
    active = Q(started_at__lt=as_of) & (
        Q(status=ClaimStatus.ACTIVE, protected_until__gte=as_of)
        | Q(status__in=ended, ended_at__gte=as_of)
        | Q(status=ClaimStatus.DEAL, deal_at__gte=as_of)
    )
    released = Q(status=ClaimStatus.RELEASED, ended_at__gte=start, ended_at__lt=end) | Q(
        status=ClaimStatus.ACTIVE,
        protected_until__gte=start,
        protected_until__lt=end,
        protected_until__lte=as_of,
    )
    # Only claims that can count: started in the period, or still running at its start (or
    # at as_of), or deals (a claim's status never leaves "deal" but to be merged, which ends
    # it after its deal event). A year of claims ended before the period counts nothing.
    since = min(start, as_of)
    relevant = (
        Q(started_at__gte=start)
        | Q(status=ClaimStatus.ACTIVE, protected_until__gte=since)
        | Q(status__in=ended, ended_at__gte=since)
        | Q(status=ClaimStatus.DEAL)
    )
    rows = (
        Claim.objects.filter(relevant, office=office, owner__in=ids, started_at__lt=end)
        .annotate(
            deal_at=Case(
                When(status__in=[ClaimStatus.DEAL, ClaimStatus.MERGED], then=Subquery(deal_at)),
                default=None,
            )
        )
        .order_by()
        .values("owner")
        .annotate(
            claims_active=Count("pk", filter=active),
            claims_meeting_call_target=Count("pk", filter=active & meets_call_target),
            claims_started=Count("pk", filter=Q(started_at__gte=start)),
            claims_released=Count("pk", filter=released),
            claims_deal=Count("pk", filter=Q(deal_at__gte=start, deal_at__lt=end)),
        )
    )
    return {r["owner"]: r for r in rows}


def _holds(office, ids, start, end) -> dict[int, dict]:
    holder = (
        Claim.objects.filter(
            household=OuterRef("customer__household"), started_at__lte=OuterRef("created_at")
        )
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=OuterRef("created_at")))
        .exclude(status=ClaimStatus.ACTIVE, protected_until__lte=OuterRef("created_at"))
        .order_by("-started_at", "-pk")
        .values("owner")[:1]
    )
    rows = (
        Hold.objects.filter(office=office, created_at__gte=start, created_at__lt=end)
        .annotate(credited=Subquery(holder))
        .filter(credited__in=ids)
        .order_by()
        .values("credited")
        .annotate(holds=Count("pk"))
    )
    return {r["credited"]: r for r in rows}


def _subscriptions(office, ids, start, end) -> dict[int, dict]:
    rows = (
        Subscription.objects.filter(
            office=office,
            credited_salesperson__in=ids,
            created_at__gte=start,
            created_at__lt=end,
            status=SubscriptionStatus.ACTIVE,
        )
        .order_by()
        .values("credited_salesperson")
        .annotate(
            subscriptions=Count("pk"),
            amount=Sum("unit__list_price"),
            deposits=Sum("deposit"),
        )
    )
    return {r["credited_salesperson"]: r for r in rows}


def salespeople_figures(
    office: Office,
    period: Period,
    salesperson_ids=None,
    *,
    now: datetime.datetime | None = None,
) -> list[dict]:
    """R-7.4: one row per salesperson (the office's active salespeople, or `salesperson_ids`),
    ordered by name, with every figure of the module docstring plus `salesperson` (the name
    shown), `salesperson_id` and `user`. Seven queries whatever the numbers."""
    people = _people(office, salesperson_ids)
    ids = [p.pk for p in people]
    start, end = period.bounds(office)
    as_of = as_of_instant(period, office, now)
    sources = [
        _visits(office, ids, start, end),
        _calls(office, ids, start, end),
        _followups(office, ids, start, end),
        _claims(office, ids, start, end, as_of),
        _holds(office, ids, start, end),
        _subscriptions(office, ids, start, end),
    ]
    rows = []
    for person in people:
        row = {"user": person, "salesperson_id": person.pk, "salesperson": str(person)}
        for source in sources:
            row.update(source.get(person.pk, {}))
        rows.append(_complete(row))
    return rows


def _complete(row: dict) -> dict:
    for key in COUNTS:
        row[key] = row.get(key) or 0
    for key in MONEY_FIGURES:
        row[key] = row.get(key) or ZERO
    row["returning"] = row["visits"] - row["new_customers"]
    row["call_rate"] = call_rate(row["claims_meeting_call_target"], row["claims_active"])
    for key in ("assigned_to", "put_through_to", "author", "owner", "credited"):
        row.pop(key, None)
    row.pop("credited_salesperson", None)
    return row


def team_totals(rows: list[dict], office: Office | None = None, label="") -> dict:
    """The team's figures: the sums of the rows' counts and money, and the call rate from
    the summed counts (a rate of rates would weigh a salesperson with one claim like one with
    forty)."""
    totals: dict = {"salesperson": label}
    for key in COUNTS:
        totals[key] = sum(row[key] for row in rows)
    for key in MONEY_FIGURES:
        totals[key] = sum((row[key] for row in rows), ZERO)
    totals["call_rate"] = call_rate(totals["claims_meeting_call_target"], totals["claims_active"])
    return totals


def daily_visits(office: Office, period: Period, salesperson_ids) -> list[dict]:
    """The visits (and new customers among them) received per office-local day of the period
    by `salesperson_ids`; every day of the period has a row. One query."""
    start, end = period.bounds(office)
    counted = (
        Visit.objects.filter(
            office=office, assigned_to__in=list(salesperson_ids), at__gte=start, at__lt=end
        )
        .annotate(day=TruncDate("at", tzinfo=office.tzinfo))
        .order_by()
        .values("day")
        .annotate(visits=Count("pk"), new_customers=Count("pk", filter=Q(is_new_customer=True)))
    )
    by_day = {r["day"]: r for r in counted}
    return [
        {
            "day": day.isoformat(),
            "visits": by_day.get(day, {}).get("visits", 0),
            "new_customers": by_day.get(day, {}).get("new_customers", 0),
        }
        for day in period.days
    ]


# The tables of the reports (reports.tables): the page, the chart and the Excel file.

NAME = Col("salesperson", _("Salesperson"), TEXT)
RECEPTION_COLUMNS = [
    NAME,
    Col("visits", _("Visits received")),
    Col("new_customers", _("New customers")),
    Col("returning", _("Returning customers")),
    Col("calls_put_through", _("Calls put through")),
    Col("followups", _("Follow-ups")),
    Col("followup_calls", _("Follow-up calls")),
    Col("claims_active", _("Customers tracked")),
    Col("claims_meeting_call_target", _("Customers called enough")),
    Col("call_rate", _("Call target rate"), PERCENT),
]
PERFORMANCE_COLUMNS = [
    NAME,
    Col("claims_started", _("Claims started")),
    Col("claims_released", _("Claims released")),
    Col("claims_deal", _("Deals")),
    Col("holds", _("Holds")),
    Col("subscriptions", _("Subscriptions")),
    Col("amount", _("Amount (list price)"), MONEY),
    Col("deposits", _("Deposits"), MONEY),
]
DAILY_COLUMNS = [
    Col("day", _("Day"), TEXT),
    Col("visits", _("Visits received")),
    Col("new_customers", _("New customers")),
]


def report_tables(
    rows: list[dict], office: Office, *, totals: bool = True, daily: list[dict] | None = None
) -> list[Table]:
    """R-7.4: the reception-statistics part and the performance part (and for the team's
    weekly report the visits per day), from rows already aggregated."""
    total = team_totals(rows, office, label=_("Team")) if totals else None
    tables = [
        Table(
            key="reception",
            title=_("Reception statistics"),
            columns=RECEPTION_COLUMNS,
            rows=rows,
            totals=total,
            chart=Chart(BAR, "salesperson", ("visits", "new_customers")),
            note=_(
                "Customers tracked: claims active at the end of the period (or now). "
                "Called enough: at least %(target)d follow-up calls in its last 7 days."
            )
            % {"target": office.weekly_call_target},
        ),
        Table(
            key="performance",
            title=_("Performance"),
            columns=PERFORMANCE_COLUMNS,
            rows=rows,
            totals=total,
            chart=Chart(BAR, "salesperson", ("holds", "subscriptions")),
            note=_("Amount: the list prices of the units subscribed and not withdrawn."),
        ),
    ]
    if daily is not None:
        tables.append(
            Table(
                key="daily",
                title=_("Visits per day"),
                columns=DAILY_COLUMNS,
                rows=daily,
                totals=totals_of(daily, DAILY_COLUMNS, "day", _("Total")),
                chart=Chart(LINE, "day", ("visits", "new_customers")),
            )
        )
    return tables
