"""Pure rules of approvals and the office calendar (no database)."""

import datetime


def is_working_day(day: datetime.date, *, off: set[datetime.date], on: set[datetime.date]) -> bool:
    """R-8.4, R-13.2: weekdays work unless marked a holiday; weekends rest unless marked."""
    if day in off:
        return False
    if day in on:
        return True
    return day.weekday() < 5


def working_days_between(
    start: datetime.date,
    end: datetime.date,
    *,
    off: set[datetime.date],
    on: set[datetime.date],
) -> int:
    """The working days after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        count += is_working_day(day, off=off, on=on)
    return count


def add_working_days(
    start: datetime.date, days: int, *, off: set[datetime.date], on: set[datetime.date]
) -> datetime.date:
    """The `days`-th working day after `start`."""
    day, left = start, days
    while left > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day, off=off, on=on):
            left -= 1
    return day


LATE_AFTER_WORKING_DAYS = 1


def late_from(
    waiting_since: datetime.date, *, off: set[datetime.date], on: set[datetime.date]
) -> datetime.date:
    """R-8.4: a step waiting since `waiting_since` (a local date) has the rest of that day and
    one whole working day; it is late from the day after that working day."""
    last = add_working_days(waiting_since, LATE_AFTER_WORKING_DAYS, off=off, on=on)
    return last + datetime.timedelta(days=1)


def is_late(
    waiting_since: datetime.date,
    today: datetime.date,
    *,
    off: set[datetime.date],
    on: set[datetime.date],
) -> bool:
    return today >= late_from(waiting_since, off=off, on=on)
