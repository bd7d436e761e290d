"""R-1.4: searches by a name or part of a phone, counted per user; a burst is refused (429).

Only users who do not see every customer in full are counted (a salesperson): the desk's
search-as-you-type is not slowed. The pages call `search_allowed`, the API uses the class."""

from django.conf import settings
from rest_framework.throttling import UserRateThrottle

from .visibility import sees_in_full


class SearchThrottle(UserRateThrottle):
    """At most settings.SEARCH_RATE (e.g. "30/min") searches per user; a look-up by the full
    number (`?phone=`) is not a search and is not counted."""

    scope = "search"

    def get_rate(self) -> str:
        return settings.SEARCH_RATE

    def allow_request(self, request, view) -> bool:
        query = (request.GET.get("q") or "").strip()
        user = request.user
        if not query or not user.is_authenticated or sees_in_full(user, None):
            return True
        return super().allow_request(request, view)


def search_allowed(request) -> bool:
    """The same count for a page's search box (a Django request)."""
    return SearchThrottle().allow_request(request, None)
