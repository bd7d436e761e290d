"""The regulations page: every logged-in member of staff may read it."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from staff.models import Office
from staff.places import place_for

from .rulebook import rulebook


def _anyone(user, office) -> bool:
    return True  # the offices offered are already those the user may see


@login_required
@require_GET
def index(request):
    """The rules with the office's own settings; `?office=` picks one of the user's offices.
    A user of no office reads them with the defaults of RULES.md."""
    place = place_for(request, _anyone, none_without_office=True)
    office = place.office if place else Office()
    return render(
        request,
        "workspace/rules.html",
        {"place": place, "office": office, "chapters": rulebook(office)},
    )
