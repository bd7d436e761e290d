"""Pure rules of visits (no database): when an account falls due (R-9.3, R-9.8) and when next
week's plan is due (R-9.6)."""

import datetime


def interval_for(grade: str | None, office) -> int | None:
    """R-9.3: the office's visit interval for a grade; an account without a grade has none."""
    return {
        "A": office.visit_interval_a,
        "B": office.visit_interval_b,
        "C": office.visit_interval_c,
    }.get(grade or "")


def due_on(last_visit: datetime.date | None, since: datetime.date, interval: int | None):
    """R-9.8: the day the next visit is due: `interval` days after the last visit, or after
    `since` (the day the account was opened) when it was never visited. None without a grade."""
    if interval is None:
        return None
    return (last_visit or since) + datetime.timedelta(days=interval)


def days_overdue(due: datetime.date | None, today: datetime.date) -> int:
    """R-9.8: how many days past its due day an account is (0: not overdue). An account is
    overdue once its last visit is older than its interval, i.e. from the day after it fell
    due."""
    if due is None:
        return 0
    return max((today - due).days, 0)


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of the week holding `day`."""
    return day - datetime.timedelta(days=day.weekday())


def next_week_start(today: datetime.date) -> datetime.date:
    """R-9.6: the week a plan made today is for."""
    return week_start(today) + datetime.timedelta(days=7)


def plan_deadline(
    week: datetime.date, *, weekday: int, at: datetime.time, tzinfo
) -> datetime.datetime:
    """R-9.6: the moment the plan for the week starting `week` (a Monday) is due: the office's
    plan weekday (default Saturday) of the week before, at its deadline (default 12:00)."""
    day = week - datetime.timedelta(days=7) + datetime.timedelta(days=weekday)
    return datetime.datetime.combine(day, at, tzinfo=tzinfo)
