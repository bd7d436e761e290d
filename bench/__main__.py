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

from . import db
from .scales import SCALES

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
SEED_VERSION = 1


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
    from django.core.management import call_command
    from django.db import connection

    if db.exists(server, name) and not args.reseed:
        meta = _meta(connection)
        if meta.get("scale") == scale.name and meta.get("version") == SEED_VERSION:
            log(f"reusing {name} (seeded {meta.get('seeded_at')})")
            if meta.get("migrations") != db.migrations_hash():  # e.g. a new index
                log("applying the new migrations to it …")
                call_command("migrate", verbosity=0)
                meta["migrations"] = db.migrations_hash()
                _save_meta(connection, meta)
            return meta["seed"], True
    connection.close()
    db.drop(server, name)
    started = time.perf_counter()
    if args.template_db:
        db.create(server, name, template=args.template_db)
    else:
        template = db.template_name()
        if not db.exists(server, template):
            for stale in db.stale_templates(server, template):
                db.drop(server, stale)
            log(f"migrating a template database {template} (once per set of migrations) …")
            db.create(server, template)
            os.environ["DATABASE_URL"] = db.with_name(server, template)
            connection.settings_dict["NAME"] = template
            call_command("migrate", verbosity=0)
            connection.close()
        db.create(server, name, template=template)
    connection.settings_dict["NAME"] = name
    os.environ["DATABASE_URL"] = db.with_name(server, name)
    schema_seconds = time.perf_counter() - started
    from .controls import CREATE_TABLE
    from .seed import seed

    with connection.cursor() as cursor:
        cursor.execute(CREATE_TABLE)
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value jsonb NOT NULL)"
        )
    log(f"seeding {name} at scale {scale.name} …")
    figures = seed(scale, now=datetime.datetime.now(datetime.UTC), log=log)
    figures["schema_seconds"] = round(schema_seconds, 2)
    meta = {
        "scale": scale.name,
        "version": SEED_VERSION,
        "migrations": db.migrations_hash(),
        "seeded_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "seed": figures,
        "runs": 0,
    }
    _save_meta(connection, meta)
    return figures, False


def _meta(connection) -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT value FROM bench_meta WHERE key = 'meta'")
            row = cursor.fetchone()
    except Exception:  # noqa: BLE001 (not a seeded benchmark database)
        connection.close()
        return {}
    if row is None:
        return {}
    return row[0] if isinstance(row[0], dict) else json.loads(row[0])


def _save_meta(connection, meta: dict) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_meta (key, value) VALUES ('meta', %s) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [json.dumps(meta)],
        )


def _next_run_id(connection) -> int:
    meta = _meta(connection)
    meta["runs"] = meta.get("runs", 0) + 1
    _save_meta(connection, meta)
    return meta["runs"]


def _terminate(signum, frame):
    raise SystemExit(128 + signum)  # so that the server is stopped and the database dropped


def main(argv=None) -> int:  # noqa: C901, PLR0915
    args = parse(argv)
    signal.signal(signal.SIGTERM, _terminate)
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
                        # user sees, without the queue of 16 (see the README, Performance)
                        run_id = _next_run_id(connection)
                        if scenario.name == "visit_register":
                            run_ids.append(run_id)
                        cell["one_connection"] = load.serial(
                            scenario, web.url, requests=scale.serial_requests, run_id=run_id
                        )
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


if __name__ == "__main__":
    sys.exit(main())
