"""What the services of receivables share: the office's day, numbers, row locks and the
checks of what a client sends."""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from accounts.models import Account
from common.numbering import next_number
from contracts.models import SalesContract

MAX_TEXT = 2000
MAX_MONEY = Decimal("1e12")
# a receipt, an invoice or a refund is dated at most this far back (and never ahead)
MAX_DAYS_BACK = 366


def today(office, now: datetime.datetime) -> datetime.date:
    return timezone.localtime(now, office.tzinfo).date()


def number(office, prefix: str, now) -> dict:
    year = today(office, now).year
    sequence, text = next_number(office=office, prefix=prefix, year=year)
    return {"number": text, "sequence": sequence, "year": year}


def lock_contract(contract) -> SalesContract:
    return (
        SalesContract.objects.select_for_update(of=("self",))
        .select_related("office", "account")
        .get(pk=contract.pk)
    )


def lock_account(account) -> Account:
    return (
        Account.objects.select_for_update(of=("self",))
        .select_related("office")
        .get(pk=account.pk if hasattr(account, "pk") else account)
    )


def lock(document):
    model = type(document)
    return (
        model.objects.select_for_update(of=("self",)).select_related("office").get(pk=document.pk)
    )


def text(value, field: str, *, required: bool, max_length: int = MAX_TEXT) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else str(value)
    if "\x00" in value:  # PostgreSQL cannot store it; no person types it
        raise ValidationError({field: [_("Remove the control characters.")]})
    if required and not value:
        raise ValidationError({field: [_("This field is required.")]})
    if len(value) > max_length:
        raise ValidationError({field: [_("Keep it under %(n)d characters.") % {"n": max_length}]})
    return value


def money(value, field: str) -> Decimal:
    """An amount a client sent: more than zero, at most 2 decimals, under a trillion."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        amount = None
    if amount is None or not amount.is_finite() or amount <= 0:
        raise ValidationError({field: [_("Enter an amount more than zero.")]})
    if amount.as_tuple().exponent < -2 or amount >= MAX_MONEY:
        raise ValidationError({field: [_("Enter an amount in yuan with at most 2 decimals.")]})
    return amount.quantize(Decimal("0.01"))


def day_in_range(
    value, field: str, *, office, now, earliest: datetime.date | None = None
) -> datetime.date:
    """A date a client sent: not after the office's today, not before `earliest` (default a
    year back)."""
    if not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(str(value))
        except ValueError:
            raise ValidationError({field: [_("Enter a valid date.")]}) from None
    current = today(office, now)
    floor = earliest or current - datetime.timedelta(days=MAX_DAYS_BACK)
    if value > current:
        raise ValidationError({field: [_("The date cannot be in the future.")]})
    if value < floor:
        raise ValidationError(
            {field: [_("The date cannot be before %(date)s.") % {"date": floor.isoformat()}]}
        )
    return value


def choice(value, field: str, choices) -> str:
    if value not in choices.values:
        raise ValidationError({field: [_("Not one of the choices.")]})
    return value
