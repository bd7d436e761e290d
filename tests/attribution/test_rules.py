"""R-3.2 protection end, computed in one place."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from attribution.rules import is_protected, last_protected_day, protection_end, protection_left

SH = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime.datetime(*args, tzinfo=SH)


@pytest.mark.parametrize(
    "rule, contact, released_at",
    [
        (
            "R-3.2 worked example: Mon 15:00 → released the Tuesday after next, 00:00",
            at(2026, 3, 2, 15, 0),
            at(2026, 3, 10, 0, 0),
        ),
        (
            "R-3.2 a contact just before midnight counts for that day",
            at(2026, 3, 2, 23, 59, 59),
            at(2026, 3, 10, 0, 0),
        ),
        (
            "R-3.2 a contact just after midnight counts for the new day",
            at(2026, 3, 3, 0, 0, 1),
            at(2026, 3, 11, 0, 0),
        ),
        ("R-3.2 across a month end", at(2026, 2, 25, 10, 0), at(2026, 3, 5, 0, 0)),
        (
            "R-3.2 the local day decides, not UTC's (Shanghai 07:00 is UTC 23:00 the day before)",
            datetime.datetime(2026, 3, 1, 23, 0, tzinfo=datetime.UTC),
            at(2026, 3, 10, 0, 0),
        ),
    ],
)
def test_protection_end(rule, contact, released_at):
    assert protection_end(contact, tz=SH, days=7) == released_at, rule


def test_protected_through_the_last_second_and_released_at_midnight():
    end = protection_end(at(2026, 3, 2, 15, 0), tz=SH, days=7)
    assert is_protected(end, at(2026, 3, 9, 23, 59, 59))
    assert not is_protected(end, at(2026, 3, 10, 0, 0))


# ---------------------------------------------------------------- what a reader is told


EXAMPLE_END = protection_end(at(2026, 3, 2, 15, 0), tz=SH, days=7)  # released 03-10 00:00


@pytest.mark.parametrize(
    "rule, today, through, days_left, ends_today",
    [
        (
            "R-3.2 example, the contact day: protected through Mon 03-09, 7 days left",
            datetime.date(2026, 3, 2),
            datetime.date(2026, 3, 9),
            7,
            False,
        ),
        (
            "R-3.2 example, the day before the last: 1 day left",
            datetime.date(2026, 3, 8),
            datetime.date(2026, 3, 9),
            1,
            False,
        ),
        (
            "R-3.2 example, the last protected day: ends today",
            datetime.date(2026, 3, 9),
            datetime.date(2026, 3, 9),
            0,
            True,
        ),
    ],
)
def test_protection_left(rule, today, through, days_left, ends_today):
    left = protection_left(EXAMPLE_END, tz=SH, today=today)
    assert (left.through, left.days_left, left.ends_today) == (through, days_left, ends_today), rule


def test_the_last_protected_day_is_the_office_local_day_before_release():
    # released at 00:00 Shanghai = 16:00 UTC the day before: the last day is still 03-09
    utc_end = EXAMPLE_END.astimezone(datetime.UTC)
    assert last_protected_day(utc_end, tz=SH) == datetime.date(2026, 3, 9)
    # a release instant that is not a midnight (an office whose zone changed): its own day
    assert last_protected_day(at(2026, 3, 10, 8, 0), tz=SH) == datetime.date(2026, 3, 10)
