"""Pure rules of the dealers' pages and reports (R-17.5, R-9.7): no database."""

import datetime
from decimal import Decimal

from reports.periods import WEEK, Period

from .choices import TRANSITIONS


def may_move(current: str, target: str) -> bool:
    """R-17.5: a dispute moves only along choices.TRANSITIONS."""
    return target in TRANSITIONS.get(current, set())


def is_short(quantity: Decimal, note: str) -> bool:
    """R-9.7: a dealer's stock of a product is short when none is left or the salesperson
    noted why it is short and the remedy."""
    return quantity <= 0 or bool((note or "").strip())


def change(now: Decimal, before: Decimal) -> Decimal | None:
    """Change against last year as a ratio (0.25 = +25 %); None when last year had nothing."""
    if not before:
        return None
    return ((now - before) / before).quantize(Decimal("0.0001"))


def _shift_year(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February → 28 February
        return day.replace(year=day.year + years, day=28)


def same_period_last_year(period: Period) -> Period:
    """The period a year before: a week the same weekdays 52 weeks before; a month, a year or
    a range the same dates a year before (the month's last day when the month is shorter)."""
    if period.kind == WEEK:
        back = datetime.timedelta(days=364)
        return Period(period.kind, period.start - back, period.end - back)
    start = _shift_year(period.start, -1)
    end = _shift_year(period.end, -1)
    if period.end.month == 2 and period.end.day >= 28:
        end = (end.replace(day=1) + datetime.timedelta(days=31)).replace(day=1)
        end -= datetime.timedelta(days=1)
    return Period(period.kind, start, end)
