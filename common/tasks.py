"""Tasks are endpoints: parse arguments, call one service. `now` is an ISO string for tests."""

import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from salesoffice.celery import app

from . import services


def parse_now(now: str | None) -> datetime.datetime:
    if now is None:
        return timezone.now()
    parsed = parse_datetime(now)
    if parsed is None or timezone.is_naive(parsed):
        raise ValueError(f"now must be an ISO 8601 time with offset, got {now!r}")
    return parsed


@app.task(name=services.HEARTBEAT, bind=True)
def heartbeat(self, now: str | None = None) -> int:
    moment = parse_now(now)
    run = services.heartbeat_record(now=moment, worker=self.request.hostname or "")
    services.heartbeat_prune(before=moment - datetime.timedelta(days=7))
    return run.pk
