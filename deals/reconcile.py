"""Reconciliation (issue 7): check the money invariant of deals.money for every customer at
once, and each refund against what it refunds. A handful of GROUP BY queries whatever the
number of customers; `manage.py reconcile` prints every mismatch and fails when there is one.

Checks:
- per customer: received − refunded = held (deals.money);
- per refund: it is not negative and refunds at most what was paid for its hold (the fee) or
  its subscription (the whole deposit: a converted hold's fee was credited into it, R-6.2).
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Coalesce

from .choices import ContractStatus, HoldStatus, SubscriptionStatus
from .models import Hold, Payment, Refund, Subscription

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=14, decimal_places=2)


@dataclass(frozen=True)
class Mismatch:
    kind: str
    ref: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind} {self.ref}: {self.detail}"


def _sum(expression, condition: Q | None = None):
    return Coalesce(Sum(expression, filter=condition), ZERO, output_field=MONEY)


def _by_customer(qs, key: str, **sums) -> dict[int, dict[str, Decimal]]:
    return {row[key]: row for row in qs.values(key).annotate(**sums).order_by()}


def customer_mismatches(offices=None) -> list[Mismatch]:
    scope = Q() if offices is None else Q(office__in=offices)
    holds = _by_customer(
        Hold.objects.filter(scope),
        "customer_id",
        received=_sum("fee"),
        held=_sum("fee", Q(status=HoldStatus.ACTIVE)),
    )
    subs = _by_customer(
        Subscription.objects.filter(scope),
        "customer_id",
        received=_sum(F("deposit") - F("fee_credited")),
        held=_sum("deposit", Q(status=SubscriptionStatus.ACTIVE)),
    )
    payments = _by_customer(
        Payment.objects.filter(scope),
        "contract__subscription__customer_id",
        received=_sum("amount"),
        held=_sum("amount", Q(contract__status=ContractStatus.ACTIVE)),
    )
    refunds = _by_customer(Refund.objects.filter(scope), "customer_id", refunded=_sum("amount"))
    totals: dict[int, dict[str, Decimal]] = defaultdict(
        lambda: {"received": ZERO, "held": ZERO, "refunded": ZERO}
    )
    for source in (holds, subs, payments):
        for customer, row in source.items():
            totals[customer]["received"] += row["received"]
            totals[customer]["held"] += row["held"]
    for customer, row in refunds.items():
        totals[customer]["refunded"] += row["refunded"]
    return [
        Mismatch(
            "customer",
            str(customer),
            f"received {t['received']} − refunded {t['refunded']} ≠ held {t['held']}",
        )
        for customer, t in sorted(totals.items())
        if t["received"] - t["refunded"] != t["held"]
    ]


def refund_mismatches(offices=None) -> list[Mismatch]:
    scope = Q() if offices is None else Q(office__in=offices)
    paid_for = ExpressionWrapper(
        Coalesce(F("hold__fee"), ZERO) + Coalesce(F("subscription__deposit"), ZERO),
        output_field=MONEY,
    )
    rows = (
        Refund.objects.filter(scope)
        .annotate(paid_for=paid_for)
        .filter(Q(amount__gt=F("paid_for")) | Q(amount__lt=0))
        .values_list("pk", "amount", "paid_for")
    )
    return [
        Mismatch("refund", str(pk), f"refunds {amount} of {paid} paid") for pk, amount, paid in rows
    ]


def mismatches(offices=None) -> list[Mismatch]:
    return customer_mismatches(offices) + refund_mismatches(offices)
