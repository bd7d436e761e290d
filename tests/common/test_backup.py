"""Backup and restore (issue 7): a dump restored into a fresh database has every table's rows,
checked by row counts and per-table checksums; a changed row is caught."""

import subprocess
import uuid

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from common import backup
from deals.factories import UnitFactory
from leads.factories import CustomerFactory
from leads.models import SourceChannel

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def channel(transactional_db):
    # a transactional test starts from an emptied database: the migration's channels are gone
    SourceChannel.objects.get_or_create(code="passing", defaults={"name": "路过"})


@pytest.fixture
def fresh_database():
    """An empty database beside the test database, dropped afterwards."""
    name = f"restore_{uuid.uuid4().hex[:12]}"
    admin = backup.dsn_of({**connection.settings_dict, "NAME": "postgres"})
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield backup.dsn_of({**connection.settings_dict, "NAME": name})
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_restore_has_identical_rows_in_every_table(
    tmp_path, fresh_database, office, salesperson, manager, capsys
):
    CustomerFactory.create_batch(5, office=office, name="张三")
    UnitFactory.create_batch(3, office=office)
    dump = tmp_path / "office.dump"
    call_command("backup", str(dump))
    call_command("restore", str(dump), into=fresh_database, check=True)
    out = capsys.readouterr().out
    assert "identical" in out
    live = backup.fingerprint(backup.dsn_of(connection.settings_dict))
    restored = backup.fingerprint(fresh_database)
    assert restored == live
    assert restored["leads_customer"][0] == 5
    assert len(restored) > 40  # every app's tables, history and beat schedules included
    print(f"backup/restore: {len(restored)} tables, {sum(r for r, _ in restored.values())} rows")


def test_a_changed_row_after_restore_is_reported(tmp_path, fresh_database, office):
    CustomerFactory(office=office, name="李四")
    dump = tmp_path / "office.dump"
    call_command("backup", str(dump))
    backup.restore(dump, fresh_database)
    with psycopg.connect(fresh_database, autocommit=True) as conn:
        conn.execute("ALTER TABLE leads_customer DISABLE TRIGGER USER")
        conn.execute("UPDATE leads_customer SET name = '王五'")
    live = backup.fingerprint(backup.dsn_of(connection.settings_dict))
    diffs = backup.differences(live, backup.fingerprint(fresh_database))
    assert [line.split(":")[0] for line in diffs] == ["leads_customer"]


def test_restoring_into_a_database_that_is_not_empty_fails(tmp_path, fresh_database, office):
    CustomerFactory(office=office)
    dump = tmp_path / "office.dump"
    call_command("backup", str(dump))
    backup.restore(dump, fresh_database)
    with pytest.raises(subprocess.CalledProcessError):
        call_command("restore", str(dump), into=fresh_database)
