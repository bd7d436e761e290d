"""`manage.py reconcile [--office CODE]`: every money mismatch, or "0 mismatches"."""

from django.core.management.base import BaseCommand, CommandError

from deals.reconcile import mismatches
from staff.models import Office


class Command(BaseCommand):
    help = (
        "Check received − refunded = held for every customer, every refund's amount, and "
        "every hold's fee: paid = credited + refunded, credited ≤ the deposit."
    )

    def add_arguments(self, parser):
        parser.add_argument("--office", help="an office's code (default: every office)")

    def handle(self, *args, office: str | None = None, **options):
        offices = None
        if office:
            offices = Office.objects.filter(code=office)
            if not offices.exists():
                raise CommandError(f"no office {office!r}")
        found = mismatches(offices)
        for mismatch in found:
            self.stderr.write(str(mismatch))
        self.stdout.write(f"{len(found)} mismatches")
        if found:
            raise CommandError(f"{len(found)} money mismatches")
