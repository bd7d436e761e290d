"""Reads of work plans (R-17.3): every list, page and endpoint goes through
work_plans_visible_to.

A salesperson sees their own plans (never a colleague's); a manager the plans of the branches
they belong to; the director and the executive every branch's. Nobody else sees any."""

from django.db.models import Count, Q, QuerySet

from staff.choices import Role
from staff.permissions import office_ids_of

from .models import WorkPlan

LEADERSHIP = (Role.DIRECTOR, Role.EXECUTIVE)


def work_plans_visible_to(user) -> QuerySet[WorkPlan]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return WorkPlan.objects.none()
    qs = WorkPlan.objects.all()
    if user.has_role(*LEADERSHIP):
        return qs
    scope = Q(pk__in=[])
    if user.has_role(Role.MANAGER):
        scope |= Q(office_id__in=office_ids_of(user))
    if user.has_role(Role.SALESPERSON):
        scope |= Q(office_id__in=office_ids_of(user), author=user)
    return qs.filter(scope)


def with_line_count(qs: QuerySet[WorkPlan]) -> QuerySet[WorkPlan]:
    return qs.annotate(line_count=Count("lines"))
