"""Pure rules of customer registration (R-1). No database here."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ALLOWED = re.compile(r"^\+?[0-9\s\-()]+$")


def ascii_digits(text: str) -> str:
    """R-1.1: every Unicode decimal digit as its ASCII digit (a full-width keyboard types
    `１３８…`, an Arabic one `١٣٨…`): the number is the customer it names, and the database's
    CHECK (digits 0-9) is never handed another digit (issue 13). Other characters unchanged;
    superscripts and circled numbers are not decimal digits and stay what they are."""
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)


def normalize_phone(raw: str) -> str:
    """R-1.1: digits only; a leading +86/0086/86 on a 13-digit number dropped.

    Mainland mobiles are 11 digits starting with 1; other numbers are kept as digits with
    their country code (7 to 15 digits, E.164). Raises ValidationError for anything else.
    """
    text = ascii_digits(raw or "").strip()
    if not text:
        raise ValidationError(_("Enter a phone number."), code="required")
    if not _ALLOWED.match(text):
        raise ValidationError(
            _("A phone number has only digits, spaces, dashes and a leading +."), code="invalid"
        )
    digits = re.sub(r"[^0-9]", "", text)
    if digits.startswith("0086") and len(digits) == 15:
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) == 11 and digits.startswith("1"):
        return digits
    if digits.startswith("1") and not text.startswith("+"):  # 1… without a country code
        raise ValidationError(_("A mainland mobile number has 11 digits."), code="invalid")
    if not 7 <= len(digits) <= 15:
        raise ValidationError(_("A phone number has 7 to 15 digits."), code="invalid")
    return digits


def mask_phone(phone: str) -> str:
    """Visibility (API.md): other salespeople's customers show as 138****5678."""
    if len(phone) <= 7:
        return phone[:2] + "*" * (len(phone) - 2)
    return phone[:3] + "****" + phone[-4:]


def mask_name(name: str) -> str:
    """Visibility (API.md): of a customer held by someone else only the surname shows (张*)."""
    return f"{name[:1]}*" if name else ""


def phone_fragment(query: str) -> str | None:
    """The digits of a search query, when it looks like (part of) a phone number."""
    digits = re.sub(r"[\s\-+()]", "", ascii_digits(query or ""))
    return digits if digits.isascii() and digits.isdigit() and len(digits) >= 3 else None
