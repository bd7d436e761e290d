"""Reads shared by visit records, plans and the overdue list."""

from django.db.models import Max, OuterRef, QuerySet, Subquery

from .choices import VISIT_KINDS
from .models import VisitRecord


def with_last_visit(accounts: QuerySet) -> QuerySet:
    """Annotate `last_visit`: the date of the account's latest visit (R-9.8: a call is a record,
    not a visit)."""
    latest = (
        VisitRecord.objects.filter(account=OuterRef("pk"), kind__in=VISIT_KINDS)
        .values("account")
        .annotate(last=Max("date"))
        .values("last")
    )
    return accounts.annotate(last_visit=Subquery(latest))
