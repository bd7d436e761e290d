"""The written part of the weekly and monthly reports (R-7.4): submission, the first
submission time kept on edit, lateness after the due time (Sunday / the month's last day at
17:00, office-local), and the status of every report owed."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from reports.choices import ReportKind
from reports.models import PeriodReport
from reports.periodic import (
    LATE,
    MISSING,
    NOT_DUE,
    ON_TIME,
    is_late,
    report_period,
    report_statuses,
    report_submit,
    status_of,
    team_report_rows,
)
from reports.periods import Period, month_of
from staff.choices import Role
from staff.factories import OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
WEEK = Period("week", datetime.date(2026, 3, 9), datetime.date(2026, 3, 15))  # Mon–Sun
MARCH = Period("month", datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))


def at(month, day, hour=10, minute=0):
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=SH)


def submit(author, office, now, *, kind=ReportKind.WEEKLY, period=WEEK, summary="本周接待 3 组"):
    return report_submit(
        author=author,
        office=office,
        kind=kind,
        period=period,
        summary=summary,
        problems="停车难",
        plan="回访老客户",
        now=now,
    )


def test_report_periods_follow_the_office_settings(office):
    assert report_period(ReportKind.WEEKLY, datetime.date(2026, 3, 11), office) == WEEK
    assert report_period(ReportKind.MONTHLY, datetime.date(2026, 3, 11), office) == MARCH
    assert WEEK.due_at(office) == at(3, 15, 17)  # Sunday 17:00
    assert MARCH.due_at(office) == at(3, 31, 17)  # the month's last day 17:00


def test_first_submission_kept_on_edit(office, salesperson):
    first = submit(salesperson, office, at(3, 15, 16))
    again = submit(salesperson, office, at(3, 16, 9), summary="改过的总结")
    assert first.pk == again.pk
    report = PeriodReport.objects.get()
    assert (report.summary, report.submitted_at, report.updated_at) == (
        "改过的总结",
        at(3, 15, 16),
        at(3, 16, 9),
    )
    assert (report.period_start, report.period_end) == (WEEK.start, WEEK.end)
    assert is_late(report, office) is False  # an edit after the deadline does not make it late


@pytest.mark.parametrize(
    "submitted, late",
    [
        (at(3, 15, 16, 59), False),
        (at(3, 15, 17, 0), False),
        (at(3, 15, 17, 1), True),
        (at(3, 16, 9), True),
        # 09:30 UTC on Sunday is 17:30 in Shanghai: late although before 17:00 UTC
        (datetime.datetime(2026, 3, 15, 9, 30, tzinfo=datetime.UTC), True),
    ],
    ids=["before", "at-deadline", "after", "next-day", "utc-clock"],
)
def test_weekly_late_after_sunday_17_shanghai(office, salesperson, submitted, late):
    report = submit(salesperson, office, submitted)
    assert is_late(report, office) is late
    assert status_of(report, WEEK, office, at(3, 20)) == (LATE if late else ON_TIME)


def test_a_late_first_submission_stays_late(office, salesperson):
    submit(salesperson, office, at(3, 15, 18))
    report = submit(salesperson, office, at(3, 15, 18, 5), summary="再交一次")
    assert report.submitted_at == at(3, 15, 18)
    assert is_late(report, office) is True


def test_monthly_due_on_the_last_day(office, salesperson):
    report = submit(salesperson, office, at(3, 31, 17, 1), kind=ReportKind.MONTHLY, period=MARCH)
    assert is_late(report, office) is True
    assert report.kind == ReportKind.MONTHLY


def test_missing_once_due_not_yet_due_before(office):
    assert status_of(None, WEEK, office, at(3, 15, 17)) == NOT_DUE
    assert status_of(None, WEEK, office, at(3, 15, 17, 1)) == MISSING


def test_the_office_weekday_setting_moves_the_week(salesperson):
    friday = OfficeFactory(code="friday-office", weekly_report_weekday=4)
    period = report_period(ReportKind.WEEKLY, datetime.date(2026, 3, 11), friday)
    assert (period.start, period.end) == (datetime.date(2026, 3, 7), datetime.date(2026, 3, 13))


@pytest.mark.parametrize(
    "kind, period, now, field",
    [
        # a week that is not a report week (Tuesday to Monday)
        (
            ReportKind.WEEKLY,
            Period("week", datetime.date(2026, 3, 10), datetime.date(2026, 3, 16)),
            at(3, 20),
            "period",
        ),
        # a month that is not a calendar month
        (
            ReportKind.MONTHLY,
            Period("month", datetime.date(2026, 3, 2), datetime.date(2026, 3, 31)),
            at(4, 1),
            "period",
        ),
        # a week given for a monthly report
        (ReportKind.MONTHLY, WEEK, at(3, 20), "period"),
        # a period that has not started (next week, office-local: still Sunday in Shanghai)
        (
            ReportKind.WEEKLY,
            Period("week", datetime.date(2026, 3, 16), datetime.date(2026, 3, 22)),
            at(3, 15, 23, 59),
            "period",
        ),
        (ReportKind.MONTHLY, month_of(datetime.date(2026, 4, 1)), at(3, 31, 23), "period"),
        ("yearly", WEEK, at(3, 20), "kind"),
    ],
    ids=["not-a-report-week", "not-a-month", "week-as-month", "next-week", "next-month", "kind"],
)
def test_validation(office, salesperson, kind, period, now, field):
    with pytest.raises(ValidationError) as exc:
        submit(salesperson, office, now, kind=kind, period=period)
    assert field in exc.value.message_dict
    assert not PeriodReport.objects.exists()


def test_the_summary_is_required(office, salesperson):
    with pytest.raises(ValidationError) as exc:
        submit(salesperson, office, at(3, 15), summary="   ")
    assert "summary" in exc.value.message_dict


def test_the_running_period_may_be_submitted(office, salesperson):
    report = submit(salesperson, office, at(3, 9, 0, 0))  # Monday 00:00 local: it has started
    assert report.submitted_at == at(3, 9, 0, 0)


def test_statuses_of_every_salesperson_in_one_query(
    office, salesperson, other_salesperson, django_assert_num_queries
):
    third = UserFactory(username="sales3", roles=[Role.SALESPERSON], offices=[office])
    submit(salesperson, office, at(3, 15, 12))
    submit(other_salesperson, office, at(3, 15, 18))
    people = [salesperson, other_salesperson, third]
    with django_assert_num_queries(1):
        rows = report_statuses(
            office=office, kind=ReportKind.WEEKLY, period=WEEK, authors=people, now=at(3, 16)
        )
    assert [(r.author, r.status) for r in rows] == [
        (salesperson, ON_TIME),
        (other_salesperson, LATE),
        (third, MISSING),
    ]
    monthly = report_statuses(
        office=office, kind=ReportKind.MONTHLY, period=MARCH, authors=people, now=at(3, 16)
    )
    assert {r.status for r in monthly} == {NOT_DUE}


def test_team_report_rows(office, other_office, manager, other_manager, django_assert_num_queries):
    submit(manager, office, at(3, 15, 17, 30), kind=ReportKind.TEAM_WEEKLY, period=WEEK)  # late
    with django_assert_num_queries(2):
        rows = team_report_rows(
            offices=[office, other_office], day=datetime.date(2026, 3, 12), now=at(3, 16)
        )
    assert [(r.office, r.status) for r in rows] == [(office, LATE), (other_office, MISSING)]
    assert rows[0].managers == [str(manager)]
    assert rows[0].reports[0].report.author == manager
    assert rows[1].managers == [str(other_manager)]
