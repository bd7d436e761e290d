"""Reads of after-sales and complaints: every list goes through a *_visible_to function
(R-9.1, R-16.1, R-16.2).

Requests: a salesperson sees those of the accounts they own or deputise; the branch's manager
and clerk the branch's; a technician those filed to the technical department of their office,
unassigned or assigned to them; the director and the executive all. Complaints: the same
without the technician, plus the complaints a user was named to handle. Nobody else sees any.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth

from accounts.models import Account
from approvals.choices import DocumentStatus
from staff.choices import Role
from staff.permissions import office_ids_of

from .choices import TECHNICAL
from .models import Complaint, ServiceRequest, TechnicianRating

LEADERSHIP = (Role.DIRECTOR, Role.EXECUTIVE)
BRANCH_ROLES = (Role.MANAGER, Role.CLERK)


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _account_scope(user, *, prefix: str = "account__") -> Q:
    """The branch for the manager and the clerk, the own or deputised accounts for a
    salesperson (in their offices); Q(pk__in=[]) for nobody."""
    offices = office_ids_of(user)
    scope = Q(pk__in=[])
    if user.has_role(*BRANCH_ROLES):
        scope |= Q(office_id__in=offices)
    if user.has_role(Role.SALESPERSON):
        scope |= Q(office_id__in=offices) & (
            Q(**{f"{prefix}owner": user}) | Q(**{f"{prefix}deputy": user})
        )
    return scope


def requests_visible_to(user) -> QuerySet[ServiceRequest]:
    """R-16.1: who sees which after-sales request (see the module's docstring)."""
    if not _active(user):
        return ServiceRequest.objects.none()
    qs = ServiceRequest.objects.all()
    if user.has_role(*LEADERSHIP):
        return qs
    scope = _account_scope(user)
    if user.has_role(Role.TECHNICIAN):
        scope |= Q(office_id__in=office_ids_of(user), state__in=TECHNICAL) & (
            Q(technician__isnull=True) | Q(technician=user)
        )
    return qs.filter(scope)


def complaints_visible_to(user) -> QuerySet[Complaint]:
    """R-16.2: who sees which complaint; a technician none unless named its handler."""
    if not _active(user):
        return Complaint.objects.none()
    qs = Complaint.objects.all()
    if user.has_role(*LEADERSHIP):
        return qs
    scope = _account_scope(user) | Q(handler=user, office_id__in=office_ids_of(user))
    return qs.filter(scope)


def accounts_to_report(user) -> QuerySet[Account]:
    """The approved accounts for which the user may take a customer's call: the branch's for
    the manager and the clerk, the own or deputised for a salesperson."""
    if not _active(user):
        return Account.objects.none()
    return Account.objects.filter(status=DocumentStatus.APPROVED).filter(
        _account_scope(user, prefix="")
    )


def office_people(office) -> QuerySet:
    """The active staff of a branch (a complaint's handler or staff concerned)."""
    return (
        get_user_model()
        .objects.filter(is_active=True, offices=office)
        .distinct()
        .order_by("display_name", "username", "pk")
    )


def technicians_of(office) -> QuerySet:
    return office_people(office).filter(groups__name=Role.TECHNICIAN)


def people_with_role(office, role: str) -> list:
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=role, offices=office)
        .distinct()
        .order_by("pk")
    )


def technician_times(user, *, since: datetime.datetime | None = None) -> list[dict]:
    """R-16.1: per technician per month (of filing), the average response time (first
    contact − filed) and resolution time (resolved − received), over the requests the user
    sees; one GROUP BY query."""
    qs = requests_visible_to(user).filter(technician__isnull=False, filed_at__isnull=False)
    if since is not None:
        qs = qs.filter(filed_at__gte=since)
    return list(
        qs.annotate(month=TruncMonth("filed_at"))
        .values("month", "technician", "technician__display_name", "technician__username")
        .annotate(
            requests=Count("pk"),
            contacted=Count("contacted_at"),
            resolved=Count("resolved_at"),
            response=Avg(F("contacted_at") - F("filed_at")),
            resolution=Avg(F("resolved_at") - F("received_at")),
        )
        .order_by("-month", "technician__display_name", "technician")
    )


def ratings_visible_to(user) -> QuerySet[TechnicianRating]:
    """R-16.2: a technician their own ratings; the branch's manager the branch's; leadership
    all."""
    if not _active(user):
        return TechnicianRating.objects.none()
    qs = TechnicianRating.objects.all()
    if user.has_role(*LEADERSHIP):
        return qs
    scope = Q(pk__in=[])
    if user.has_role(Role.MANAGER):
        scope |= Q(office_id__in=office_ids_of(user))
    if user.has_role(Role.TECHNICIAN):
        scope |= Q(technician=user)
    return qs.filter(scope)


def rating_months(user) -> list[dict]:
    """Per technician per month: the average score and the count (one GROUP BY query)."""
    return list(
        ratings_visible_to(user)
        .values("month", "technician", "technician__display_name", "technician__username")
        .annotate(average=Avg("score"), count=Count("pk"))
        .order_by("-month", "technician__display_name", "technician")
    )
