"""Pure rules of special customer fees (R-16.4)."""

from decimal import Decimal

MAX_AMOUNT = Decimal("10000000.00")


def amount_allowed(amount: Decimal) -> bool:
    """A fee is more than zero and at most ten million yuan."""
    return Decimal("0") < amount <= MAX_AMOUNT


def may_promise(*, manager_step_approved: bool, already_promised: bool) -> bool:
    """R-16.4: the fee is promised to the customer only once the manager has approved it."""
    return manager_step_approved and not already_promised


def may_pay(*, status: str, payment_form: str) -> bool:
    """R-16.4: finance pays only an approved fee whose form of payment the executive chose."""
    return status == "approved" and bool(payment_form)
