"""Reads of claims, in bulk where a list needs them (no per-row queries)."""

import datetime

from . import rules
from .choices import ClaimStatus
from .models import Claim


def active_claims_by_household(household_ids, *, now: datetime.datetime) -> dict[int, Claim]:
    """R-3.3: the active (still protected) claim of each household, one query for the lot."""
    claims = Claim.objects.select_related("owner").filter(
        household_id__in=list(household_ids), status=ClaimStatus.ACTIVE
    )
    return {c.household_id: c for c in claims if rules.is_protected(c.protected_until, now)}


def claims_visible_to(user):
    """Claims of the user's offices: a manager (or director) sees the office's, a salesperson
    their own (API.md, GET /claims/)."""
    from staff.choices import Role
    from staff.permissions import restrict_to_offices

    qs = restrict_to_offices(Claim.objects.select_related("owner", "office", "household"), user)
    if user.has_role(Role.MANAGER, Role.DIRECTOR):
        return qs
    return qs.filter(owner=user)


def household_family(household) -> list[int]:
    """The household and every household merged into it, however deep (R-4.1)."""
    from leads.models import Household

    ids, frontier = [household.pk], [household.pk]
    while frontier:
        frontier = list(
            Household.objects.filter(merged_into__in=frontier).values_list("pk", flat=True)
        )
        ids += frontier
    return ids
