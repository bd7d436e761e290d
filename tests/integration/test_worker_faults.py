"""A worker killed in the middle of a job (issue 7): with `acks_late` and
`task_reject_on_worker_lost` the job's message goes back to the queue, the job runs again, and
the end state equals one run — every stale claim released once, with one event each.

Real processes: a prefork worker (the pool's child runs the task), the real Redis and the test
database. The test holds a lock on one stale claim so that the job is caught mid-statement,
SIGKILLs the child that runs it, then lets go of the lock.
"""

import datetime
import subprocess
import time
from zoneinfo import ZoneInfo

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from attribution.choices import ClaimEventKind, ClaimStatus
from attribution.models import Claim, ClaimEvent
from attribution.services import claim_start
from common.backup import dsn_of
from leads.factories import CustomerFactory
from leads.models import SourceChannel
from salesoffice.celery import app

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SH = ZoneInfo("Asia/Shanghai")
STALE = 5
WAIT_S = 45


def wait_for(probe, what: str, worker, timeout: float = WAIT_S):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}; worker log:\n{worker.log()}")


def children_of(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(line) for line in out.split()]


def blocked_backends(dsn: str, mine: int) -> int:
    with psycopg.connect(dsn, autocommit=True) as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> %s",
            [mine],
        ).fetchone()[0]


@pytest.fixture
def stale_claims(office, salesperson):
    SourceChannel.objects.get_or_create(code="passing", defaults={"name": "路过"})
    long_ago = timezone.now() - datetime.timedelta(days=30)
    claims = []
    for _ in range(STALE):
        customer = CustomerFactory(office=office, registered_by=salesperson)
        claims.append(
            claim_start(
                household=customer.household,
                owner=salesperson,
                now=long_ago,
                actor=salesperson,
                detail={},
            )
        )
    return claims


def test_a_killed_worker_s_job_runs_again_and_ends_as_one_run(start_worker, stale_claims):
    worker = start_worker("prefork")
    wait_for(lambda: "ready" in worker.log(), "the worker to be ready", worker)
    dsn = dsn_of(connection.settings_dict)
    with psycopg.connect(dsn) as locker:
        locker.execute(
            "SELECT id FROM attribution_claim WHERE id = %s FOR UPDATE", [stale_claims[-1].pk]
        )
        app.send_task(
            "claims.expire_stale", kwargs={"now": timezone.now().isoformat()}, queue=worker.queue
        )
        wait_for(lambda: blocked_backends(dsn, locker.info.backend_pid), "the job to block", worker)
        child = wait_for(lambda: children_of(worker.process.pid), "the pool's child", worker)[0]
        subprocess.run(["kill", "-KILL", str(child)], check=True)
        wait_for(
            lambda: "WorkerLostError" in worker.log() or "signal 9" in worker.log(),
            "the worker to notice its child died",
            worker,
        )
        locker.rollback()  # let go: the re-delivered job can now finish

    def released() -> bool:
        return Claim.objects.filter(status=ClaimStatus.RELEASED).count() == STALE

    wait_for(released, "the re-run to release every stale claim", worker)
    time.sleep(2)  # anything still running would show now
    events = ClaimEvent.objects.filter(kind=ClaimEventKind.RELEASED)
    per_claim = sorted(events.values_list("claim_id", flat=True))
    assert per_claim == sorted(c.pk for c in stale_claims)  # exactly one event each
    received = worker.log().count("Task claims.expire_stale[")
    print(f"worker killed mid-job: job received {received} times, {len(per_claim)} releases")
    assert received >= 2  # it really ran twice
