"""Real threads against PostgreSQL, released together: the harness of the race tests."""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection

JOIN_TIMEOUT = 60  # seconds for all threads together; a hang fails the test, not the suite
# A thread waiting longer than this for a row lock errors out instead of hanging forever, so
# that a lock that is never released shows up as an error and the teardown's flush can run.
LOCK_TIMEOUT = "20s"


@dataclass
class Outcome:
    value: Any = None
    error: BaseException | None = None
    seconds: float = 0.0  # how long the call ran (its waits for locks included)


def run_together(calls: list[Callable[[], Any]], timeout: float = JOIN_TIMEOUT) -> list[Outcome]:
    """Run each call in its own thread, all released at once by a barrier; collect results."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Outcome | None] = [None] * len(calls)

    def worker(i: int, call: Callable[[], Any]) -> None:
        try:
            # connect before the barrier, so that the calls, not the connects, start together
            with connection.cursor() as cursor:
                cursor.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
            barrier.wait(timeout=timeout)
            started = time.monotonic()
            try:
                outcomes[i] = Outcome(value=call())
            except BaseException as exc:  # every outcome, error or not, is asserted
                outcomes[i] = Outcome(error=exc)
            outcomes[i].seconds = time.monotonic() - started
        except BaseException as exc:
            outcomes[i] = Outcome(error=exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(i, call), name=f"race-{i}", daemon=True)
        for i, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    hung = [t.name for t in threads if t.is_alive()]
    if hung:
        pytest.fail(f"{len(hung)} thread(s) still running after {timeout}s (deadlock?): {hung}")
    return outcomes  # type: ignore[return-value]
