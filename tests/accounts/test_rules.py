"""R-9.1: the unified social credit code (GB 32100-2015, with GB 11714's organisation code)."""

import pytest

from accounts.factories import credit_code
from accounts.rules import is_valid_credit_code, org_check_char, uscc_check_char


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("91350100M000100Y43", True),  # the standard's published example
        ("91110108551385082Q", True),
        ("91350100m000100y43", True),  # lower case is read as upper case
        ("91350100M000100Y44", False),  # wrong check character
        ("91350100M000100Y4", False),  # 17 characters
        ("91350100M000100Y430", False),  # 19
        ("91350100M0001O0Y43", False),  # O is not in the alphabet
        ("911100001000013428", False),
        ("", False),
    ],
)
def test_credit_code(code, valid):
    assert is_valid_credit_code(code) is valid


def test_check_characters_by_hand():
    # values 9,1,3,5,0,1,0,0,M=21,0,0,0,1,0,0,Y=30,4 × weights 1,3,9,27,19,26,16,17,20,29,25,
    # 13,8,24,10,30,28: 9+3+27+135+0+26+0+0+420+0+0+0+8+0+0+900+112 = 1640;
    # 1640 mod 31 = 28; 31 - 28 = 3 → "3"
    assert uscc_check_char("91350100M000100Y4") == "3"
    # GB 11714 (A=10 … Z=35): M000100Y → 22×3 + 1×5 + 34×2 = 139; 139 mod 11 = 7; 11-7 → "4"
    assert org_check_char("M000100Y") == "4"


@pytest.mark.parametrize("n", [1, 2, 17, 123456])
def test_factory_codes_are_valid(n):
    assert is_valid_credit_code(credit_code(n))
