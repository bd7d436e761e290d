"""Reconciliation (issue 7): check the money invariant of deals.money for every customer at
once, and each refund against what it refunds. A handful of GROUP BY queries whatever the
number of customers; `manage.py reconcile` prints every mismatch and fails when there is one.

Checks:
- per customer: received − refunded = held (deals.money);
- per refund: it is not negative and refunds at most what was paid for its hold (the fee) or
  its subscription (the whole deposit: a converted hold's fee was credited into it, R-6.2);
- per hold (issue 13): the fee paid (the hold's `fee`, what finance counts as received) is
  still held while the hold is active, credited in full toward the deposit of the
  subscription it converted into (that subscription's `fee_credited`), or refunded in full
  when it lapsed or was released (its refund's `amount`) — fee paid = fee credited + fee
  refunded, each where the hold's status says — and the fee credited is at most that
  subscription's deposit (R-6.3). Per customer these can balance while a hold does not: a
  100,000.00 fee credited to a 5,000.00 deposit, 5,000.00 refunded on withdrawal.
"""

from dataclasses import dataclass

from django.db.models import ExpressionWrapper, F, Q, Value
from django.db.models.functions import Coalesce

from .choices import HoldStatus
from .models import Hold, Refund
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


def _fee_problem(status: str, fee, credited, refunded, deposit) -> str:
    if deposit is not None and credited > deposit:
        return "credited more than the deposit"
    if status == HoldStatus.ACTIVE:
        return "an active hold's fee is credited or refunded"
    if fee != credited + refunded:
        return "fee paid ≠ credited + refunded"
    return f"a {status} hold's fee is {'refunded' if refunded else 'credited'}"


def hold_fee_mismatches(offices=None) -> list[Mismatch]:
    """Every hold whose fee is not accounted for as its status says (R-6.2), or credited
    beyond its subscription's deposit (R-6.3): one query over the holds, their subscription
    and their refund (each at most one)."""
    scope = Q() if offices is None else Q(office__in=offices)
    zero = Value(ZERO, output_field=MONEY)
    accounted = (
        Q(status=HoldStatus.ACTIVE, credited=zero, refunded=zero)
        | Q(status=HoldStatus.CONVERTED, credited=F("fee"), refunded=zero)
        | Q(status__in=[HoldStatus.LAPSED, HoldStatus.RELEASED], credited=zero, refunded=F("fee"))
    )
    rows = (
        Hold.objects.filter(scope)
        .annotate(
            credited=Coalesce(F("subscription__fee_credited"), zero),
            refunded=Coalesce(F("refund__amount"), zero),
            deposit=F("subscription__deposit"),
        )
        .filter(~accounted | Q(credited__gt=F("deposit")))
        .order_by("pk")
        .values_list("pk", "status", "fee", "credited", "refunded", "deposit")
    )
    return [
        Mismatch(
            "hold",
            str(pk),
            f"{status}: fee paid {fee}, credited {credited}"
            + ("" if deposit is None else f" toward a deposit of {deposit}")
            + f", refunded {refunded} — {_fee_problem(status, fee, credited, refunded, deposit)}",
        )
        for pk, status, fee, credited, refunded, deposit in rows
    ]


def mismatches(offices=None) -> list[Mismatch]:
    from stock.reconcile import stock_mismatches  # balance = SUM(moves)

    return (
        customer_mismatches(offices)
        + refund_mismatches(offices)
        + hold_fee_mismatches(offices)
        + stock_mismatches(offices)
    )
