"""The benchmark's own databases: created, migrated (or cloned from a migrated template),
dropped. Never the application's default database."""

import hashlib
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PREFIX = "bench_template_"


def with_name(url: str, name: str) -> str:
    """`url` (postgres://user@host:port/db) pointing at database `name` instead."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _admin(url: str) -> psycopg.Connection:
    return psycopg.connect(
        with_name(url, "postgres").replace("postgres://", "postgresql://", 1), autocommit=True
    )


def _ident(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"unsafe database name: {name!r}")
    return f'"{name}"'


def exists(url: str, name: str) -> bool:
    with _admin(url) as conn:
        return (
            conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            is not None
        )


def drop(url: str, name: str) -> None:
    with _admin(url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {_ident(name)} WITH (FORCE)")


def create(url: str, name: str, template: str | None = None) -> None:
    with _admin(url) as conn:
        clause = f" TEMPLATE {_ident(template)}" if template else ""
        conn.execute(f"CREATE DATABASE {_ident(name)}{clause}")


def migrations_hash() -> str:
    """A fingerprint of every migration file: a template migrated from other files is stale."""
    digest = hashlib.sha1(usedforsecurity=False)
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def template_name() -> str:
    return f"{TEMPLATE_PREFIX}{migrations_hash()}"


def stale_templates(url: str, keep: str) -> list[str]:
    with _admin(url) as conn:
        rows = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [TEMPLATE_PREFIX + "%"]
        ).fetchall()
    return [r[0] for r in rows if r[0] != keep]
