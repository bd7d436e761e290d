"""Compile locale/*/LC_MESSAGES/*.po to .mo in pure Python (Babel): no GNU gettext needed.

The .mo files are build output and are not committed; setup, CI and the Dockerfile run this.
"""

import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile the project's .po files to .mo without GNU gettext."

    def handle(self, *args, **options):
        compiled = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                with po_path.open("rb") as po_file:
                    catalog = read_po(po_file)
                # fuzzy entries are not compiled (msgfmt's rule), so their guesses don't count
                errors = [(m, e) for m, e in catalog.check() if not m.fuzzy]
                if errors:
                    raise CommandError(f"{po_path}: {errors[0]}")
                # write aside, then rename: a process reading the catalog meanwhile (another
                # test worker, a running server) sees the old file or the new one, never half
                partial = mo_path.with_suffix(f".mo.{os.getpid()}")
                with partial.open("wb") as mo_file:
                    write_mo(mo_file, catalog)
                os.replace(partial, mo_path)
                compiled += 1
        self.stdout.write(f"Compiled {compiled} translation catalog(s).")
