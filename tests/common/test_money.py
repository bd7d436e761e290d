"""One way to write money on every page (issue 14): `{{ amount|money }}`."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation


def render(value) -> str:
    return Template("{% load formats %}{{ value|money }}").render(Context({"value": value}))


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("20000"), "20,000.00"),
        (Decimal("1234567.605"), "1,234,567.61"),  # half up, on the Decimal itself
        (Decimal("0.1"), "0.10"),
        (Decimal("-500"), "-500.00"),
        (Decimal("99999999999999.99"), "99,999,999,999,999.99"),  # no float on the way
        (300, "300.00"),
        ("12.5", "12.50"),
        (None, "—"),
        ("", "—"),
        ("not a number", "—"),
    ],
)
def test_money(value, shown):
    assert render(value) == shown


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_same_in_every_language(language):
    with translation.override(language):
        assert render(Decimal("20000.5")) == "20,000.50"
