"""Backup and restore cover the second part's tables (issue 21, Integrity): the fingerprint is
taken over every table of the database, so every model's table of every installed app is in it
(many-to-many tables included) without a list to keep up to date; a database holding rows of
every second-part flow (the demo data and a few more) is dumped and restored with equal
fingerprints, and a row changed in a second-part table after the restore is reported, that
table alone."""

import psycopg
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from common import backup

from . import test_backup
from .test_append_only import department

pytestmark = pytest.mark.django_db

fresh_database = test_backup.fresh_database  # an empty database beside the test database

# the apps of the second part whose tables the demo data fills
SECOND_PART = [
    "approvals",
    "accounts",
    "catalog",
    "stock",
    "quotes",
    "contracts",
    "shipping",
    "receivables",
    "aftersales",
    "expenses",
    "specialfees",
    "targets",
    "workplans",
    "dealers",
]


def live() -> dict[str, tuple[int, str]]:
    return backup.fingerprint(backup.dsn_of(connection.settings_dict))


def project_tables() -> dict[str, set[str]]:
    """{app label: its models' tables, many-to-many tables included} of the project's apps."""
    tables: dict[str, set[str]] = {}
    for config in apps.get_app_configs():
        if not str(config.path).startswith(str(settings.BASE_DIR)):
            continue
        for model in config.get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                tables.setdefault(config.label, set()).add(model._meta.db_table)
    return tables


def test_the_fingerprint_has_every_table_of_every_app():
    """Derived from the database itself: a new app's or model's table is in it unasked."""
    printed = set(live())
    missing = {
        app: sorted(tables - printed)
        for app, tables in project_tables().items()
        if tables - printed
    }
    assert missing == {}
    assert set(SECOND_PART) <= set(project_tables())


@pytest.mark.django_db(transaction=True)  # pg_dump reads what is committed
def test_a_second_part_database_restores_identical_and_a_changed_ledger_line_is_caught(
    tmp_path, fresh_database
):
    department(tmp_path)
    dump = tmp_path / "department.dump"
    call_command("backup", str(dump))
    call_command("restore", str(dump), into=fresh_database)
    before = live()
    restored = backup.fingerprint(fresh_database)
    assert restored == before
    tables = project_tables()
    empty = [app for app in SECOND_PART if not any(restored[t][0] for t in tables[app])]
    assert empty == []  # each second-part app's rows went through the dump and back

    with psycopg.connect(fresh_database, autocommit=True) as conn:
        conn.execute("ALTER TABLE receivables_ledgerline DISABLE TRIGGER USER")  # append-only
        conn.execute(
            "UPDATE receivables_ledgerline SET debit = debit + 0.01 "
            "WHERE id = (SELECT min(id) FROM receivables_ledgerline WHERE debit > 0)"
        )
    diffs = backup.differences(before, backup.fingerprint(fresh_database))
    assert [line.split(":")[0] for line in diffs] == ["receivables_ledgerline"]
