"""Reads of accounts: every list goes through accounts_visible_to (R-9.1)."""

import datetime
from decimal import Decimal

from django.db.models import F, Q, QuerySet

from staff.choices import Role
from staff.permissions import manages, office_ids_of, restrict_to_offices

from .models import Account


def accounts_visible_to(user) -> QuerySet[Account]:
    """R-9.1: a salesperson's own and deputised accounts; every account of the branches the
    user manages (a director: all); others none."""
    qs = restrict_to_offices(Account.objects.all(), user)
    if user.has_role(Role.DIRECTOR):
        return qs
    managed = [o for o in office_ids_of(user) if user.has_role(Role.MANAGER)]
    return qs.filter(Q(office_id__in=managed) | Q(owner=user) | Q(deputy=user))


def may_edit(user, account: Account) -> bool:
    return (
        account.owner_id == user.pk or account.deputy_id == user.pk or manages(user, account.office)
    )


def account_exposure(account: Account) -> Decimal:
    """R-9.5: open receivable plus unshipped value of signed contracts.
    TODO(receivables, contracts issues): sum the ledger and the open contract lines."""
    return Decimal("0.00")


def credit_reviews_due(user, *, today: datetime.date) -> QuerySet[Account]:
    """R-9.5: the visible approved accounts never reviewed or reviewed longer ago than the
    office's credit_review_days."""
    qs = accounts_visible_to(user).filter(status="approved").select_related("office")
    return qs.filter(
        Q(last_credit_review__isnull=True)
        | Q(
            last_credit_review__lt=today
            - F("office__credit_review_days") * datetime.timedelta(days=1)
        )
    ).order_by(F("last_credit_review").asc(nulls_first=True), "name")
