from django.db.models import Q, QuerySet

from staff.permissions import restrict_to_offices

from .models import Customer, SourceChannel
from .rules import phone_fragment


def channels_active() -> QuerySet[SourceChannel]:
    return SourceChannel.objects.filter(is_active=True)


def customers_visible_to(user) -> QuerySet[Customer]:
    """Customers of the user's offices (what of each one a salesperson sees is decided
    per field by attribution.visibility)."""
    return restrict_to_offices(
        Customer.objects.select_related("source_channel", "household", "office"), user
    )


def customers_search(qs: QuerySet[Customer], query: str) -> QuerySet[Customer]:
    """R-2.1: by phone (or part of it) and by name."""
    query = (query or "").strip()
    if not query:
        return qs.none()
    digits = phone_fragment(query)
    condition = Q(name__icontains=query)
    if digits:
        condition |= Q(phone__startswith=digits) | Q(phone__contains=digits)
    return qs.filter(condition)
