"""The office a page is about: one rule for every app's pages.

`?office=<id>` (or a form's `office`) names one of the user's offices; another office's id is a
404, an office where the user may not do the page's action a 403. Without it, the first office
(by name) where the user may is taken.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from .models import Office, User
from .permissions import may
from .selectors import offices_visible_to


@dataclass
class Place:
    office: Office
    offices: list[Office]  # the offices the user may switch between for this page


def place_for(
    request: HttpRequest,
    allowed: str | Callable[[User, Office], bool],
    *,
    none_without_office: bool = False,
) -> Place | None:
    """`allowed` is a permission action or a predicate. With `none_without_office`, a user who
    belongs to no office at all gets None (the page explains) instead of a 403."""
    check = allowed if callable(allowed) else (lambda user, office: may(user, allowed, office))
    visible = list(offices_visible_to(request.user).order_by("name"))
    permitted = [o for o in visible if check(request.user, o)]
    raw = request.POST.get("office") or request.GET.get("office")
    if raw:
        office = next((o for o in visible if str(o.pk) == raw), None)
        if office is None:
            raise Http404
        if office not in permitted:
            raise PermissionDenied
        return Place(office, permitted)
    if permitted:
        return Place(permitted[0], permitted)
    if none_without_office and not visible:
        return None
    raise PermissionDenied
