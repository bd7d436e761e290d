"""The money of quotes, bids and contracts (R-11.3), in one place; every document with lines
computes its amounts here and nowhere else.

Prices are tax-inclusive (含税价): a line's amount is quantity × unit price rounded half-up to
0.01; its tax is amount × rate / (1 + rate) rounded half-up to 0.01; a document's total and tax
are the sums of its lines' rounded figures (never a rounded product of sums). Decimal only."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def round_cent(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineMoney:
    amount: Decimal  # tax included
    tax: Decimal

    @property
    def net(self) -> Decimal:
        return self.amount - self.tax


def line_money(quantity: Decimal, unit_price: Decimal, tax_rate: Decimal) -> LineMoney:
    """R-11.3: one line's amount and the tax it contains."""
    for value in (quantity, unit_price, tax_rate):
        if not isinstance(value, Decimal):
            raise TypeError("money is computed from Decimal only")
    amount = round_cent(quantity * unit_price)
    tax = round_cent(amount * tax_rate / (1 + tax_rate))
    return LineMoney(amount=amount, tax=tax)


@dataclass(frozen=True)
class Totals:
    total: Decimal
    tax: Decimal

    @property
    def net(self) -> Decimal:
        return self.total - self.tax


def totals(lines: Iterable[LineMoney]) -> Totals:
    """R-11.3: a document's totals are the sums of its lines."""
    total, tax = Decimal("0.00"), Decimal("0.00")
    for line in lines:
        total += line.amount
        tax += line.tax
    return Totals(total=total, tax=tax)
