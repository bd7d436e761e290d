"""What finance accounts for, per customer (R-6): every yuan received, refunded and held.

The invariant, for every customer: received − refunded = held, where
- received = every holding fee + every deposit less the holding fee credited toward it (R-6.2)
  + every contract payment (R-6.4),
- refunded = every refund owed (lapsed or released holds, withdrawals),
- held = the fees of active holds + the deposits of active subscriptions + the payments on
  active contracts (a cancelled contract's payments would have to be refunded: there is no
  cancellation yet, so none is).
Each figure is one aggregate query.
"""

from decimal import Decimal

from django.db.models import F, Sum
from django.db.models.functions import Coalesce

from .choices import ContractStatus, HoldStatus, SubscriptionStatus
from .models import Hold, Payment, Refund, Subscription

ZERO = Decimal("0.00")


def _total(qs, expression) -> Decimal:
    return qs.aggregate(total=Coalesce(Sum(expression), ZERO))["total"]


def customer_money(customer) -> dict[str, Decimal]:
    holds = Hold.objects.filter(customer=customer)
    subs = Subscription.objects.filter(customer=customer)
    payments = Payment.objects.filter(contract__subscription__customer=customer)
    received = (
        _total(holds, "fee")
        + _total(subs, F("deposit") - F("fee_credited"))
        + _total(payments, "amount")
    )
    return {
        "received": received,
        "refunded": _total(Refund.objects.filter(customer=customer), "amount"),
        "held": _total(holds.filter(status=HoldStatus.ACTIVE), "fee")
        + _total(subs.filter(status=SubscriptionStatus.ACTIVE), "deposit")
        + _total(payments.filter(contract__status=ContractStatus.ACTIVE), "amount"),
    }
