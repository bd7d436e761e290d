"""The channel evaluation (R-7.6): per source channel and period, new customers, visits,
holds, subscriptions and amount, with the conversion from one stage to the next, so that
advertising can be adjusted.

One GROUP BY query per source table (customers with their funnel, visits, holds,
subscriptions) plus one for the channels: five queries whatever the number of records.
The period is office-local: [start, end) = `period.bounds(office)`.

Figures (a channel "C", the office "O", an instant "in the period" when start <= t < end):

- new_customers: O's customers registered in the period with source channel C (R-1.2), not
  voided, and not market-research visitors approved by the director (R-2.6: they do not
  count as customers in conversion statistics).
- visits: O's visits in the period whose visit records channel C (`Visit.source_channel`),
  approved market-research visits excepted (R-2.6).
- holds: O's holds placed in the period (whatever became of them) on customers of channel C
  (the customer's registration channel).
- subscriptions: O's subscriptions created in the period and not withdrawn, on customers of
  channel C.
- amount: the sum of the subscribed units' list prices (`Unit.list_price`) of those
  subscriptions: "sum of unit.list_price of subscriptions signed in the period and not
  withdrawn" (the same definition as the salespeople's reports, reports.figures.salespeople).
- the funnel, of the new customers (the cohort registered in the period): those who reached
  each step by the end of the period: `reached_visit` (came to the office: a visit that is not
  an approved market-research one, or went further), `reached_hold` (held a unit, or
  subscribed directly), `reached_subscription` (an active subscription). A customer who went
  further has passed the earlier steps, so each step is a subset of the one before and every
  rate is a conversion rate: visit_rate = reached_visit / new_customers, hold_rate =
  reached_hold / reached_visit, subscription_rate = reached_subscription / reached_hold, as
  Decimal fractions (4 places), None when the divisor is 0. The total is the sum over channels.
  The activity counts above (visits, holds, subscriptions of the period, whoever's) are not
  subsets of one another: no rate is drawn between them.

Rows: every active channel (zeros included: a channel that brings nothing is worth knowing),
then any inactive channel with records, then "no channel" when records have none.
"""

from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils.translation import gettext_lazy as _

from deals.choices import SubscriptionStatus
from deals.models import Hold, Subscription
from leads.models import Customer, SourceChannel
from reception.choices import ResearchStatus
from reception.daily_counts import channel_label
from reception.models import Visit
from staff.models import Office

from ..periods import Period
from ..tables import BAR, FUNNEL, MONEY, PERCENT, TEXT, Chart, Col, Table, totals_of

ZERO = Decimal("0.00")
RATE_PLACES = Decimal("0.0001")
STAGES = ("new_customers", "visits", "holds", "subscriptions")
FUNNEL_STEPS = ("new_customers", "reached_visit", "reached_hold", "reached_subscription")


def rate(part: int, whole: int) -> Decimal | None:
    """A conversion rate as a Decimal fraction (4 places); None when nothing to convert."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(RATE_PLACES)


def _with_rates(row: dict) -> dict:
    """The funnel's conversion rates: each step over the one before (a subset of it)."""
    row["visit_rate"] = rate(row["reached_visit"], row["new_customers"])
    row["hold_rate"] = rate(row["reached_hold"], row["reached_visit"])
    row["subscription_rate"] = rate(row["reached_subscription"], row["reached_hold"])
    return row


def _grouped(qs, channel_path: str, **aggregates) -> dict:
    rows = qs.order_by().values(channel_path).annotate(**aggregates)
    return {r.pop(channel_path): r for r in rows}


