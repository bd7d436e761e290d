"""`manage.py restore FILE --into DSN`: restore a dump into an empty database, then compare
its fingerprint with the configured database's (`--check`) and report every difference."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from common import backup


class Command(BaseCommand):
    help = "Restore a dump into an empty database; with --check, compare it with this database."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--into", required=True, help="libpq URL of an empty database")
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, file: Path, into: str, check: bool, **options):
        backup.restore(file, into)
        restored = backup.fingerprint(into)
        self.stdout.write(f"restored {len(restored)} tables")
        if check:
            live = backup.fingerprint(backup.dsn_of(settings.DATABASES["default"]))
            diffs = backup.differences(live, restored)
            for line in diffs:
                self.stderr.write(line)
            if diffs:
                raise CommandError(f"{len(diffs)} tables differ")
            self.stdout.write("identical: every table's row count and checksum match")
