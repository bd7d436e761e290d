"""The rules of targets as pure functions (R-17.1, R-17.2): no database here."""

from decimal import Decimal, InvalidOperation

MAX_AMOUNT = Decimal("1000000000000")  # amounts stay under 10^12 yuan
MIN_YEAR, MAX_YEAR = 2000, 2100
CENTS = Decimal("0.01")

DEPARTMENT = "department"
REGION = "region"
BRANCH_YEAR = "branch_year"
BRANCH_MONTH = "branch_month"
SALESPERSON_MONTH = "salesperson_month"
LEVELS = (DEPARTMENT, REGION, BRANCH_YEAR, BRANCH_MONTH, SALESPERSON_MONTH)


class BadNumber(ValueError):
    """A number a client sent is out of its range; `field` names it."""

    def __init__(self, field: str):
        self.field = field
        super().__init__(field)


def level_of(*, region: str, office: bool, salesperson: bool, month: int | None) -> str:
    """R-17.1: which level of the split a row is; a combination that is none raises
    ValueError (a region's month is never stored: it is the sum of its branches')."""
    if salesperson:
        if not office or month is None:
            raise ValueError("salesperson")
        return SALESPERSON_MONTH
    if office:
        return BRANCH_YEAR if month is None else BRANCH_MONTH
    if month is not None:
        raise ValueError("month")
    return REGION if region else DEPARTMENT


def clean_year(value) -> int:
    if isinstance(value, bool):
        raise BadNumber("year")
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        raise BadNumber("year") from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise BadNumber("year")
    return year


def clean_month(value) -> int | None:
    """1–12, or None (blank) for the whole year."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise BadNumber("month")
    try:
        month = int(str(value).strip())
    except (TypeError, ValueError):
        raise BadNumber("month") from None
    if not 1 <= month <= 12:
        raise BadNumber("month")
    return month


def clean_amount(value) -> Decimal:
    """At least zero, under 10^12, at most 2 decimals, written out (no exponent)."""
    if isinstance(value, bool) or value is None:
        raise BadNumber("amount")
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise BadNumber("amount") from None
    if not amount.is_finite() or amount.as_tuple().exponent < -2:
        raise BadNumber("amount")
    if isinstance(value, str) and "e" in value.lower():
        raise BadNumber("amount")
    if not Decimal(0) <= amount < MAX_AMOUNT:
        raise BadNumber("amount")
    return amount.quantize(CENTS)


def variance(target: Decimal | None, actual: Decimal) -> tuple[Decimal | None, Decimal | None]:
    """R-17.2: signed − target, and that as a fraction of the target (None without a target,
    or for a target of zero)."""
    if target is None:
        return None, None
    diff = actual - target
    return diff, (diff / target if target else None)


def explanation_required(target: Decimal | None, actual: Decimal, percent: Decimal) -> bool:
    """R-17.2: the variance is more than `percent` % of the target (exactly the percentage is
    not); a month with a target of zero and an actual above it counts as over."""
    if target is None:
        return False
    if target == 0:
        return actual > 0
    return abs(actual - target) * 100 > percent * target
