"""R-2.8 on a real worker: the task named "reception.compile_daily", sent through Redis to a
`celery worker` child process on the test database, writes the day's DailyCount rows (equal
to the live counts) and tells the sales assistant once. The worker is the integration tests'
`worker` fixture (its own queue per test, stopped before the database is flushed)."""

import datetime
import time
from zoneinfo import ZoneInfo

import pytest

from leads.models import SourceChannel
from notifications.models import Notification
from reception import services
from reception.choices import CallKind
from reception.daily_counts import FIELDS, front_desk_counts
from reception.models import DailyCount
from salesoffice.celery import app
from staff.choices import Role
from staff.factories import OfficeFactory, UserFactory

SH = ZoneInfo("Asia/Shanghai")
DAY = datetime.date(2026, 11, 27)
NOW = datetime.datetime(2026, 11, 27, 23, 55, tzinfo=SH)
WAIT_FOR_TASK_S = 30


def _channel(code: str) -> SourceChannel:
    # a transactional test may run after another one flushed the migrations' channels
    return SourceChannel.objects.get_or_create(code=code, defaults={"name": code})[0]


def _counts(rows) -> list[tuple]:
    return sorted((r.pop("source_channel_id") or 0, *(r[f] for f in FIELDS)) for r in rows)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_compiles_the_front_desk_counts(worker):
    office = OfficeFactory(code="h2-compile")
    secretary = UserFactory(username="h2-secretary", roles=[Role.SECRETARY], offices=[office])
    assistant = UserFactory(username="h2-assistant", roles=[Role.ASSISTANT], offices=[office])
    for n, code in enumerate(("newspaper", "newspaper", "online")):
        services.visit_register(
            office=office,
            actor=secretary,
            phone=f"1380000000{n}",
            source_channel=_channel(code),
            now=datetime.datetime(2026, 11, 27, 9 + n, tzinfo=SH),
        )
    services.call_register(
        office=office,
        actor=secretary,
        kind=CallKind.NON_CUSTOMER,
        content="推销",
        caller="广告公司",
        now=datetime.datetime(2026, 11, 27, 15, tzinfo=SH),
    )

    app.send_task("reception.compile_daily", kwargs={"now": NOW.isoformat()}, queue=worker.queue)

    deadline = time.monotonic() + WAIT_FOR_TASK_S
    notified = False
    while not notified and time.monotonic() < deadline:
        assert worker.running(), f"the worker exited early:\n{worker.log()}"
        # the notice is written in the same transaction as the rows: both or neither
        notified = Notification.objects.filter(
            recipient=assistant, kind="daily_counts_compiled"
        ).exists()
        if not notified:
            time.sleep(0.2)

    assert notified, f"no compilation after {WAIT_FOR_TASK_S} s; worker log:\n{worker.log()}"
    assert Notification.objects.filter(kind="daily_counts_compiled").count() == 1
    rows = DailyCount.objects.filter(office=office, date=DAY).values("source_channel_id", *FIELDS)
    start = datetime.datetime(2026, 11, 27, tzinfo=SH)
    live = front_desk_counts(office, start, start + datetime.timedelta(days=1))
    assert _counts(list(rows)) == _counts(live)
    assert len(live) == 3  # newspaper, online, and the call without a channel
    assert sum(r["walk_in_parties"] for r in live) == 3
