"""`python -m bench`: seed, serve, load, time the jobs and reports, print, write JSON."""

import argparse
import datetime
import json
import os
import platform
import signal
import sys
import tempfile
import time
from pathlib import Path

from . import db, prepared
from .scales import SCALES

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
SEED_VERSION = 2  # 2: notifications store their customer text unescaped (issue 22)
META_KEY = "meta"


def parse(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=(
            "The sales-office benchmark (issue 8): seeds PostgreSQL with COPY at a scale, "
            "serves the app with gunicorn on 127.0.0.1, loads each endpoint with wrk (after "
            "the bare control views), times claims.expire_stale against a bare UPDATE and the "
            "monthly report and its Excel export, samples the web workers' memory, then prints "
            "one table and writes every figure as JSON. No timing is asserted."
        ),
    )
    parser.add_argument("--scale", choices=sorted(SCALES), default="full",
                        help="full: 10 offices, 200 salespeople, 1M customers/visits/claims, "
                        "2M follow-ups, 50k units (the default); small: 1/20 of the rows (under "
                        "two minutes); tiny: the CI smoke check")  # fmt: skip
    parser.add_argument(
        "--out",
        default="bench-results.json",
        help="JSON file of every figure (default: bench-results.json)",
    )
    parser.add_argument("--duration", type=float, default=None,
                        help="seconds of wrk per endpoint (default: the scale's: full 15, "
                        "small 3, tiny 1)")  # fmt: skip
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default: 16)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default: 2)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default: 4)")
    parser.add_argument("--keep-db", action="store_true",
                        help="keep the seeded database; a later run with --keep-db at the same "
                        "scale reuses it instead of seeding again")  # fmt: skip
    parser.add_argument("--reseed", action="store_true", help="seed again even if reusable")
    parser.add_argument("--db-name", default=None, help="database name (default: bench_<scale>)")
    parser.add_argument("--database-url", default=None,
                        help="the PostgreSQL server, as a URL (default: DATABASE_URL's "
                        f"server, else {DEFAULT_SERVER}); only --db-name is written")  # fmt: skip
    parser.add_argument("--template-db", default=None,
                        help="clone this already-migrated database instead of migrating (the "
                        "default keeps a migrated template, bench_template_<hash of the "
                        "migrations>)")  # fmt: skip
    parser.add_argument(
        "--only", default=None, help="comma-separated scenario names to load (default: all)"
    )
    parser.add_argument(
        "--skip", default="", help="comma-separated parts to skip: load, jobs, reports, checks"
    )
    parser.add_argument("--part", choices=("first", "department"), default="first",
                        help="first: the first part's suite above (issue 8, the default); "
                        "department: the sales department at scale (issue 21): 10 branches, "
                        "100,000 accounts, 500,000 invoices, 2M ledger lines at full scale "
                        "(small: 1/20, tiny: the CI smoke check), in its own database "
                        "bench_dept_<scale> (--db-name), with the approval inbox, a decision, "
                        "the ledger page, the shipping race, aging, statements and the twelve "
                        "department reports each beside its control")  # fmt: skip
    return parser.parse_args(argv)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _server_url(args) -> str:
    return args.database_url or os.environ.get("DATABASE_URL") or DEFAULT_SERVER


