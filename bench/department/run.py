"""`python -m bench --part department`: seed the department (or reuse it), then every
measurement of issue 21 beside its control, in one run; returns the figures."""

import datetime
import os
import tempfile
from pathlib import Path

from .. import db, prepared
from ..scales import DepartmentScale

SEED_VERSION = 2
META_KEY = "department"


def prepare(args, scale: DepartmentScale, server: str, name: str, log) -> tuple[dict, bool]:
    """Create (or reuse, with --keep-db) the department's database, migrated and seeded."""
    from django.db import connection

    from ..controls import CREATE_TABLE, CREATE_TEN
    from .seed import seed

    connection.close()
    connection.settings_dict["NAME"] = name
    os.environ["DATABASE_URL"] = db.with_name(server, name)

    def seeded() -> dict:
        log(f"seeding the department into {name} at scale {scale.name} …")
        return seed(scale, now=datetime.datetime.now(datetime.UTC), log=log)

    return prepared.prepare(
        args,
        server=server,
        name=name,
        scale_name=scale.name,
        version=SEED_VERSION,
        key=META_KEY,
        setup_sql=[CREATE_TABLE, *CREATE_TEN],
        seed=seeded,
        log=log,
    )


def run(args, scale: DepartmentScale, server: str, log) -> dict:  # noqa: PLR0915
    """Every figure of the department part (the caller drops the database unless kept)."""
    from django.db import connection

    from ..server import Server
    from . import checks, load, people

    name = (args.db_name if args.part == "department" else None) or f"bench_dept_{scale.name}"
    if name in ("salesoffice", "postgres", "template0", "template1"):
        raise SystemExit(f"refusing to use the database {name!r}")
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    duration = args.duration if args.duration is not None else scale.duration
    out: dict = {"scale": scale.as_dict(), "database": name}
    try:
        figures, reused = prepare(args, scale, server, name, log)
        out["seed"] = {k: v for k, v in figures.items() if k not in ("race_lines", "race_orders")}
        out["seed"]["reused"] = reused
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            out["postgresql"] = cursor.fetchone()[0]
        who = people.load(figures)
        today = datetime.date.fromisoformat(figures["today"])
        plan = people.Plan(who, figures, today)
        if "checks" not in skip:
            log("department: queries of the inbox, keyset of the ledger …")
            out["queries"] = checks.inbox_queries(plan)
            out["ledger_keyset"] = checks.ledger_keyset(plan)
            figures["ledger_page_paths"] = out["ledger_keyset"]["page_paths"]
        if "jobs" not in skip:
            log("department: aging against a bare GROUP BY …")
            out["aging"] = checks.aging(plan)
            log("department: half-yearly statements in a worker process …")
            out["statements"] = checks.statements(plan, server=server, name=name)
        if "reports" not in skip:
            log("department: the twelve department reports …")
            out["reports"] = checks.department_reports(plan, repeats=scale.report_repeats)
        if "load" not in skip:
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "bench.settings",
                "DATABASE_URL": db.with_name(server, name),
            }
            connection.close()
            with tempfile.TemporaryDirectory(prefix="bench-dept-") as tmp:
                server_log = Path(tmp) / "gunicorn.log"
                with Server(env, workers=args.workers, log_path=server_log, timeout=900) as web:
                    out["load"] = load.all_loads(
                        plan, web.url, scale=scale, duration=duration,
                        connections=args.connections, threads=args.threads, log=log,
                    )  # fmt: skip
                    out["memory"] = web.memory()
                text = server_log.read_text(errors="replace")
                out["server_errors_logged"] = sum(
                    1 for ln in text.splitlines() if "Traceback" in ln or "ERROR" in ln
                )
                if out["server_errors_logged"]:
                    out["server_log_tail"] = text[-4000:]
            out["race_check"] = checks.race_after(plan)
    finally:
        connection.close()
        if not args.keep_db:
            db.drop(server, name)
            out.setdefault("seed", {})["dropped"] = True
    return out
