"""A real Celery worker process on the real Redis runs a task against the test database.

The worker is a child process (`celery -A salesoffice worker`) with the test settings, pointed
at pytest's test database (test_salesoffice, or test_salesoffice_gw<N> under xdist) and at the
same Redis as this process. It consumes only a queue named for this test run, so parallel
workers and other runs never take each other's messages.
"""

import time
import uuid

import pytest
from celery.utils.nodenames import gethostname
from django.conf import settings
from django.db import connection
from django.utils import timezone

from common.models import JobRun
from salesoffice.celery import app

HEARTBEAT = "system.heartbeat"
WAIT_FOR_TASK_S = 30


def registered_tasks() -> set[str]:
    """Tasks the worker and beat processes know: they import the default modules at start."""
    app.loader.import_default_modules()
    return set(app.tasks)


def test_celery_configuration():
    assert HEARTBEAT in registered_tasks()
    assert app.conf.broker_url == settings.REDIS_URL
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.task_time_limit and app.conf.task_soft_time_limit
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_runs_heartbeat_against_the_test_database(worker):
    # A moment no other run uses: the row it creates is ours and nobody else's.
    moment = timezone.localtime(timezone.now()).replace(microsecond=uuid.uuid4().int % 1_000_000)
    now = moment.isoformat()
    assert now.endswith("+08:00"), now

    app.send_task(HEARTBEAT, kwargs={"now": now}, queue=worker.queue)

    deadline = time.monotonic() + WAIT_FOR_TASK_S
    run = None
    while run is None and time.monotonic() < deadline:
        assert worker.running(), (
            f"the worker exited early (code {worker.process.returncode}):\n{worker.log()}"
        )
        run = JobRun.objects.filter(ran_at=moment).first()
        if run is None:
            time.sleep(0.2)

    assert run is not None, (
        f"no JobRun at {now} after {WAIT_FOR_TASK_S} s in {connection.settings_dict['NAME']}; "
        f"worker log:\n{worker.log()}"
    )
    assert run.name == HEARTBEAT
    assert run.worker == f"{worker.name}@{gethostname()}", worker.log()
