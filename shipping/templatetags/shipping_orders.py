"""Template helpers of the demand request and outbound order pages (R-13.1–R-13.4)."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.translation import gettext as _

from ..fulfilment import request_beside

register = template.Library()


@register.filter
def order_qty(value, red=False) -> str:
    """`{{ line.quantity|order_qty:order.red }}`: a quantity as people write it (24, 2.5), and
    negative on a red outbound order (红字出库单), whose goods come back."""
    if value is None or value == "":
        return "—"
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return "—"
    if red and number:
        number = -number
    text = f"{number.normalize():f}"
    return "0" if text in ("-0", "0") else text


@register.simple_tag
def beside_contract(document):
    """`{% beside_contract request as rows %}`: the request's contract lines, each with the
    request's quantity beside the contract's figures (the approval card, R-13.1)."""
    return request_beside(document)


@register.filter
def order_status(order) -> str:
    """An outbound order's status in the words of its direction: a red order's goods are
    received back, not shipped (R-13.5)."""
    if order.red:
        red_words = {
            "open": _("to receive back"),
            "partial": _("Partly received back"),
            "done": _("Goods received back"),
        }
        if order.status in red_words:
            return red_words[order.status]
    return order.get_status_display()
