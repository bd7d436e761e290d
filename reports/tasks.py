"""Diary jobs (API.md): each fetches nothing but the clock and calls one service."""

from common.tasks import parse_now
from salesoffice.celery import app

from . import services


@app.task(name=services.ASSESS_FINES)
def assess_fines(now: str | None = None) -> int:
    """R-7.2: the day's diary offences, for every office. At 23:59 the day is today."""
    return services.fines_assess(now=parse_now(now))
