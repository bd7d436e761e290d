"""R-2.8: the front desk's counts by source channel and by office-local day, compiled every
evening (reception.compile_daily) for the sales assistant. Fixtures go through the desk's
services; every number below is counted by hand."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from leads.factories import CustomerFactory, channel
from notifications.models import Notification
from reception import daily_counts, services
from reception.choices import CallKind
from reception.daily_counts import (
    daily_counts_compile,
    daily_counts_compile_all,
    front_desk_counts,
    front_desk_daily,
)
from reception.models import DailyCount
from reception.tasks import compile_daily
from reports.periods import Period
from salesoffice.celery import app
from staff.choices import Role
from staff.factories import OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
DAY = datetime.date(2026, 11, 27)
NOW = datetime.datetime(2026, 11, 27, 23, 55, tzinfo=SH)  # the job's schedule
MIDNIGHT = datetime.datetime(2026, 11, 27, 0, 0, tzinfo=SH)
LAST_SECOND = datetime.datetime(2026, 11, 27, 23, 59, 59, tzinfo=SH)
FIELDS = daily_counts.FIELDS


def at(hour, minute=0, day=DAY):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SH)


def visit(office, secretary, phone, when, code="newspaper"):
    return services.visit_register(
        office=office, actor=secretary, phone=phone, source_channel=channel(code), now=when
    )[0]


def call(office, secretary, when, *, phone="", code=None, kind=CallKind.CUSTOMER):
    return services.call_register(
        office=office,
        actor=secretary,
        kind=kind,
        content="问价格",
        now=when,
        phone=phone,
        caller="" if kind == CallKind.CUSTOMER else "快递",
        source_channel=channel(code) if code else None,
    )


@pytest.fixture
def desk(office, other_office, secretary):
    """The day 2026-11-27 at the desk, with records just outside it and in another office."""
    other_secretary = UserFactory(
        username="secretary-riverside", roles=[Role.SECRETARY], offices=[other_office]
    )
    CustomerFactory(
        office=office,
        phone="13900000009",
        source_channel=channel("passing"),
        registered_at=at(9, day=DAY - datetime.timedelta(days=30)),
    )
    # the day: 3 walk-in parties, 2 customer calls, 2 non-customer calls
    visit(office, secretary, "13800000001", MIDNIGHT)  # newspaper, new
    visit(office, secretary, "13900000009", at(12))  # newspaper, returning
    visit(office, secretary, "13800000002", LAST_SECOND, "online")  # online, new
    call(office, secretary, at(8), phone="13800000003", code="online")  # online, new caller
    call(office, secretary, at(9), phone="13900000009")  # returning caller: channel "phone"
    call(office, secretary, at(10), kind=CallKind.NON_CUSTOMER)
    call(office, secretary, LAST_SECOND, kind=CallKind.NON_CUSTOMER)
    # just outside the day
    visit(office, secretary, "13800000004", MIDNIGHT - datetime.timedelta(seconds=1))
    visit(office, secretary, "13800000005", MIDNIGHT + datetime.timedelta(days=1))
    call(office, secretary, MIDNIGHT + datetime.timedelta(days=1), kind=CallKind.NON_CUSTOMER)
    # another office, the same day
    visit(other_office, other_secretary, "13800000001", at(12))
    call(other_office, other_secretary, at(10), kind=CallKind.NON_CUSTOMER)


EXPECTED = [
    # channel, walk-in parties, new, returning, customer calls, non-customer calls
    ("Newspaper", 2, 1, 1, 0, 0),
    ("Online ad", 1, 1, 0, 1, 0),
    ("Phone", 0, 0, 0, 1, 0),
    ("No channel", 0, 0, 0, 0, 2),
]


def table(rows):
    return [(row["channel"], *(row[f] for f in FIELDS)) for row in rows]


def day_bounds(day=DAY):
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=SH)
    return start, start + datetime.timedelta(days=1)


def test_r_2_8_counts_by_source_channel_within_the_office_local_day(office, desk):
    with translation.override("en"):
        rows = front_desk_counts(office, *day_bounds())
    assert table(rows) == EXPECTED
    assert rows[-1]["source_channel_id"] is None


def test_r_2_8_counts_per_office_local_day_include_empty_days(office, desk):
    period = Period("range", DAY - datetime.timedelta(days=1), DAY + datetime.timedelta(days=2))
    rows = front_desk_daily(office, period)
    assert [(r["date"], *(r[f] for f in FIELDS)) for r in rows] == [
        (datetime.date(2026, 11, 26), 1, 1, 0, 0, 0),
        (DAY, 3, 2, 1, 2, 2),
        (datetime.date(2026, 11, 28), 1, 1, 0, 0, 1),
        (datetime.date(2026, 11, 29), 0, 0, 0, 0, 0),
    ]


def test_counts_take_a_constant_number_of_queries(
    office, secretary, desk, django_assert_num_queries
):
    period = Period("week", DAY - datetime.timedelta(days=6), DAY)
    with django_assert_num_queries(3):
        front_desk_counts(office, *period.bounds(office))
    with django_assert_num_queries(2):
        front_desk_daily(office, period)
    for n in range(5):  # more records, the same queries
        visit(office, secretary, f"1370000000{n}", at(14, n), "billboard")
        call(office, secretary, at(15, n), kind=CallKind.NON_CUSTOMER)
    with django_assert_num_queries(3):
        rows = front_desk_counts(office, *period.bounds(office))
    with django_assert_num_queries(2):
        front_desk_daily(office, period)
    assert sum(r["walk_in_parties"] for r in rows) == 3 + 1 + 5


def stored(office, day=DAY):
    rows = DailyCount.objects.filter(office=office, date=day)
    return sorted(
        ((r.source_channel_id or 0, *(getattr(r, f) for f in FIELDS)) for r in rows),
    )


def live(office, day=DAY):
    rows = front_desk_counts(office, *day_bounds(day))
    return sorted((r["source_channel_id"] or 0, *(r[f] for f in FIELDS)) for r in rows)


def test_r_2_8_compiled_rows_equal_the_live_counts_and_a_rerun_changes_nothing(
    office, desk, assistant
):
    second = UserFactory(username="assistant2", roles=[Role.ASSISTANT], offices=[office])
    UserFactory(username="gone", roles=[Role.ASSISTANT], offices=[office], is_active=False)
    daily_counts_compile(office=office, date=DAY, now=NOW)
    first = stored(office)
    assert first == live(office)
    assert len(first) == 4
    daily_counts_compile(office=office, date=DAY, now=NOW + datetime.timedelta(minutes=3))
    assert stored(office) == first  # idempotent: the same rows, not twice as many
    assert DailyCount.objects.filter(office=office).count() == 4
    notices = Notification.objects.filter(kind="daily_counts_compiled")
    assert sorted(n.recipient.username for n in notices) == ["assistant", "assistant2"]
    notice = notices.get(recipient=assistant)
    assert notice.params["date"] == "2026-11-27"
    assert notice.params["office"] == office.name
    assert notice.url == f"/reports/front-desk/?office={office.pk}&period=day&date=2026-11-27"
    assert not second.notifications.exclude(kind="daily_counts_compiled").exists()


def test_recompiling_replaces_the_rows_with_the_new_counts(office, desk, secretary):
    daily_counts_compile(office=office, date=DAY, now=NOW)
    visit(office, secretary, "13700000099", at(23, 56), "billboard")  # after the first run
    daily_counts_compile(office=office, date=DAY, now=LAST_SECOND)
    assert stored(office) == live(office)
    assert DailyCount.objects.get(office=office, date=DAY, source_channel=channel("billboard"))
    assert set(DailyCount.objects.values_list("compiled_at", flat=True)) == {LAST_SECOND}


def test_a_day_without_records_has_no_rows_but_the_assistant_is_told(office, assistant):
    daily_counts_compile(office=office, date=DAY, now=NOW)
    assert not DailyCount.objects.exists()
    assert Notification.objects.filter(recipient=assistant, kind="daily_counts_compiled").count()


def test_compile_all_compiles_each_office_s_day_just_ended_or_ending(
    office, other_office, desk, assistant
):
    # 23:55 in Shanghai is already 04:55 on the 28th in Auckland (UTC+13 in November): there
    # the run compiles the 27th, which ended five hours ago, not the 28th's first hours
    other_office.timezone = "Pacific/Auckland"
    other_office.save()
    closed = OfficeFactory(code="closed", is_active=False)
    other_assistant = UserFactory(
        username="assistant-riverside", roles=[Role.ASSISTANT], offices=[other_office]
    )
    written = daily_counts_compile_all(now=NOW)
    assert written == 4 + 2  # the office's four rows and Auckland's two of its 27th
    assert stored(office) == live(office)
    assert len(stored(other_office)) == 2
    assert not DailyCount.objects.filter(office=closed).exists()
    notice = Notification.objects.get(recipient=other_assistant)
    assert notice.params["date"] == "2026-11-27"
    assert Notification.objects.filter(recipient=assistant).count() == 1


def test_the_task_is_registered_under_its_api_name_and_runs(office, desk, assistant):
    app.loader.import_default_modules()
    task = app.tasks["reception.compile_daily"]
    result = task.apply(kwargs={"now": NOW.isoformat()})
    assert result.get() == 4 + 2  # and the other office's two rows
    assert stored(office) == live(office)


def test_the_task_refuses_a_time_without_offset():
    with pytest.raises(ValueError):
        compile_daily.apply(kwargs={"now": "2026-11-27T23:55:00"}, throw=True)