def channel_figures(office: Office, period: Period) -> list[dict]:
    """R-7.6: one row per channel (see the module docstring) with "source_channel_id",
    "channel" (its name), the counts, "amount" and the two rates. Five queries."""
    start, end = period.bounds(office)
    research = Visit.objects.filter(
        customer=OuterRef("pk"), research_status=ResearchStatus.APPROVED
    )
    visited = Exists(
        Visit.objects.filter(customer=OuterRef("pk"), at__lt=end).exclude(
            research_status=ResearchStatus.APPROVED
        )
    )
    held = Exists(Hold.objects.filter(customer=OuterRef("pk"), created_at__lt=end))
    subscribed = Exists(
        Subscription.objects.filter(
            customer=OuterRef("pk"), created_at__lt=end, status=SubscriptionStatus.ACTIVE
        )
    )
    customers = _grouped(
        Customer.objects.filter(
            office=office, registered_at__gte=start, registered_at__lt=end, voided_at__isnull=True
        )
        .exclude(Exists(research))
        .alias(visited=visited, held=held, subscribed=subscribed),
        "source_channel_id",
        new_customers=Count("pk"),
        reached_visit=Count("pk", filter=Q(visited=True) | Q(held=True) | Q(subscribed=True)),
        reached_hold=Count("pk", filter=Q(held=True) | Q(subscribed=True)),
        reached_subscription=Count("pk", filter=Q(subscribed=True)),
    )
    visits = _grouped(
        Visit.objects.filter(office=office, at__gte=start, at__lt=end).exclude(
            research_status=ResearchStatus.APPROVED
        ),
        "source_channel_id",
        visits=Count("pk"),
    )
    holds = _grouped(
        Hold.objects.filter(office=office, created_at__gte=start, created_at__lt=end),
        "customer__source_channel_id",
        holds=Count("pk"),
    )
    subscriptions = _grouped(
        Subscription.objects.filter(
            office=office,
            created_at__gte=start,
            created_at__lt=end,
            status=SubscriptionStatus.ACTIVE,
        ),
        "customer__source_channel_id",
        subscriptions=Count("pk"),
        amount=Sum("unit__list_price"),
    )
    found = {*customers, *visits, *holds, *subscriptions}
    channels = list(SourceChannel.objects.order_by("position", "code"))
    keys = [c.pk for c in channels if c.is_active or c.pk in found]
    if None in found:
        keys.append(None)
    names = {c.pk: c for c in channels}
    rows = []
    for pk in keys:
        row = {"source_channel_id": pk, "channel": channel_label(names.get(pk))}
        row.update({key: 0 for key in (*STAGES, *FUNNEL_STEPS)}, amount=ZERO)
        for source in (customers, visits, holds, subscriptions):
            row.update({k: v for k, v in source.get(pk, {}).items() if v is not None})
        rows.append(_with_rates(row))
    return rows


CHANNEL_COLUMNS = [
    Col("channel", _("Source channel"), TEXT),
    Col("new_customers", _("New customers")),
    Col("visits", _("Visits")),
    Col("holds", _("Holds")),
    Col("subscriptions", _("Subscriptions")),
    Col("amount", _("Amount"), MONEY),
]
FUNNEL_COLUMNS = [
    Col("channel", _("Source channel"), TEXT),
    Col("new_customers", _("New customers")),
    Col("reached_visit", _("Came to the office")),
    Col("reached_hold", _("Held a unit or went further")),
    Col("reached_subscription", _("Subscribed")),
    Col("visit_rate", _("New customers → came"), PERCENT),
    Col("hold_rate", _("Came → held"), PERCENT),
    Col("subscription_rate", _("Held → subscribed"), PERCENT),
]
NOTE = _("Market-research visitors approved by the director are not counted.")
FUNNEL_NOTE = _(
    "Of the new customers registered in the period, by channel: how many came to the office, "
    "held a unit and subscribed by the end of the period. Each step counts only customers of "
    "the step before, so every rate is a conversion; the activity counts above are not."
)


def channel_tables(rows: list[dict]) -> list[Table]:
    """The page's two tables: the period's activity per channel with its bar chart, and the
    funnel of the period's new customers per channel, its total the sum over channels."""
    totals = totals_of(rows, CHANNEL_COLUMNS, "channel", _("Total"))
    per_channel = Table(
        "channels",
        _("Channel evaluation"),
        CHANNEL_COLUMNS,
        rows,
        totals,
        Chart(BAR, "channel", STAGES),
        note=NOTE,
    )
    funnel_rows = [_with_rates({k: row[k] for k in ("channel", *FUNNEL_STEPS)}) for row in rows]
    funnel = Table(
        "funnel",
        _("Funnel of the new customers"),
        FUNNEL_COLUMNS,
        funnel_rows,
        _with_rates(totals_of(funnel_rows, FUNNEL_COLUMNS, "channel", _("Total"))),
        chart=Chart(FUNNEL, "channel", FUNNEL_STEPS),
        note=FUNNEL_NOTE,
    )
    return [per_channel, funnel]
