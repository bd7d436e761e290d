"""Disputes (撞单, R-5.6): a salesperson opens one; the manager rules, finally, with a reason."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.errors import DomainError
from leads import services as leads
from leads.models import Customer
from notifications.services import notify
from staff.choices import Role

from .. import rules
from ..choices import ClaimEventKind, ClaimStatus, Decision, DisputeStatus
from ..models import Claim, ClaimEvent, Collision, Dispute
from .claims import claim_start


class NoRelation(DomainError):
    status_code = 403
    default_code = "no_relation"
    default_detail = _("You have no record with this customer to dispute.")


def has_relation(*, user, customer: Customer) -> bool:
    """A salesperson may dispute a customer they have a recorded link with (R-5.1): a claim
    on the household, a visit received or named, or a collision."""
    from reception.models import Visit  # reception builds on attribution; read-only here

    household = customer.household_id
    return (
        Claim.objects.filter(household_id=household, owner=user).exists()
        or Visit.objects.filter(customer__household_id=household)
        .filter(Q(assigned_to=user) | Q(named_salesperson=user))
        .exists()
        or Collision.objects.filter(customer__household_id=household, salesperson=user).exists()
    )


def dispute_open(*, customer: Customer, opener, reason: str, now: datetime.datetime) -> Dispute:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Write the reason.")]})
    if not has_relation(user=opener, customer=customer):
        raise NoRelation()
    try:
        with transaction.atomic():
            return Dispute.objects.create(
                office=customer.office,
                customer=customer,
                opened_by=opener,
                claimant=opener,
                reason=reason,
                opened_at=now,
            )
    except IntegrityError as exc:
        raise DomainError(
            _("You already have an open dispute on this customer."), code="duplicate"
        ) from exc


@transaction.atomic
def dispute_rule(
    *,
    dispute: Dispute,
    actor,
    decision: str,
    reason: str,
    now: datetime.datetime,
    new_owner=None,
) -> Dispute:
    """R-5.6: the ruling may move the household's claim; it is final and on record."""
    reason = (reason or "").strip()
    if decision not in Decision.values:
        raise ValidationError({"decision": [_("Keep or move.")]})
    if not reason:
        raise ValidationError({"reason": [_("Write the reason.")]})
    if decision == Decision.MOVE:
        if new_owner is None:
            raise ValidationError({"new_owner": [_("Choose who receives the claim.")]})
        if not (
            new_owner.has_role(Role.SALESPERSON)
            and new_owner.offices.filter(pk=dispute.office_id).exists()
        ):
            raise ValidationError({"new_owner": [_("Not a salesperson of this office.")]})
    household = leads.household_lock(household_id=dispute.customer.household_id)
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    if dispute.status != DisputeStatus.OPEN:
        raise DomainError(_("This dispute has been ruled already."), code="already_ruled")
    claim = (
        Claim.objects.select_for_update(of=("self",))
        .filter(household=household, status__in=[ClaimStatus.ACTIVE, ClaimStatus.DEAL])
        .first()
    )
    if (
        claim is not None
        and claim.status == ClaimStatus.ACTIVE
        and not rules.is_protected(claim.protected_until, now)
    ):
        claim = None  # past its protection it is released, whether or not the job ran
    previous_owner = claim.owner if claim else None
    if decision == Decision.MOVE:
        if claim is None:
            claim = claim_start(
                household=household,
                owner=new_owner,
                now=now,
                actor=actor,
                detail={"dispute": dispute.pk},
            )
        elif claim.owner_id != new_owner.pk:
            previous = claim.owner_id
            claim.owner = new_owner
            claim.save(update_fields=["owner"])
            ClaimEvent.objects.create(
                claim=claim,
                kind=ClaimEventKind.RULED,
                at=now,
                actor=actor,
                owner=new_owner,
                detail={"dispute": dispute.pk, "reason": reason, "previous_owner": previous},
            )
    dispute.status, dispute.decision, dispute.ruling_reason = DisputeStatus.RULED, decision, reason
    dispute.new_owner = new_owner if decision == Decision.MOVE else None
    dispute.ruled_by, dispute.ruled_at = actor, now
    dispute.save()
    # both sides: the claimant, and whoever held the claim before (and holds it after) the ruling
    for person in {dispute.claimant, previous_owner, claim.owner if claim else None} - {None}:
        notify(
            recipient=person,
            kind="dispute_ruled",
            params={"customer": str(dispute.customer), "decision": decision},
            url=f"/attribution/customers/{dispute.customer_id}/",
            now=now,
        )
    return dispute
