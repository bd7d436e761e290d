"""Ownership jobs (API.md): each fetches nothing but the clock and calls one service."""

from common.tasks import parse_now
from salesoffice.celery import app

from .services import expiry


@app.task(name=expiry.EXPIRE)
def expire_stale(now: str | None = None) -> int:
    return expiry.claims_expire_stale(now=parse_now(now))


@app.task(name=expiry.WARN)
def warn_expiring(now: str | None = None) -> int:
    return expiry.claims_warn_expiring(now=parse_now(now))
