"""Quote jobs (API.md's table style): each selects by state and calls one service."""

from django.db import transaction

from common.history import job_context
from common.tasks import parse_now
from salesoffice.celery import app

from . import services

EXPIRE = "quotes.expire"


@app.task(name=EXPIRE)
def expire(now: str | None = None) -> int:
    """R-11.3: daily, approved quotes still open after their validity date expire."""
    with transaction.atomic(), job_context(EXPIRE):
        return services.quotes_expire(now=parse_now(now))
