"""Pure rules of work plans (R-17.3): a plan's period and when it is due."""

import calendar
import datetime

from visits.rules import plan_deadline, week_start

from .choices import PlanKind


def period_of(kind: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """R-17.3: the period holding `day`: Monday to Sunday for a weekly plan, the calendar
    month for a monthly one."""
    if kind == PlanKind.WEEKLY:
        first = week_start(day)
        return first, first + datetime.timedelta(days=6)
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


def next_period_start(kind: str, day: datetime.date) -> datetime.date:
    """The first day of the period after the one holding `day`."""
    return period_of(kind, day)[1] + datetime.timedelta(days=1)


def due_at(kind: str, start: datetime.date, office) -> datetime.datetime:
    """R-17.3 with R-9.6: a weekly plan is due with the week's visit plan (the office's plan
    weekday of the week before, default Saturday 12:00); a monthly plan by the last day of the
    previous month at the office's report deadline."""
    if kind == PlanKind.WEEKLY:
        return plan_deadline(
            start,
            weekday=office.visit_plan_weekday,
            at=office.visit_plan_deadline,
            tzinfo=office.tzinfo,
        )
    eve = start - datetime.timedelta(days=1)
    return datetime.datetime.combine(eve, office.report_deadline, tzinfo=office.tzinfo)


def is_late(kind: str, start: datetime.date, office, submitted_at: datetime.datetime) -> bool:
    """Submitted after the moment it was due (at the moment itself: on time)."""
    return submitted_at > due_at(kind, start, office)
