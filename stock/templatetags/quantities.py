"""Quantities of stock as people write them: 24, 1250.5, -0.125 (no trailing zeros, no
exponent), from the Decimal itself."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def quantity(value, sign: str = "") -> str:
    """`{{ move.quantity|quantity:"+" }}` shows a plus sign on a positive quantity."""
    if value is None or value == "":
        return "—"
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return "—"
    text = f"{number.normalize():f}"
    return f"+{text}" if sign == "+" and number > 0 else text
