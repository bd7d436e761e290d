"""What finance accounts for, per customer (R-6): every yuan received, refunded and held.

The invariant, for every customer: received − refunded = held, where
- received = every holding fee + every deposit less the holding fee credited toward it (R-6.2)
  + every contract payment (R-6.4),
- refunded = every refund owed (lapsed or released holds, withdrawals),
- held = the fees of active holds + the deposits of active subscriptions + the payments on
  active contracts (a cancelled contract's payments would have to be refunded: there is no
  cancellation yet, so none is).
Each figure is one GROUP BY customer query, for one customer or for whole offices at once
(deals.reconcile).
"""

from collections import defaultdict
from decimal import Decimal

from django.db.models import DecimalField, F, Q, Sum
from django.db.models.functions import Coalesce

from .choices import ContractStatus, HoldStatus, SubscriptionStatus
from .models import Hold, Payment, Refund, Subscription

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=14, decimal_places=2)


def _sum(expression, condition: Q | None = None):
    return Coalesce(Sum(expression, filter=condition), ZERO, output_field=MONEY)


def _by_customer(qs, key: str, **sums) -> dict[int, dict[str, Decimal]]:
    return {row[key]: row for row in qs.values(key).annotate(**sums).order_by()}


def money_by_customer(*, customers=None, offices=None) -> dict[int, dict[str, Decimal]]:
    """{customer id: {received, refunded, held}} for the given customers (ids) or offices, or
    for everyone: four GROUP BY customer queries."""

    def scope(path: str = "") -> Q:  # `path`: from the row to its customer's subscription
        q = Q() if offices is None else Q(office__in=offices)
        return q if customers is None else q & Q(**{f"{path}customer__in": customers})

    holds = _by_customer(
        Hold.objects.filter(scope()),
        "customer_id",
        received=_sum("fee"),
        held=_sum("fee", Q(status=HoldStatus.ACTIVE)),
    )
    subs = _by_customer(
        Subscription.objects.filter(scope()),
        "customer_id",
        received=_sum(F("deposit") - F("fee_credited")),
        held=_sum("deposit", Q(status=SubscriptionStatus.ACTIVE)),
    )
    payments = _by_customer(
        Payment.objects.filter(scope("contract__subscription__")),
        "contract__subscription__customer_id",
        received=_sum("amount"),
        held=_sum("amount", Q(contract__status=ContractStatus.ACTIVE)),
    )
    refunds = _by_customer(Refund.objects.filter(scope()), "customer_id", refunded=_sum("amount"))
    totals: dict[int, dict[str, Decimal]] = defaultdict(
        lambda: {"received": ZERO, "refunded": ZERO, "held": ZERO}
    )
    for source in (holds, subs, payments):
        for pk, row in source.items():
            totals[pk]["received"] += row["received"]
            totals[pk]["held"] += row["held"]
    for pk, row in refunds.items():
        totals[pk]["refunded"] += row["refunded"]
    return dict(totals)


def customer_money(customer) -> dict[str, Decimal]:
    zeros = {"received": ZERO, "refunded": ZERO, "held": ZERO}
    return money_by_customer(customers=[customer.pk]).get(customer.pk, zeros)
