"""Two beat processes running at once (issue 7) send every job twice; nothing is doubled: the
jobs take turns (common.history.job_context's advisory lock) and each is idempotent. Real
processes: two `celery beat` with the database scheduler, two workers, the real Redis.

The jobs run every second until each beat has sent them at least twice: the morning warning
(one notice per salesperson per day, R-3.5) and the expiry (one release event per stale claim,
R-3.3).
"""

import datetime
import time

import pytest
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from attribution.choices import ClaimEventKind, ClaimStatus
from attribution.models import Claim, ClaimEvent
from attribution.services import claim_start
from leads.factories import CustomerFactory
from leads.models import SourceChannel
from notifications.models import Notification

from .workers import Beat

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

START_WITHIN_S = 90
WARN_SENT = "Sending due task test claims.warn_expiring"


def sent_by(beat) -> int:
    return beat.log().count(WARN_SENT)


def claims(office, owner, *, days_ago: int, count: int) -> list[Claim]:
    at = timezone.now() - datetime.timedelta(days=days_ago)
    made = []
    for _ in range(count):
        customer = CustomerFactory(office=office, registered_by=owner)
        made.append(
            claim_start(household=customer.household, owner=owner, now=at, actor=owner, detail={})
        )
    return made


def test_two_beats_double_nothing(start_worker, tmp_path, office, salesperson, other_salesperson):
    SourceChannel.objects.get_or_create(code="passing", defaults={"name": "路过"})
    stale = claims(office, salesperson, days_ago=30, count=3)
    claims(office, salesperson, days_ago=6, count=2)  # ending within the warning days
    claims(office, other_salesperson, days_ago=6, count=1)
    workers = [start_worker("solo"), start_worker("solo")]
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period="seconds")
    for job in ("claims.expire_stale", "claims.warn_expiring"):
        PeriodicTask.objects.create(
            name=f"test {job}",
            task=job,
            interval=every_second,
            queue=workers[0].queue,
        )
    beats = [Beat(tmp_path / f"beat-{n}.log", queue="", name=f"beat-{n}") for n in range(2)]
    try:
        for beat in beats:
            beat.start()
        # until each beat has sent the warning at least twice (slow to start on a busy machine)
        deadline = time.monotonic() + START_WITHIN_S
        while time.monotonic() < deadline and min(sent_by(beat) for beat in beats) < 2:
            time.sleep(0.5)
    finally:
        for beat in beats:
            beat.stop()
    time.sleep(2)  # let the workers finish what was sent
    logs = [beat.log() for beat in beats]
    sent = [log.count(WARN_SENT) for log in logs]
    ran = sum(
        line.endswith("received")
        for w in workers
        for line in w.log().splitlines()
        if "Task claims.warn_expiring[" in line
    )
    print(f"two beats: warn_expiring sent {sent}, received {ran} times by the workers")
    assert all(n >= 2 for n in sent), logs  # both beats really sent, more than once
    warned = Notification.objects.filter(kind="claims_expiring")
    assert sorted(warned.values_list("recipient_id", flat=True)) == sorted(
        [salesperson.pk, other_salesperson.pk]
    )  # one notice each, however many runs
    released = ClaimEvent.objects.filter(kind=ClaimEventKind.RELEASED)
    assert sorted(released.values_list("claim_id", flat=True)) == sorted(c.pk for c in stale)
    assert Claim.objects.filter(status=ClaimStatus.RELEASED).count() == len(stale)
