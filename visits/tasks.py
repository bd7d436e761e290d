"""Visit jobs (API.md): each fetches nothing but the clock and calls one service."""

from common.tasks import parse_now
from salesoffice.celery import app

from . import overdue


@app.task(name=overdue.FLAG)
def flag_overdue_visits(now: str | None = None) -> int:
    """R-9.8: daily 08:00, tell owners and managers of the accounts overdue for a visit."""
    return overdue.overdue_notify(now=parse_now(now))
