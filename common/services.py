import datetime

from django.db import transaction

from .history import job_context
from .models import JobRun

HEARTBEAT = "system.heartbeat"


def heartbeat_record(*, now: datetime.datetime, worker: str = "") -> JobRun:
    """Record that the scheduler and a worker are alive. Runs from beat every minute."""
    with transaction.atomic(), job_context(HEARTBEAT):
        return JobRun.objects.create(name=HEARTBEAT, ran_at=now, worker=worker)


def heartbeat_prune(*, before: datetime.datetime) -> int:
    """Keep the heartbeat log short: one set-based DELETE of old rows."""
    deleted, _ = JobRun.objects.filter(name=HEARTBEAT, ran_at__lt=before).delete()
    return deleted
