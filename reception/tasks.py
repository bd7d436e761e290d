"""Front desk jobs (API.md): each fetches nothing but the clock and calls one service."""

from common.tasks import parse_now
from salesoffice.celery import app

from . import daily_counts


@app.task(name=daily_counts.COMPILE)
def compile_daily(now: str | None = None) -> int:
    """R-2.8: at 23:55 compile each active office's counts of its local today."""
    return daily_counts.daily_counts_compile_all(now=parse_now(now))
