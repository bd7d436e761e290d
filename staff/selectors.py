"""Reads of offices and staff, always restricted to what the user may see."""

from django.db.models import Prefetch, QuerySet

from .models import Office, User
from .permissions import may, restrict_to_offices


def offices_visible_to(user) -> QuerySet[Office]:
    return restrict_to_offices(Office.objects.all(), user, field="pk")


def staff_visible_to(user) -> QuerySet[User]:
    """Managers see the staff of their offices, a director everyone, others only themselves."""
    qs = User.objects.filter(is_active=True).prefetch_related(
        "groups", Prefetch("offices", queryset=Office.objects.only("pk", "name"))
    )
    if may(user, "staff.list"):
        return restrict_to_offices(qs, user, field="offices")
    return qs.filter(pk=user.pk)
