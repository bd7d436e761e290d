"""R-1.1 phone normalization, table-driven."""

import pytest
from django.core.exceptions import ValidationError

from leads.rules import mask_phone, normalize_phone


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("0086 13812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("+1 415 555 0100", "14155550100"),
        ("+44 20 7946 0958", "442079460958"),
        ("021-6234 5678", "02162345678"),
    ],
)
def test_normalize_r_1_1(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "abc",
        "138123456789x",
        "1381234567",
        "138123456789",
        "1380000",
        "12",
        "+86",
        "1" * 16,
    ],
)
def test_malformed_phones_are_refused_r_1_1(raw):
    with pytest.raises(ValidationError):
        normalize_phone(raw)


def test_mask():
    assert mask_phone("13812345678") == "138****5678"
