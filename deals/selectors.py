"""Reads of units, holds, subscriptions and refunds, restricted to what the user may see."""

from django.db.models import QuerySet

from staff.models import Office
from staff.permissions import may, office_ids_of, restrict_to_offices

from .models import Hold, Refund, Subscription, Unit


def units_visible_to(user) -> QuerySet[Unit]:
    """Units of the user's offices (R-6.1)."""
    return restrict_to_offices(Unit.objects.select_related("project", "office"), user)


def holds_visible_to(user) -> QuerySet[Hold]:
    return restrict_to_offices(Hold.objects.select_related("unit", "office"), user)


def subscriptions_visible_to(user) -> QuerySet[Subscription]:
    return restrict_to_offices(Subscription.objects.select_related("unit", "office"), user)


def refunds_visible_to(user) -> QuerySet[Refund]:
    """Refunds of the offices where the user keeps the books: finance of the office, or a
    manager (the director everywhere)."""
    offices = Office.objects.filter(pk__in=office_ids_of(user))
    ids = [o.pk for o in offices if may(user, "deals.view_refunds", o)]
    return Refund.objects.select_related("office").filter(office_id__in=ids)
