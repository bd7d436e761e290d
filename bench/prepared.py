"""A seeded benchmark database, made once and reused: both parts' (`python -m bench` and its
`--part department`) create it from a migrated template, seed it and record what they seeded in
its `bench_meta` table, under a key of their own, so that a run with `--keep-db` at the same
scale and seed version finds it ready."""

import datetime
import json
import os
import time
from collections.abc import Callable, Iterable

from . import db

META_TABLE = "CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value jsonb NOT NULL)"


def read_meta(connection, key: str) -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT value FROM bench_meta WHERE key = %s", [key])
            row = cursor.fetchone()
    except Exception:  # noqa: BLE001 (not a seeded benchmark database)
        connection.close()
        return {}
    if row is None:
        return {}
    return row[0] if isinstance(row[0], dict) else json.loads(row[0])


def save_meta(connection, meta: dict, key: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_meta (key, value) VALUES (%s, %s) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, json.dumps(meta)],
        )


def prepare(  # noqa: PLR0913 (each is one thing the two parts differ in)
    args,
    *,
    server: str,
    name: str,
    scale_name: str,
    version: int,
    key: str,
    setup_sql: Iterable[str],
    seed: Callable[[], dict],
    log: Callable[[str], None],
) -> tuple[dict, bool]:
    """Create (or reuse, unless --reseed) the database `name`, migrated and seeded by `seed`.
    Returns (seed figures, reused)."""
    from django.core.management import call_command
    from django.db import connection

    if db.exists(server, name) and not args.reseed:
        meta = read_meta(connection, key)
        if meta.get("scale") == scale_name and meta.get("version") == version:
            log(f"reusing {name} (seeded {meta.get('seeded_at')})")
            if meta.get("migrations") != db.migrations_hash():  # e.g. a new index
                log("applying the new migrations to it …")
                call_command("migrate", verbosity=0)
                meta["migrations"] = db.migrations_hash()
                save_meta(connection, meta, key)
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
    with connection.cursor() as cursor:
        for statement in (*setup_sql, META_TABLE):
            cursor.execute(statement)
    figures = seed()
    figures["schema_seconds"] = round(schema_seconds, 2)
    meta = {
        "scale": scale_name,
        "version": version,
        "migrations": db.migrations_hash(),
        "seeded_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "seed": figures,
        "runs": 0,
    }
    save_meta(connection, meta, key)
    return figures, False
