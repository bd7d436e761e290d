"""Reads of the escalations (R-7.3, R-16.1, R-16.2): leadership's list of open ones."""

from django.db.models import QuerySet

from staff.choices import Role
from staff.permissions import office_ids_of

from .models import Escalation


def is_leadership(user) -> bool:
    """Company leadership: the director and the executive follow every office's escalations."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.has_role(Role.DIRECTOR, Role.EXECUTIVE)
    )


def followed_office_ids(user) -> set[int] | None:
    """The offices whose escalations the user follows: None for leadership (every office), a
    manager's managed offices, nobody else's (an empty set)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    if is_leadership(user):
        return None
    if not user.has_role(Role.MANAGER):
        return set()
    return set(office_ids_of(user))  # a manager manages every office they belong to


def escalations_visible_to(user) -> QuerySet:
    """Every escalation (open or closed) the user may see."""
    ids = followed_office_ids(user)
    qs = Escalation.objects.all()
    return qs if ids is None else qs.filter(office_id__in=ids)


def open_queryset(user, *, source: str = "", office_id: int | None = None) -> QuerySet:
    qs = escalations_visible_to(user).filter(closed_at__isnull=True)
    if source:
        qs = qs.filter(source=source)
    if office_id:
        qs = qs.filter(office_id=office_id)
    return qs


def escalations_open(user, *, source: str = "", office_id: int | None = None) -> list[Escalation]:
    """R-7.3, R-16.1: the open escalations the user follows, oldest first (at most two
    queries: the user's offices, then the list)."""
    return list(
        open_queryset(user, source=source, office_id=office_id)
        .select_related("office", "escalated_by")
        .order_by("escalated_at", "pk")
    )


def open_count(user) -> int:
    """How many escalations the user follows are open (the workspace's count)."""
    return open_queryset(user).count()
