"""claims.expire_stale against a bare SQL UPDATE of the same rows, in the same run.

Each is run inside a transaction that is rolled back, so both see the same stale claims, and
is timed with the foreign-key checks its commit would run (SET CONSTRAINTS ALL IMMEDIATE);
the table is vacuumed before each run, and the two alternate (bare, job, bare, job …) so
that neither always gets the warmer cache. Three controls are timed:

- `bare_update`: the UPDATE alone, with the table's triggers off (session_replication_role
  = replica): the least PostgreSQL can do to release those rows; the target's control;
- `bare_update_with_triggers`: the same statement as any UPDATE of the table runs it,
  history trigger (django-pghistory) included;
- `job`: attribution.services.expiry.claims_expire_stale: the UPDATE, its history rows and
  one release event per claim, in one statement.
"""

import statistics
import time

from django.db import connection, transaction

from attribution.services.expiry import claims_expire_stale

BARE = """
UPDATE attribution_claim SET status = 'released', ended_at = protected_until
 WHERE status = 'active' AND protected_until <= %(now)s
"""


class _Rollback(Exception):
    pass


def _timed(body) -> tuple[float, int]:
    """Run `body()` in a transaction, time it with the checks a commit would run (the deferred
    foreign keys of the rows it wrote), roll it back."""
    result = {}
    try:
        with transaction.atomic():
            started = time.perf_counter()
            result["rows"] = body()
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # what COMMIT would check
            result["seconds"] = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        pass
    return result["seconds"], result["rows"]


def _vacuum() -> None:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE attribution_claim")
        cursor.execute("VACUUM ANALYZE attribution_claimevent")


def _bare(now, *, triggers: bool):
    def body():
        with connection.cursor() as cursor:
            if not triggers:
                cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(BARE, {"now": now})
            return cursor.rowcount

    return body


def expire_stale(now, repeats: int = 3) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE status = 'active' AND protected_until <= %s)"
            " FROM attribution_claim",
            [now],
        )
        total, stale = cursor.fetchone()
    runs: dict[str, list[float]] = {"bare_update": [], "bare_update_with_triggers": [], "job": []}
    rows: dict[str, int] = {}
    bodies = {
        "bare_update": _bare(now, triggers=False),
        "bare_update_with_triggers": _bare(now, triggers=True),
        "job": lambda: claims_expire_stale(now=now),
    }
    for _ in range(repeats):
        for name, body in bodies.items():
            _vacuum()
            seconds, count = _timed(body)
            runs[name].append(seconds)
            rows[name] = count
    median = {k: statistics.median(v) for k, v in runs.items()}
    return {
        "claims": total,
        "stale": stale,
        "rows_released": rows,
        "seconds_median": {k: round(v, 3) for k, v in median.items()},
        "seconds_all": {k: [round(s, 3) for s in v] for k, v in runs.items()},
        "ratio_job_to_bare": round(median["job"] / median["bare_update"], 2)
        if median["bare_update"]
        else None,
        "ratio_job_to_bare_with_triggers": round(
            median["job"] / median["bare_update_with_triggers"], 2
        )
        if median["bare_update_with_triggers"]
        else None,
    }
