"""Lines of enquiries and quotes: checked, priced on the document's date, money from
quotes.money (R-10.1, R-10.2, R-11.3)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from catalog.rules import tax_rate_error
from catalog.selectors import prices_on

from .. import rules
from ..models import EnquiryLine, QuoteLine
from ..money import LineMoney, Totals, line_money, totals


@dataclass
class LineInput:
    """One line as a client sends it: `product` a catalog.Product, the rest Decimals;
    `tax_rate` None takes the product's (R-10.1)."""

    product: object
    quantity: Decimal
    unit_price: Decimal | None = None
    tax_rate: Decimal | None = None

    @classmethod
    def of(cls, data) -> "LineInput":
        if isinstance(data, cls):
            return data
        return cls(
            product=data["product"],
            quantity=data["quantity"],
            unit_price=data.get("unit_price"),
            tax_rate=data.get("tax_rate"),
        )


def _count_error(lines: list) -> None:
    if not lines:
        raise ValidationError({"lines": [_("Add at least one product.")]})
    if len(lines) > rules.MAX_LINES:
        raise ValidationError(
            {"lines": [_("At most %(count)s lines.") % {"count": rules.MAX_LINES}]}
        )


def _product_error(product) -> str | None:
    if not product.active:
        return _("This product is no longer sold.")
    return None


def enquiry_lines(raw: list) -> list[EnquiryLine]:
    """R-11.1: the products and quantities asked about (unsaved)."""
    lines = [LineInput.of(r) for r in raw]
    _count_error(lines)
    errors, built = [], []
    for line in lines:
        e = {}
        if error := _product_error(line.product):
            e["product"] = [error]
        if error := rules.quantity_error(line.quantity):
            e["quantity"] = [error]
        errors.append(e)
        built.append(EnquiryLine(product=line.product, quantity=line.quantity))
    if any(errors):
        raise ValidationError({"lines": errors})
    return built


def quote_lines(raw: list, *, date: datetime.date) -> list[QuoteLine]:
    """R-11.3: the quote's lines (unsaved) with their money; list and floor prices are the
    version in force on `date` (R-10.1). Every bad line is named, nothing is kept."""
    lines = [LineInput.of(r) for r in raw]
    _count_error(lines)
    prices = prices_on([line.product for line in lines], date)
    errors, built = [], []
    for line in lines:
        e = {}
        price = prices.get(line.product.pk)
        if error := _product_error(line.product):
            e["product"] = [error]
        elif price is None:
            e["product"] = [_("This product has no price on the quote's date.")]
        if error := rules.quantity_error(line.quantity):
            e["quantity"] = [error]
        if line.unit_price is None:
            e["unit_price"] = [_("Enter the unit price.")]
        elif error := rules.money_error(line.unit_price):
            e["unit_price"] = [error]
        rate = line.product.tax_rate if line.tax_rate is None else line.tax_rate
        if error := tax_rate_error(rate):
            e["tax_rate"] = [error]
        if not e:
            money = line_money(line.quantity, line.unit_price, rate)
            if money.amount > rules.MAX_MONEY:
                e["quantity"] = [_("Too large.")]
            else:
                built.append(
                    QuoteLine(
                        product=line.product,
                        quantity=line.quantity,
                        unit_price=line.unit_price,
                        tax_rate=rate,
                        list_price=price.list_price,
                        floor_price=price.floor_price,
                        amount=money.amount,
                        tax=money.tax,
                    )
                )
        errors.append(e)
    if any(errors):
        raise ValidationError({"lines": errors})
    money = sum_of(built)
    if money.total > rules.MAX_MONEY:
        raise ValidationError({"lines": [_("The total is too large.")]})
    return built


def sum_of(lines) -> Totals:
    """R-11.3: totals are the sums of the lines' rounded amounts and taxes."""
    return totals(LineMoney(amount=line.amount, tax=line.tax) for line in lines)


def as_inputs(lines) -> list[LineInput]:
    return [
        LineInput(
            product=line.product,
            quantity=line.quantity,
            unit_price=line.unit_price,
            tax_rate=line.tax_rate,
        )
        for line in lines
    ]


def same_lines(old, new) -> bool:
    def key(line):
        return (line.product.pk, line.quantity, line.unit_price, line.tax_rate)

    return [key(x) for x in old] == [key(x) for x in new]
