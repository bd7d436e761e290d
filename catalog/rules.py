"""Pure rules of products and prices (R-10.1), no database."""

import datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from staff.choices import Role

CENT = Decimal("0.01")
MAX_MONEY = Decimal("999999999999.99")  # DecimalField(14, 2)

# who sees a product's cost; "executive" as a string keeps this valid while the role
# is being added to staff.choices
COST_READERS = (Role.MANAGER, Role.DIRECTOR, "executive", Role.FINANCE)
# a new price version is announced at most this far ahead
PRICE_HORIZON = datetime.timedelta(days=366)


def price_errors(*, list_price: Decimal, floor_price: Decimal, cost: Decimal) -> dict[str, str]:
    """R-10.1, R-10.2: money with at most two decimals, not negative, floor ≤ list."""
    errors: dict[str, str] = {}
    for name, value in (("list_price", list_price), ("floor_price", floor_price), ("cost", cost)):
        if not value.is_finite() or value > MAX_MONEY:
            errors[name] = str(_("Too large."))
        elif value != value.quantize(CENT):
            errors[name] = str(_("At most two decimal places."))
        elif value < 0:
            errors[name] = str(_("Cannot be negative."))
    if not errors and floor_price > list_price:
        errors["floor_price"] = str(_("The floor price cannot be above the list price."))
    return errors


def tax_rate_error(rate: Decimal) -> str | None:
    """R-10.1: a rate between 0 and 1 (0.13 is 13%), four decimals at most."""
    if not rate.is_finite() or not Decimal(0) <= rate <= 1:
        return str(_("The tax rate must be between 0 and 1 (0.13 is 13%)."))
    if rate != rate.quantize(Decimal("0.0001")):
        return str(_("The tax rate has at most four decimal places."))
    return None


def effective_date_error(effective_from: datetime.date, today: datetime.date) -> str | None:
    """R-10.1: a price version takes effect today or later (documents already dated keep the
    prices they were made with), and within a year (a mistyped year would hide it for ages)."""
    if effective_from < today:
        return str(_("A new price takes effect today or later."))
    if effective_from > today + PRICE_HORIZON:
        return str(_("A new price takes effect within a year."))
    return None
