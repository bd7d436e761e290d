"""`manage.py reconcile [--office CODE]`: every money, stock and shipping mismatch, or
"0 mismatches"; the exit status is non-zero when there is one."""

from django.core.management.base import BaseCommand, CommandError

from deals.reconcile import mismatches
from receivables.reconcile import mismatches as receivables_mismatches
from shipping.reconcile import mismatches as shipping_mismatches
from staff.models import Office


def all_mismatches(offices=None) -> list:
    """Every check of the command, in its order: the deals' money and the stock ledger
    (deals.reconcile runs stock.reconcile, R-10.3), receivables (R-14, R-15), shipping
    (R-13, and each outbound order's stock moves)."""
    return mismatches(offices) + receivables_mismatches(offices) + shipping_mismatches(offices)


class Command(BaseCommand):
    help = (
        "Check received − refunded = held for every customer, every refund's amount, and "
        "every hold's fee: paid = credited + refunded, credited ≤ the deposit; the stock: "
        "each warehouse's on-hand = the sum of its stock ledger, never negative; the "
        "receivables: each account's ledger balance = its open invoices − its credit (never "
        "negative), each document posted once, each invoice allocated within what remains of "
        "it, each contract invoiced within what shipped; and shipping: per contract line "
        "requested ≤ ordered (+ exchanges), shipped ≤ requested, returned and received back ≤ "
        "shipped, confirmed ≤ shipped; each order line's shipped = its shipments; each "
        "outbound order's stock moves = its shipments. Prints each mismatch."
    )

    def add_arguments(self, parser):
        parser.add_argument("--office", help="an office's code (default: every office)")

    def handle(self, *args, office: str | None = None, **options):
        offices = None
        if office:
            offices = Office.objects.filter(code=office)
            if not offices.exists():
                raise CommandError(f"no office {office!r}")
        found = all_mismatches(offices)
        for mismatch in found:
            self.stderr.write(str(mismatch))
        self.stdout.write(f"{len(found)} mismatches")
        if found:
            # "money" for every kind: scripts and tests read this wording since issue 7
            raise CommandError(f"{len(found)} money mismatches")
