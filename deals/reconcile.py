"""Reconciliation (issue 7): check the money invariant of deals.money for every customer at
once, and each refund against what it refunds. A handful of GROUP BY queries whatever the
number of customers; `manage.py reconcile` prints every mismatch and fails when there is one.

Checks:
- per customer: received − refunded = held (deals.money);
- per refund: it is not negative and refunds at most what was paid for its hold (the fee) or
  its subscription (the whole deposit: a converted hold's fee was credited into it, R-6.2).
"""

from dataclasses import dataclass

from django.db.models import ExpressionWrapper, F, Q
from django.db.models.functions import Coalesce

from .models import Refund
from .money import MONEY, ZERO, money_by_customer


@dataclass(frozen=True)
class Mismatch:
    kind: str
    ref: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind} {self.ref}: {self.detail}"


def customer_mismatches(offices=None) -> list[Mismatch]:
    return [
        Mismatch(
            "customer",
            str(customer),
            f"received {t['received']} − refunded {t['refunded']} ≠ held {t['held']}",
        )
        for customer, t in sorted(money_by_customer(offices=offices).items())
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
