"""History context for work done outside a request: Celery jobs and management commands."""

import pghistory


def job_context(name: str, **extra):
    """Use as `with job_context("claims.expire_stale"):` so history rows name the job."""
    return pghistory.context(job=name, **extra)
