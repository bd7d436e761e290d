"""`manage.py backup FILE`: dump the database to FILE (pg_dump's custom format) and print its
fingerprint (rows and checksum per table), to compare after a restore."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from common import backup


class Command(BaseCommand):
    help = "Dump the database to a file (pg_dump custom format) and print its fingerprint."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        dsn = backup.dsn_of(settings.DATABASES["default"])
        backup.dump(dsn, file)
        prints = backup.fingerprint(dsn)
        self.stdout.write(
            f"dumped {len(prints)} tables to {file} (sha256 {backup.file_sha256(file)})"
        )
        self.stdout.write(f"rows: {sum(rows for rows, _ in prints.values())}")
