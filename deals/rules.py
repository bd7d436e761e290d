"""Pure rules of units and deals (R-6). No database here."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")
MONEY_WHOLE_DIGITS = 12  # DecimalField(max_digits=14, decimal_places=2): up to 999 999 999 999.99


def money(value, field: str) -> Decimal:
    """A positive amount with at most 2 decimals, from a string or Decimal — never a float."""
    if isinstance(value, float):
        raise ValidationError({field: [_('Send money as a decimal string, e.g. "500.00".')]})
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: [_("Not an amount of money.")]}) from exc
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({field: [_("The amount must be more than zero.")]})
    if amount.adjusted() >= MONEY_WHOLE_DIGITS:  # would not fit the column (nor quantize)
        raise ValidationError({field: [_("The amount is too large.")]})
    if amount != amount.quantize(CENT):
        raise ValidationError({field: [_("At most two decimal places.")]})
    return amount.quantize(CENT)


def hold_expiry(created_at: datetime.datetime, hours: int) -> datetime.datetime:
    """R-6.2: a hold lasts `hours` (72 by default) from payment of the fee."""
    return created_at + datetime.timedelta(hours=hours)


def agreement_number(office_code: str, year: int, sequence: int) -> str:
    """R-6.3: the internal subscription agreement's number, e.g. SUNNY-2026-0007."""
    return f"{office_code.upper()}-{year}-{sequence:04d}"
