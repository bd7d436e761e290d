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
