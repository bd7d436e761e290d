"""Households (R-4.1) and the merge of two claimed households (R-4.2)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from common.errors import DomainError
from leads import services as leads
from leads.models import Customer, Household

from ..choices import ClaimEventKind, ClaimStatus, Relation
from ..models import Claim, ClaimEvent, Dispute, HouseholdLink
from .claims import _release_stale, claim_active


def _lock_pair(a_id: int, b_id: int) -> tuple[Household, Household]:
    """Lock two households in primary-key order, so that two links never deadlock."""
    first, second = sorted([a_id, b_id])
    locked = {first: leads.household_lock(household_id=first)}
    locked[second] = leads.household_lock(household_id=second)
    return locked[a_id], locked[b_id]


@transaction.atomic
def household_link(
    *, customer: Customer, member: Customer, relation: str, actor, now: datetime.datetime
) -> HouseholdLink:
    """Link an immediate family member into a customer's household (R-4.1).

    The earlier registration keeps the household (R-4.2). When both households have active
    claims with different owners, the later household's claim is closed as merged and a
    dispute is opened for the manager automatically.
    """
    if relation not in Relation.values:
        raise ValidationError({"relation": [_("Spouse, parent or child.")]})
    if member.pk == customer.pk:
        raise ValidationError({"member": [_("A customer cannot be linked to themselves.")]})
    if member.office_id != customer.office_id:
        raise ValidationError({"member": [_("Unknown customer.")]})
    here, there = _lock_pair(customer.household_id, member.household_id)
    customer.refresh_from_db(fields=["household"])
    member.refresh_from_db(fields=["household"])
    if customer.household_id == member.household_id:
        raise DomainError(_("These two are already one household."), code="already_linked")
    keep, gone = (here, there) if _earliest(here) <= _earliest(there) else (there, here)
    kept_claim = claim_active(household=keep, now=now)
    gone_claim = claim_active(household=gone, now=now)
    if gone_claim is not None:
        if kept_claim is None:
            # a claim of `keep` past its protection is released before the other moves
            # in: left "active", it broke one_active_claim_per_household (IntegrityError)
            _release_stale(household=keep, now=now)
            gone_claim.household = keep  # the only claim follows its customers
            gone_claim.save(update_fields=["household"])
        else:
            _close_merged(gone_claim, kept_claim, actor, now)
    leads.household_merge(source=gone, target=keep)
    return HouseholdLink.objects.create(
        customer=customer, member=member, relation=relation, at=now, by=actor
    )


def _earliest(household: Household):
    return min(c.registered_at for c in household.members.all())


def _close_merged(gone: Claim, kept: Claim, actor, now) -> None:
    gone.status, gone.ended_at = ClaimStatus.MERGED, now
    gone.save(update_fields=["status", "ended_at"])
    ClaimEvent.objects.create(
        claim=gone,
        kind=ClaimEventKind.MERGED,
        at=now,
        actor=actor,
        owner=gone.owner,
        detail={"into_claim": kept.pk, "owner_kept": kept.owner_id},
    )
    if gone.owner_id == kept.owner_id:
        return
    customer = Customer.objects.filter(household=gone.household).order_by("registered_at").first()
    Dispute.objects.get_or_create(
        customer=customer,
        claimant=gone.owner,
        status="open",
        defaults={
            "office": gone.office,
            "automatic": True,
            "reason": str(_("Households linked: both had an active claim (R-4.2).")),
            "opened_at": now,
        },
    )
