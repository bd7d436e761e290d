"""Reads of receivables: every list goes through a *_visible_to function (R-9.1, R-15).

A salesperson sees the invoices, receipts, ledgers and statements of the accounts they own or
deputise; the branch's manager, finance and clerk see the branch's; a director and the
executive every branch's. Nobody else sees any.
"""

from django.db.models import Q, QuerySet

from staff.choices import Role
from staff.permissions import office_ids_of

from .choices import RunStatus
from .models import (
    CollectionNotice,
    CollectionRequest,
    Handover,
    Invoice,
    InvoiceRequest,
    Receipt,
    Refund,
    Statement,
    UnpaidReport,
    WriteOff,
)

BRANCH_ROLES = (Role.MANAGER, Role.FINANCE, Role.CLERK)


def _offices_seen_whole(user) -> set[int] | None:
    """The offices whose every account the user sees: None means all (director, executive)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.has_role(Role.DIRECTOR, Role.EXECUTIVE):
        return None
    return office_ids_of(user) if user.has_role(*BRANCH_ROLES) else set()


def visible_to(qs: QuerySet, user, *, account: str = "account", office: str = "office") -> QuerySet:
    """Restrict rows that belong to an account: the whole branch for managers, finance and the
    clerk, the own or deputised accounts for a salesperson (in their offices)."""
    whole = _offices_seen_whole(user)
    if whole is None:
        return qs
    mine = Q()
    if user.is_authenticated and user.has_role(Role.SALESPERSON):
        mine = Q(**{f"{office}__in": office_ids_of(user)}) & (
            Q(**{f"{account}__owner": user}) | Q(**{f"{account}__deputy": user})
        )
    if not whole and not mine:
        return qs.none()
    return qs.filter(Q(**{f"{office}__in": whole}) | mine)


def invoice_requests_visible_to(user) -> QuerySet[InvoiceRequest]:
    return visible_to(InvoiceRequest.objects.all(), user)


def invoices_visible_to(user) -> QuerySet[Invoice]:
    return visible_to(Invoice.objects.all(), user)


def receipts_visible_to(user) -> QuerySet[Receipt]:
    return visible_to(Receipt.objects.all(), user)


def refunds_visible_to(user) -> QuerySet[Refund]:
    return visible_to(Refund.objects.all(), user)


def collection_requests_visible_to(user) -> QuerySet[CollectionRequest]:
    return visible_to(CollectionRequest.objects.all(), user)


def write_offs_visible_to(user) -> QuerySet[WriteOff]:
    whole = _offices_seen_whole(user)
    if whole is None:
        return WriteOff.objects.all()
    if not user.is_authenticated or not user.has_role(Role.MANAGER, Role.FINANCE):
        return WriteOff.objects.none()
    return WriteOff.objects.filter(office__in=whole)


def handovers_visible_to(user) -> QuerySet[Handover]:
    """Finance and managers the branch's; a clerk or salesperson what they received."""
    whole = _offices_seen_whole(user)
    if whole is None:
        return Handover.objects.all()
    qs = Handover.objects.filter(office__in=office_ids_of(user))
    if user.has_role(Role.MANAGER, Role.FINANCE):
        return qs
    return qs.filter(received_by=user)


def statements_visible_to(user) -> QuerySet[Statement]:
    """R-15.6: only the statements of a finished set: made by hand (no run) or by a run that
    is done. A run still going, or one whose worker was killed, has committed some batches
    but not all: those stay out of every page and the API until the run (or a later run of
    the branch and half, which takes them over) finishes (issue 21)."""
    complete = Q(run__isnull=True) | Q(run__status=RunStatus.DONE)
    return visible_to(Statement.objects.filter(complete), user)


def notices_visible_to(user) -> QuerySet[CollectionNotice]:
    """R-15.2: the salesperson's own notices; the branch's for its manager and finance."""
    whole = _offices_seen_whole(user)
    if whole is None:
        return CollectionNotice.objects.all()
    qs = CollectionNotice.objects.filter(office__in=office_ids_of(user))
    if user.has_role(Role.MANAGER, Role.FINANCE):
        return qs
    return qs.filter(salesperson=user)


def unpaid_reports_visible_to(user) -> QuerySet[UnpaidReport]:
    whole = _offices_seen_whole(user)
    if whole is None:
        return UnpaidReport.objects.all()
    qs = UnpaidReport.objects.filter(office__in=office_ids_of(user))
    if user.has_role(Role.MANAGER, Role.FINANCE):
        return qs
    return qs.filter(salesperson=user)


def may_see_account_ledger(user, account) -> bool:
    """API.md: the ledger of an account for its owner (or deputy), the branch's manager and
    finance (and the clerk, who checks receipts with finance), a director, the executive."""
    whole = _offices_seen_whole(user)
    if whole is None or account.office_id in whole:
        return True
    return (
        user.has_role(Role.SALESPERSON)
        and account.office_id in office_ids_of(user)
        and user.pk in {account.owner_id, account.deputy_id}
    )