def _setup_django(url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()


def _prepare(args, scale, server: str, name: str) -> tuple[dict, bool]:
    """Create (or reuse) the database, migrated and seeded. Returns (seed figures, reused)."""
    from .controls import CREATE_TABLE
    from .seed import seed

    def seeded() -> dict:
        log(f"seeding {name} at scale {scale.name} …")
        return seed(scale, now=datetime.datetime.now(datetime.UTC), log=log)

    return prepared.prepare(
        args,
        server=server,
        name=name,
        scale_name=scale.name,
        version=SEED_VERSION,
        key=META_KEY,
        setup_sql=[CREATE_TABLE],
        seed=seeded,
        log=log,
    )


def _next_run_id(connection) -> int:
    meta = prepared.read_meta(connection, META_KEY)
    meta["runs"] = meta.get("runs", 0) + 1
    prepared.save_meta(connection, meta, META_KEY)
    return meta["runs"]


def _terminate(signum, frame):
    raise SystemExit(128 + signum)  # so that the server is stopped and the database dropped


def main(argv=None) -> int:  # noqa: C901, PLR0915
    args = parse(argv)
    signal.signal(signal.SIGTERM, _terminate)
    if args.part == "department":
        return _department(args, argv)
    scale = SCALES[args.scale]
    server = _server_url(args)
    name = args.db_name or f"bench_{scale.name}"
    if name in ("salesoffice", "postgres", "template0", "template1"):
        raise SystemExit(f"refusing to use the database {name!r}")
    duration = args.duration if args.duration is not None else scale.duration
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    _setup_django(db.with_name(server, name))

    from django.db import connection

    from . import checks, jobs, load, reports, rotation, scenarios, targets
    from .server import Server

    results: dict = {
        "command": "python -m bench " + " ".join(sys.argv[1:] if argv is None else argv),
        "started_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "scale": scale.as_dict(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_start": list(os.getloadavg()),
        },
        "settings": {
            "duration_s": duration,
            "connections": args.connections,
            "threads": args.threads,
            "workers": args.workers,
        },
    }
    try:
        figures, reused = _prepare(args, scale, server, name)
        results["seed"] = {**figures, "reused": reused}
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            results["machine"]["postgresql"] = cursor.fetchone()[0]
        today = datetime.date.fromisoformat(figures["today"])
        people = scenarios.people()
        plan = scenarios.plan(scale, people, today=today)
        results["samples"] = plan.samples
        only = {s.strip() for s in args.only.split(",")} if args.only else None
        chosen = [s for s in plan.scenarios if only is None or s.name in only]

        if "checks" not in skip:
            log("counting queries and explaining the searches …")
            results["queries"] = checks.query_counts(
                {k: v for k, v in plan.count_paths.items() if only is None or k in only}
            )
            searches = {}
            for scenario in chosen:
                if scenario.name in checks.SEARCH_INDEXES:
                    path, index = scenario.paths[0]
                    searches[scenario.name] = (path, scenario.headers[index])
            results["explain"] = checks.explain(searches)

        if "load" not in skip:
            run_ids: list[int] = []
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "bench.settings",
                "DATABASE_URL": db.with_name(server, name),
            }
            connection.close()
            with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
                server_log = Path(tmp) / "gunicorn.log"
                with Server(env, workers=args.workers, log_path=server_log) as web:
                    results["load"] = {}
                    idle_ms = load.idle_latency(web.url)
                    results["probe_idle_ms"] = round(idle_ms, 2)
                    for scenario in chosen:
                        if scenario.method == "GET":
                            # one request answered first: the previous scenario's queue has
                            # drained and a worker has the page warm, so a short run (the
                            # smallest scale has no warmup) measures the page, not the queue
                            load.serial(scenario, web.url, requests=1, run_id=0)
                        for phase in ("warmup", "measure"):
                            seconds = scale.warmup if phase == "warmup" else duration
                            if seconds <= 0:
                                continue
                            run_id = _next_run_id(connection)
                            if scenario.name == "visit_register":
                                run_ids.append(run_id)
                            cell = load.run(
                                scenario, web.url, duration=seconds,
                                connections=args.connections, threads=args.threads,
                                run_id=run_id,
                            )  # fmt: skip
                        # the same endpoint with one connection: the service time a lone
                        # user sees, without the queue of 16 (see the README, Performance),
                        # once the server has answered what wrk left in its queue
                        drained = load.settle(web.url, idle_ms)
                        run_id = _next_run_id(connection)
                        if scenario.name == "visit_register":
                            run_ids.append(run_id)
                        cell["one_connection"] = load.serial(
                            scenario, web.url, requests=scale.serial_requests, run_id=run_id
                        )
                        cell["one_connection"]["drained"] = drained
                        cell["note"] = scenario.note
                        results["load"][scenario.name] = cell
                        p99 = cell["latency_ms"]["p99"]
                        log(f"{scenario.name}: {cell['rps']:.0f} req/s, p99 {p99:.1f} ms, "
                            f"{cell['errors']} errors")  # fmt: skip
                    results["memory"] = web.memory()
                errors = [ln for ln in server_log.read_text(errors="replace").splitlines()
                          if "Traceback" in ln or "ERROR" in ln]  # fmt: skip
                results["server_errors_logged"] = len(errors)
            if run_ids:
                results["rotation"] = rotation.check(run_ids, today)

        if "jobs" not in skip:
            log("timing claims.expire_stale against a bare UPDATE …")
            results["jobs"] = {
                "expire_stale": jobs.expire_stale(datetime.datetime.now(datetime.UTC))
            }
        if "reports" not in skip:
            log("timing the monthly report and its Excel export …")
            boss = people.manager[people.big]
            results["reports"] = reports.monthly(people.big, people.cookie(boss), today)
        results["targets"] = targets.evaluate(results)
    finally:
        results["finished_at"] = datetime.datetime.now(datetime.UTC).isoformat()
        connection.close()
        if not args.keep_db:
            db.drop(server, name)
            results.setdefault("seed", {})["dropped"] = True
        Path(args.out).write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    print(targets.table(results))
    print(f"\nevery figure: {args.out}")
    return 0


def _department(args, argv) -> int:
    """`--part department` (issue 21): bench.department.run, then one table and the JSON."""
    from .scales import DEPARTMENT_SCALES

    scale = DEPARTMENT_SCALES[args.scale]
    server = _server_url(args)
    _setup_django(db.with_name(server, "postgres"))

    from . import targets
    from .department import run

    results: dict = {
        "command": "python -m bench " + " ".join(sys.argv[1:] if argv is None else argv),
        "part": "department",
        "started_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_start": list(os.getloadavg()),
        },
        "settings": {
            "duration_s": args.duration if args.duration is not None else scale.duration,
            "connections": args.connections,
            "threads": args.threads,
            "workers": args.workers,
        },
    }
    try:
        results["department"] = run.run(args, scale, server, log)
        results["machine"]["postgresql"] = results["department"].get("postgresql")
        results["targets"] = targets.evaluate_department(results["department"])
    finally:
        results["finished_at"] = datetime.datetime.now(datetime.UTC).isoformat()
        results["machine"]["load_average_at_end"] = list(os.getloadavg())
        Path(args.out).write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    print(targets.department_table(results))
    print(f"\nevery figure: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
