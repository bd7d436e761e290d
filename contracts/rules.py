"""The rules of contracts as pure functions (no database): credit, filing days, the register."""

import calendar
import datetime
from collections.abc import Iterable
from decimal import Decimal

REGISTER_DUE_DAY = 5  # by the 5th of each month, the previous month's register


def over_credit(*, exposure: Decimal, amount: Decimal, limit: Decimal) -> bool:
    """R-9.5: the contract takes the account's exposure above its credit limit (at the limit
    is still within it)."""
    return exposure + amount > limit


def local_day(moment: datetime.datetime, tz) -> datetime.date:
    return moment.astimezone(tz).date()


def filed_late(*, signed_at, filed_at, tz) -> bool:
    """R-12.2: the clerk files a signed contract the same day (当日保管存档)."""
    if signed_at is None or filed_at is None:
        return False
    return local_day(filed_at, tz) > local_day(signed_at, tz)


def filing_overdue(*, signed_at, now: datetime.datetime, tz) -> bool:
    """R-12.2: a contract not filed by the end of its signing day."""
    return signed_at is not None and local_day(now, tz) > local_day(signed_at, tz)


def month_bounds(year: int, month: int, tz) -> tuple[datetime.datetime, datetime.datetime]:
    """The first moment of the month and of the next one, in the office's time zone."""
    start = datetime.datetime(year, month, 1, tzinfo=tz)
    following = next_month(year, month)
    return start, datetime.datetime(*following, 1, tzinfo=tz)


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def register_due(year: int, month: int) -> datetime.date:
    """R-12.2: a month's register is closed by the 5th of the next month."""
    following = next_month(year, month)
    return datetime.date(*following, REGISTER_DUE_DAY)


def register_closable(year: int, month: int, today: datetime.date) -> bool:
    """A register is closed once its month is over (never a month still running)."""
    last = datetime.date(year, month, calendar.monthrange(year, month)[1])
    return today > last


def register_late(*, year: int, month: int, closed_on: datetime.date | None, today) -> bool:
    """Closed after the 5th, or still open after it."""
    due = register_due(year, month)
    return (closed_on or today) > due


def missing_sequences(previous_last: int, sequences: Iterable[int]) -> list[int]:
    """R-12.2: the numbers of a month run on from the last number of the months before it;
    every number between that and the month's last that no contract carries is a gap."""
    present = set(sequences)
    if not present:
        return []
    return [n for n in range(previous_last + 1, max(present) + 1) if n not in present]


def line_deviations(line: dict, quote_line) -> dict[str, tuple]:
    """R-8.3, R-12.1: what a contract line changes against the quote's line it came from:
    field → (quote's value, contract's value). A line with no quote line deviates entirely."""
    if quote_line is None:
        return {"line": (None, "new")}
    changes = {}
    for name in ("product_id", "quantity", "unit_price"):
        quoted, now = getattr(quote_line, name), line[name]
        if quoted != now:
            changes[name.removesuffix("_id")] = (quoted, now)
    return changes
