"""What the services of expenses share: the office's day, numbers, row locks and the checks
of what a client sends."""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from common.numbering import next_number

from ..models import MAX_AMOUNT, ExpenseBudget

MAX_TEXT = 2000


def today(office, now: datetime.datetime) -> datetime.date:
    return timezone.localtime(now, office.tzinfo).date()


def number(office, prefix: str, now) -> dict:
    year = today(office, now).year
    sequence, text_ = next_number(office=office, prefix=prefix, year=year)
    return {"number": text_, "sequence": sequence, "year": year}


def lock(document):
    model = type(document)
    return (
        model.objects.select_for_update(of=("self",)).select_related("office").get(pk=document.pk)
    )


def lock_month(*, office_id: int, author_id: int, month: datetime.date) -> list[ExpenseBudget]:
    """The author's budgets of a month, locked in primary-key order: what counts against one
    person's cap is changed one request at a time (R-16.3)."""
    return list(
        ExpenseBudget.objects.select_for_update()
        .filter(office_id=office_id, author_id=author_id, month=month)
        .order_by("pk")
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


def money(value, field: str, *, maximum: Decimal = MAX_AMOUNT) -> Decimal:
    """An amount a client sent: more than zero, at most 2 decimals, at most `maximum`."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        amount = None
    if amount is None or not amount.is_finite() or amount <= 0:
        raise ValidationError({field: [_("Enter an amount more than zero.")]})
    if amount.as_tuple().exponent < -2:
        raise ValidationError({field: [_("Enter an amount in yuan with at most 2 decimals.")]})
    if amount > maximum:
        raise ValidationError({field: [_("At most %(max)s yuan.") % {"max": f"{maximum:,.2f}"}]})
    return amount.quantize(Decimal("0.01"))


def a_date(value, field: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        raise ValidationError({field: [_("Enter a valid date.")]})
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({field: [_("Enter a valid date.")]}) from None


def choice(value, field: str, choices) -> str:
    if value not in choices.values:
        raise ValidationError({field: [_("Not one of the choices.")]})
    return value
