"""How the pages write values, the same way everywhere and in every language:
`{% load formats %}` then `{{ amount|money }}`."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()

CENT = Decimal("0.01")
NOTHING = "—"


@register.filter(is_safe=True)
def money(value) -> str:
    """An amount of money: comma thousands, a dot and two decimals (`20,000.00`), computed on
    the Decimal itself (no float, no locale); "—" when there is none."""
    if value is None or value == "":
        return NOTHING
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
        return f"{amount.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"
    except (InvalidOperation, ValueError):
        return NOTHING
