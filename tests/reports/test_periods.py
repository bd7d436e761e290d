"""Report periods (R-7.4): weeks end on the office's report weekday (Sunday), months are
calendar months, bounds are office-local midnights, reports are due at 17:00 on the last day."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.http import QueryDict

from reports.periods import MONTH, RANGE, WEEK, Period, month_of, period_from, week_of
from staff.factories import OfficeFactory

SH = ZoneInfo("Asia/Shanghai")
THU = datetime.date(2026, 11, 26)


@pytest.fixture
def office():
    return OfficeFactory.build(timezone="Asia/Shanghai")


def test_week_runs_monday_to_sunday_and_is_due_sunday_17(office):
    week = week_of(THU, office)
    assert (week.start, week.end) == (datetime.date(2026, 11, 23), datetime.date(2026, 11, 29))
    assert week.due_at(office) == datetime.datetime(2026, 11, 29, 17, 0, tzinfo=SH)
    assert week_of(week.end, office) == week  # the Sunday belongs to its own week


def test_week_follows_the_office_report_weekday(office):
    office.weekly_report_weekday = 4  # Friday
    week = week_of(THU, office)
    assert (week.start, week.end) == (datetime.date(2026, 11, 21), datetime.date(2026, 11, 27))


def test_month_ends_on_its_last_day_including_leap_february():
    assert month_of(datetime.date(2028, 2, 10)).end == datetime.date(2028, 2, 29)
    assert month_of(THU) == Period(MONTH, datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))


def test_bounds_are_office_local_midnights(office):
    start, end = week_of(THU, office).bounds(office)
    assert start == datetime.datetime(2026, 11, 23, tzinfo=SH)
    assert end == datetime.datetime(2026, 11, 30, tzinfo=SH)
    assert start.astimezone(datetime.UTC).hour == 16  # the previous day in UTC


def test_previous_week_and_month(office):
    assert week_of(THU, office).previous(office).end == datetime.date(2026, 11, 22)
    assert month_of(THU).previous(office).start == datetime.date(2026, 10, 1)


def test_period_from_defaults_and_parses_a_range(office):
    period, form = period_from(QueryDict(""), office, THU)
    assert period.kind == WEEK and period.start == datetime.date(2026, 11, 23)
    assert form.initial["period"] == WEEK
    period, _ = period_from(QueryDict("period=range&start=2026-11-02&end=2026-11-05"), office, THU)
    assert (period.kind, len(period.days)) == (RANGE, 4)


@pytest.mark.parametrize(
    "query",
    [
        "period=range&start=2026-11-05&end=2026-11-02",  # backwards
        "period=range&start=2026-11-05",  # no end
        "period=range&start=2025-01-01&end=2026-11-05",  # too long
        "period=week&date=not-a-date",
    ],
)
def test_bad_periods_show_errors_and_fall_back_to_the_default(office, query):
    period, form = period_from(QueryDict(query), office, THU, default=MONTH)
    assert form.errors
    assert period == month_of(THU)
