"""Deal jobs (API.md): each fetches nothing but the clock and calls one service."""

from common.tasks import parse_now
from salesoffice.celery import app

from . import services


@app.task(name=services.EXPIRE_HOLDS)
def expire_holds(now: str | None = None) -> int:
    """R-6.2: lapse the holds past their expiry and owe their fees back."""
    return services.holds_expire(now=parse_now(now))
