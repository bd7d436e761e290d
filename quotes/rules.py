"""Pure rules of enquiries and quotes (R-10.2, R-11), no database."""

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

CENT = Decimal("0.01")
MILLI = Decimal("0.001")
MAX_MONEY = Decimal("999999999999.99")  # DecimalField(14, 2)
MAX_QUANTITY = Decimal("99999999999.999")  # DecimalField(14, 3)
MAX_LINES = 200


def quantity_error(quantity: Decimal) -> str | None:
    """R-11.3: a quantity above zero with at most three decimals."""
    if not quantity.is_finite() or quantity > MAX_QUANTITY:
        return _("Too large.")
    if quantity <= 0:
        return _("The quantity must be above zero.")
    if quantity != quantity.quantize(MILLI):
        return _("The quantity has at most three decimal places.")
    return None


def money_error(value: Decimal) -> str | None:
    """R-11.3: money not negative, with at most two decimals."""
    if not value.is_finite() or value > MAX_MONEY:
        return _("Too large.")
    if value < 0:
        return _("Cannot be negative.")
    if value != value.quantize(CENT):
        return _("At most two decimal places.")
    return None


def received_on_error(received_on: datetime.date, today: datetime.date) -> str | None:
    """R-11.1: an enquiry arrived today or earlier, never in the future."""
    if received_on > today:
        return _("An enquiry cannot arrive in the future.")
    if received_on < today - datetime.timedelta(days=366):
        return _("This date is more than a year ago.")
    return None


def logged_late(received_on: datetime.date, today: datetime.date) -> bool:
    """R-11.1: an enquiry is logged the day it arrives; one logged later is flagged."""
    return received_on < today


def deadline_error(deadline: datetime.date, today: datetime.date) -> str | None:
    """R-11.1: an enquiry's deadline is still ahead (today at the earliest)."""
    if deadline < today:
        return _("The deadline has already passed.")
    if deadline > today + datetime.timedelta(days=3 * 366):
        return _("The deadline is more than three years ahead.")
    return None


def valid_until_error(valid_until: datetime.date, today: datetime.date) -> str | None:
    """R-11.3: a quote is valid until today at the earliest, and not for years."""
    if valid_until < today:
        return _("The validity date is in the past.")
    if valid_until > today + datetime.timedelta(days=366):
        return _("A quote is valid for a year at most.")
    return None


def is_expired(valid_until: datetime.date, today: datetime.date) -> bool:
    """R-11.3: a quote expires the day after its validity date."""
    return valid_until < today
