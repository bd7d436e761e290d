"""`manage.py reconcile [--office CODE]`: every money mismatch, or "0 mismatches"."""

from django.core.management.base import BaseCommand, CommandError

from deals.reconcile import mismatches
from receivables.reconcile import mismatches as receivables_mismatches
from staff.models import Office


class Command(BaseCommand):
    help = (
        "Check received − refunded = held for every customer, every refund's amount, and "
        "every hold's fee: paid = credited + refunded, credited ≤ the deposit; and the "
        "receivables: each account's ledger balance = its open invoices − its credit, each "
        "document posted once, each invoice allocated within what remains of it, each "
        "contract invoiced within what shipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("--office", help="an office's code (default: every office)")

    def handle(self, *args, office: str | None = None, **options):
        offices = None
        if office:
            offices = Office.objects.filter(code=office)
            if not offices.exists():
                raise CommandError(f"no office {office!r}")
        found = mismatches(offices) + receivables_mismatches(offices)
        for mismatch in found:
            self.stderr.write(str(mismatch))
        self.stdout.write(f"{len(found)} mismatches")
        if found:
            raise CommandError(f"{len(found)} money mismatches")
