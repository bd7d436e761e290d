"""Reads of accounts: every list goes through accounts_visible_to (R-9.1)."""

import datetime
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet

from approvals.choices import DocumentStatus
from staff.choices import Role
from staff.models import Office, User
from staff.permissions import manages, office_ids_of, restrict_to_offices

from .models import Account, AccountAssignment, GradeChange


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


def may_submit(user, account: Account) -> bool:
    """Who sends a draft or rejected account for approval: its author, owner or deputy."""
    return user.pk in {account.author_id, account.owner_id, account.deputy_id}


def salespeople_of(office: Office) -> QuerySet[User]:
    """R-9.1, R-9.4: the active salespeople of a branch: who may own or deputise its
    accounts."""
    return (
        User.objects.filter(is_active=True, offices=office, groups__name=Role.SALESPERSON)
        .distinct()
        .order_by("display_name", "username", "pk")
    )


def is_salesperson_of(user: User | None, office: Office) -> bool:
    return user is not None and salespeople_of(office).filter(pk=user.pk).exists()


def account_load(office: Office) -> list[dict]:
    """R-9.4: each salesperson of the branch with their accounts by grade, so that the
    manager keeps the load even; owners who are no longer salespeople of the branch but still
    own accounts are listed too (`former`), for their accounts to be given away."""
    counts = {
        row["owner"]: row
        for row in Account.objects.filter(office=office)
        .values("owner")
        .annotate(
            a=Count("pk", filter=Q(grade="A")),
            b=Count("pk", filter=Q(grade="B")),
            c=Count("pk", filter=Q(grade="C")),
            ungraded=Count("pk", filter=Q(grade__isnull=True)),
            total=Count("pk"),
        )
    }
    deputies = dict(
        Account.objects.filter(office=office, deputy__isnull=False)
        .values("deputy")
        .annotate(n=Count("pk"))
        .values_list("deputy", "n")
    )
    people = list(salespeople_of(office))
    current = {p.pk for p in people}
    people += list(
        User.objects.filter(pk__in=set(counts) - current).order_by("display_name", "username")
    )
    empty = {"a": 0, "b": 0, "c": 0, "ungraded": 0, "total": 0}
    return [
        {
            "person": person,
            **{k: counts.get(person.pk, empty)[k] for k in empty},
            "deputy_of": deputies.get(person.pk, 0),
            "former": person.pk not in current,
        }
        for person in people
    ]


def grade_changes_of(account: Account) -> QuerySet[GradeChange]:
    """R-9.3: every proposal and setting of the account's grade, newest first."""
    return account.grade_changes.select_related("author", "decided_by").order_by(
        "-created_at", "-pk"
    )


def pending_grade_change(account: Account) -> GradeChange | None:
    return account.grade_changes.filter(status=DocumentStatus.PENDING).first()


def assignments_of(account: Account) -> QuerySet[AccountAssignment]:
    """R-9.4: the account's owners and deputies over time, newest first."""
    return account.assignments.select_related(
        "previous_owner", "new_owner", "previous_deputy", "new_deputy", "by"
    ).order_by("-at", "-pk")


def account_exposure(account: Account) -> Decimal:
    """R-9.5: open receivable (the ledger's balance, R-15.1) plus unshipped value of signed
    contracts."""
    # contracts and receivables build on accounts: read them here, not imported at the top
    from contracts.selectors import unshipped_signed_value
    from receivables.figures import account_receivable

    return account_receivable(account.pk) + unshipped_signed_value(account)


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
