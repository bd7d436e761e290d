"""What of a customer each user may see (API.md, visibility).

A salesperson sees their own customers in full and may look up any phone in their office,
but of a customer owned by someone else sees only that it is claimed, by whom and until when;
the phone is masked (138****5678). The front desk, managers, the director and finance work
with every customer of their offices and see them in full.
"""

from leads.rules import mask_name, mask_phone
from staff.choices import Role

from .models import Claim

FULL_VIEW_ROLES = (Role.SECRETARY, Role.MANAGER, Role.DIRECTOR, Role.FINANCE)


def sees_in_full(user, claim: Claim | None) -> bool:
    if user.has_role(*FULL_VIEW_ROLES):
        return True
    return claim is not None and claim.owner_id == user.pk


def phone_for(user, phone: str, claim: Claim | None) -> str:
    return phone if sees_in_full(user, claim) else mask_phone(phone)


def name_for(user, name: str, claim: Claim | None) -> str:
    """The name is masked like the phone (张*) for whoever may not see the customer in full."""
    return name if sees_in_full(user, claim) else mask_name(name)
