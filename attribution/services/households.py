"""Households (R-4.1) and the merge of two held households (R-4.2)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from common.errors import DomainError
from leads import services as leads
from leads.models import Customer, Household
from staff.permissions import may

from ..choices import ClaimEventKind, ClaimStatus, Relation
from ..models import Claim, ClaimEvent, Dispute, HouseholdLink
from ..selectors import claim_held
from .claims import _release_stale
from .disputes import _announce


class HeldElsewhere(DomainError):
    """R-4.2: a salesperson's link that would join a household someone else holds (active or
    deal) moves nothing; a dispute is opened for the manager instead (kept: raised after the
    commit)."""

    default_code = "held"

    def __init__(self, *, dispute: Dispute, claim: Claim):
        super().__init__(
            _(
                "This customer is held by %(owner)s: nothing was linked. A dispute was opened "
                "for the manager to rule."
            )
            % {"owner": claim.owner},
            extra={"dispute": dispute.pk, "owner": claim.owner_id, "owner_name": str(claim.owner)},
        )


class NotYours(DomainError):
    status_code = 403
    default_code = "forbidden"
    default_detail = _("You can link only a customer you hold.")


class BothDeals(DomainError):
    """R-4.2: a deal is never closed as merged; two deals of different salespeople are settled
    by a ruling (R-5.6), not by a link."""

    default_code = "both_deals"
    default_detail = _(
        "Both customers have deals with different salespeople: settle it with a dispute ruling "
        "first."
    )


def _lock_pair(a_id: int, b_id: int) -> tuple[Household, Household]:
    """Lock two households in primary-key order, so that two links never deadlock."""
    first, second = sorted([a_id, b_id])
    locked = {first: leads.household_lock(household_id=first)}
    locked[second] = leads.household_lock(household_id=second)
    return locked[a_id], locked[b_id]


def household_link(
    *, customer: Customer, member: Customer, relation: str, actor, now: datetime.datetime
) -> HouseholdLink:
    """Link an immediate family member into a customer's household (R-4.1).

    The earlier registration keeps the household (R-4.2). A household is held while its claim
    is active or a deal (R-3.1). A manager's link of two households held by different owners
    closes the active claim as merged and opens a dispute automatically; a deal is never
    closed. A salesperson links only customers they hold, or one nobody holds to theirs: a
    link into a household someone else holds moves nothing, opens a dispute and is refused
    with 409 `held` (HeldElsewhere).
    """
    link, dispute, claim = _link(
        customer=customer, member=member, relation=relation, actor=actor, now=now
    )
    if dispute is not None:  # raised after the commit, so that the dispute stays
        raise HeldElsewhere(dispute=dispute, claim=claim)
    return link


@transaction.atomic
def _link(*, customer, member, relation, actor, now):
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
    held = {
        here.pk: claim_held(household=here, now=now),
        there.pk: claim_held(household=there, now=now),
    }
    if not may(actor, "attribution.rule_dispute", customer.office):
        blocked = _salesperson_may_link(
            actor, [(customer, held[here.pk]), (member, held[there.pk])]
        )
        if blocked is not None:
            blocked_customer, claim = blocked
            return None, _dispute_link(blocked_customer, claim, actor, now), claim
    keep, gone = (here, there) if _earliest(here) <= _earliest(there) else (there, here)
    _merge_claims(kept=held[keep.pk], gone=held[gone.pk], keep=keep, actor=actor, now=now)
    leads.household_merge(source=gone, target=keep)
    link = HouseholdLink.objects.create(
        customer=customer, member=member, relation=relation, at=now, by=actor
    )
    return link, None, None


def _salesperson_may_link(actor, sides):
    """R-4.2: each side is the salesperson's own or nobody's, and at least one is theirs.
    Returns (customer, claim) of a side someone else holds, else None."""
    for side_customer, claim in sides:
        if claim is not None and claim.owner_id != actor.pk:
            return side_customer, claim
    if all(claim is None for _customer, claim in sides):
        raise NotYours()
    return None


def _merge_claims(*, kept: Claim | None, gone: Claim | None, keep, actor, now) -> None:
    """The claims of two households becoming one (R-4.2): one claim stays, a deal always."""
    if gone is None:
        return
    if kept is None:
        # a claim of `keep` past its protection is released before the other moves
        # in: left "active", it broke one_active_claim_per_household (IntegrityError)
        _release_stale(household=keep, now=now)
        _move(gone, keep)
        return
    if gone.status == ClaimStatus.DEAL and kept.status == ClaimStatus.DEAL:
        if gone.owner_id != kept.owner_id:
            raise BothDeals()
        _move(gone, keep)  # both the same salesperson's deals: credit stays where it is
        return
    if gone.status == ClaimStatus.DEAL:  # a deal is never closed as merged
        _close_merged(kept, gone, actor, now)
        _move(gone, keep)
        return
    _close_merged(gone, kept, actor, now)


def _move(claim: Claim, household: Household) -> None:
    claim.household = household  # the claim follows its customers
    claim.save(update_fields=["household"])


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
            "reason": str(_("Households linked: both had an active claim.")),
            "opened_at": now,
        },
    )


def _dispute_link(customer: Customer, claim: Claim, actor, now) -> Dispute:
    """R-4.2: the refused link becomes the salesperson's dispute on the held customer."""
    dispute, created = Dispute.objects.get_or_create(
        customer=customer,
        claimant=actor,
        status="open",
        defaults={
            "office": customer.office,
            "opened_by": actor,
            "reason": str(
                _("Asked to link this customer as family; held by %(owner)s.")
                % {"owner": claim.owner}
            ),
            "opened_at": now,
        },
    )
    if created:
        _announce(dispute=dispute, now=now)
    return dispute
