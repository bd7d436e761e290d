"""History context for work done outside a request: Celery jobs and management commands."""

import contextlib

import pghistory
from django.db import connection


@contextlib.contextmanager
def job_context(name: str, **extra):
    """Use as `with transaction.atomic(), job_context("claims.expire_stale"):` so that history
    rows name the job, and so that two runs of one job take turns: two beat processes sending
    the same tick, or a re-delivered task beside a slow one (issue 7). Inside a transaction it
    takes a transaction-level advisory lock on the job's name, released at commit; the second
    run then starts from the first one's committed work, and each job is written so that
    running it again changes nothing more."""
    if connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"job:{name}"])
    with pghistory.context(job=name, **extra):
        yield
