"""Gap-free document numbers per office, prefix and year (R-12.2), e.g. HT-2026-0001.

A counter row per (office, prefix, year), created if missing (ON CONFLICT DO NOTHING, so two
first numbers of a year race safely), then incremented under its row lock inside the caller's
transaction: two documents numbered at the same moment get consecutive numbers, and a
transaction that rolls back gives its number back (never `MAX()+1`, never a sequence, which
would leave gaps)."""

from django.db import transaction
from django.db.models import F

from .models import DocumentCounter


def format_number(prefix: str, year: int, sequence: int) -> str:
    return f"{prefix}-{year}-{sequence:04d}"


def next_number(*, office, prefix: str, year: int) -> tuple[int, str]:
    """The next (sequence, number) of this office's `prefix` documents of `year`. Must run in
    the transaction that stores the number on its document."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the transaction that uses the number")
    DocumentCounter.objects.bulk_create(
        [DocumentCounter(office=office, prefix=prefix, year=year, last=0)],
        ignore_conflicts=True,
    )
    counter = DocumentCounter.objects.select_for_update().get(
        office=office, prefix=prefix, year=year
    )
    counter.last = F("last") + 1
    counter.save(update_fields=["last"])
    counter.refresh_from_db(fields=["last"])
    return counter.last, format_number(prefix, year, counter.last)
