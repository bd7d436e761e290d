"""R-11.3's money rules (quotes.money), against hand-computed examples and as properties."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quotes.money import LineMoney, line_money, totals

D = Decimal


def test_the_worked_example():
    """R-11.3, computed by hand (prices include tax; tax = amount × rate / (1 + rate)):

    line 1: 3 × 33.33 = 99.99; tax 99.99 × 0.13 / 1.13 = 11.5033… → 11.50
    line 2: 2.5 × 19.99 = 49.975 → 49.98 (half-up); tax 49.98 × 0.13 / 1.13 = 5.7499… → 5.75
    line 3: 0.333 × 10.00 = 3.33; tax 3.33 × 0.06 / 1.06 = 0.18849… → 0.19
    line 4: 1 × 0.05 = 0.05; tax 0.05 × 0.13 / 1.13 = 0.005752… → 0.01
    total = 99.99 + 49.98 + 3.33 + 0.05 = 153.35; tax = 11.50 + 5.75 + 0.19 + 0.01 = 17.45
    (the tax of the total, 153.35 × 0.13 / 1.13 ≈ 17.64, is not what a mixed-rate document
    owes: totals are sums of the lines' rounded figures)."""
    lines = [
        line_money(D("3"), D("33.33"), D("0.13")),
        line_money(D("2.5"), D("19.99"), D("0.13")),
        line_money(D("0.333"), D("10.00"), D("0.06")),
        line_money(D("1"), D("0.05"), D("0.13")),
    ]
    assert [(x.amount, x.tax) for x in lines] == [
        (D("99.99"), D("11.50")),
        (D("49.98"), D("5.75")),
        (D("3.33"), D("0.19")),
        (D("0.05"), D("0.01")),
    ]
    result = totals(lines)
    assert (result.total, result.tax, result.net) == (D("153.35"), D("17.45"), D("135.90"))


@pytest.mark.parametrize(
    ("quantity", "price", "amount"),
    [
        ("0.5", "0.25", "0.13"),  # 0.125 half-up is 0.13 (banker's rounding gives 0.12)
        ("0.5", "0.35", "0.18"),  # 0.175 → 0.18
        ("0.001", "4.99", "0.00"),  # 0.00499 → 0.00
        ("0.001", "5.00", "0.01"),  # 0.005 → 0.01
        ("10", "100.00", "1000.00"),
    ],
)
def test_amounts_round_half_up_to_the_cent(quantity, price, amount):
    assert line_money(D(quantity), D(price), D("0.13")).amount == D(amount)


def test_a_tax_free_line_has_no_tax():
    assert line_money(D("7"), D("12.34"), D("0")) == LineMoney(amount=D("86.38"), tax=D("0.00"))


@pytest.mark.parametrize("bad", [1.5, 2, "3"])
def test_floats_and_other_types_are_refused(bad):
    """Money is Decimal only: a float never enters the arithmetic."""
    with pytest.raises(TypeError):
        line_money(bad, D("1.00"), D("0.13"))
    with pytest.raises(TypeError):
        line_money(D("1"), bad, D("0.13"))


quantities = st.decimals(min_value=D("0.001"), max_value=D("1000000"), places=3)
prices = st.decimals(min_value=D("0"), max_value=D("1000000"), places=2)
rates = st.sampled_from([D("0"), D("0.03"), D("0.06"), D("0.09"), D("0.13")])


@given(st.lists(st.tuples(quantities, prices, rates), min_size=0, max_size=30))
def test_totals_are_the_sums_of_the_lines(raw):
    """R-11.3: whatever the lines, the totals are the exact sums of the rounded lines, every
    figure is a Decimal with two places, the tax never exceeds the amount, and each amount is
    within half a cent of quantity × price."""
    lines = [line_money(q, p, r) for q, p, r in raw]
    result = totals(lines)
    assert result.total == sum((x.amount for x in lines), D("0"))
    assert result.tax == sum((x.tax for x in lines), D("0"))
    for (q, p, r), x in zip(raw, lines, strict=True):
        assert isinstance(x.amount, Decimal) and isinstance(x.tax, Decimal)
        assert x.amount.as_tuple().exponent == -2 and x.tax.as_tuple().exponent == -2
        assert abs(x.amount - q * p) <= D("0.005")
        assert D("0") <= x.tax <= x.amount
        assert abs(x.tax - x.amount * r / (1 + r)) <= D("0.005")
    assert isinstance(result.total, Decimal) and result.total.as_tuple().exponent == -2
