from django.db.models import F, Q, QuerySet

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


# Trigram indexes (migration 0004) narrow `LIKE '%…%'` only from three characters on: a
# shorter name is searched as the beginning of the name (the surname comes first), which the
# same index serves, instead of reading every customer (issue 8: 130 ms at a million).
SHORT_NAME = 2


# The order of search results, newest first. NULLS LAST (registered_at is never null: the
# same order) keeps PostgreSQL from walking an office's whole customer_office_recent index
# for the few matches of a search it expects to be many (issue 8: 113 ms instead of 2 ms for
# a 7-digit prefix among half a million customers).
SEARCH_ORDER = (F("registered_at").desc(nulls_last=True), F("pk").desc())


def customers_search(qs: QuerySet[Customer], query: str) -> QuerySet[Customer]:
    """R-2.1: by phone (its beginning or any part of it) and by name (any part of it; one or
    two characters: its beginning). Newest first: `.order_by(*SEARCH_ORDER)`."""
    query = (query or "").replace("\x00", "").strip()  # PostgreSQL text cannot hold NUL
    if not query:
        return qs.none()
    digits = phone_fragment(query)
    short = len(query) <= SHORT_NAME
    condition = Q(name__istartswith=query) if short else Q(name__icontains=query)
    if digits:
        condition |= Q(phone__startswith=digits) | Q(phone__contains=digits)
    return qs.filter(condition)
