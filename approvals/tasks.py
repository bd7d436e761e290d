"""Approval jobs (API.md): each fetches by state and calls one service."""

from common.tasks import parse_now
from salesoffice.celery import app

from . import services

FLAG_LATE = "approvals.flag_late"


@app.task(name=FLAG_LATE)
def flag_late(now: str | None = None) -> int:
    """R-8.4: hourly, the steps waiting longer than a working day."""
    return services.approvals_flag_late(now=parse_now(now))
