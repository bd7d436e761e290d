"""`python -m bench.department.statement_worker <run id>`: what a Celery worker runs for a
statement run (receivables.generate_statements), in a process of its own so that its time
and peak memory are the task's. Prints one JSON line: {"created", "seconds", "rss_before_mb",
"peak_rss_mb"}: the peak is the process's own (VmHWM, since its exec)."""

import json
import os
import sys
import time


def _rss_mb(field: str = "VmRSS") -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def main(run_id: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from receivables.tasks import generate_statements

    before = _rss_mb()
    started = time.perf_counter()
    created = generate_statements(run_id)  # the task's body, as the worker calls it
    seconds = time.perf_counter() - started
    print(json.dumps({"created": created, "seconds": round(seconds, 2), "rss_before_mb": before,
                      "peak_rss_mb": _rss_mb("VmHWM")}))  # fmt: skip


if __name__ == "__main__":
    main(int(sys.argv[1]))
