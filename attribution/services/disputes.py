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
from staff.models import User
from staff.permissions import may

from ..choices import ClaimEventKind, ClaimStatus, Decision, DisputeStatus
from ..models import Claim, Collision, Dispute
from ..selectors import claim_held
from ..visibility import sees_in_full
from .claims import claim_start, claim_transfer, require_salesperson_of


class NoRelation(DomainError):
    status_code = 403
    default_code = "no_relation"
    default_detail = _("You have no record with this customer to dispute.")


class NotManager(DomainError):
    """Only the office's manager (or the director) rules, whoever calls the service."""

    status_code = 403
    default_code = "forbidden"
    default_detail = _("Only the office's manager rules on a dispute.")


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
    """R-5.6: a salesperson with a recorded link asks the office's managers to rule."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Write the reason.")]})
    if not has_relation(user=opener, customer=customer):
        raise NoRelation()
    try:
        with transaction.atomic():
            dispute = Dispute.objects.create(
                office=customer.office,
                customer=customer,
                opened_by=opener,
                claimant=opener,
                reason=reason,
                opened_at=now,
            )
            _announce(dispute=dispute, now=now)
            return dispute
    except IntegrityError as exc:
        raise DomainError(
            _("You already have an open dispute on this customer."), code="duplicate"
        ) from exc


def _announce(*, dispute: Dispute, now: datetime.datetime) -> None:
    managers = User.objects.filter(
        is_active=True, offices=dispute.office_id, groups__name=Role.MANAGER
    ).distinct()
    params = {"customer": str(dispute.customer), "claimant": str(dispute.claimant)}
    for manager in managers:
        notify(
            recipient=manager,
            kind="dispute_opened",
            params=params,
            url=f"/attribution/disputes/{dispute.pk}/",
            now=now,
        )


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
    """R-5.6: the ruling may move the household's claim — and a deal's credit with it (its
    subscriptions, `deals.services.credit_move`); it is final and on record. Only the office's
    manager (or the director) rules: anyone else is refused with 403 `forbidden`."""
    if not may(actor, "attribution.rule_dispute", dispute.office):
        raise NotManager()
    reason = (reason or "").strip()
    if decision not in Decision.values:
        raise ValidationError({"decision": [_("Keep or move.")]})
    if not reason:
        raise ValidationError({"reason": [_("Write the reason.")]})
    if decision == Decision.MOVE:
        require_salesperson_of(new_owner, dispute.office_id, field="new_owner")
    household = leads.household_lock(household_id=dispute.customer.household_id)
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    if dispute.status != DisputeStatus.OPEN:
        raise DomainError(_("This dispute has been ruled already."), code="already_ruled")
    # who holds the household (R-3.1: active or deal; past its protection an active claim is
    # released, R-3.3), read under the household's lock, then its row locked too
    claim = claim_held(household=household, now=now)
    if claim is not None:
        claim = Claim.objects.select_for_update().select_related("owner").get(pk=claim.pk)
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
            detail = {"dispute": dispute.pk}
            if claim.status == ClaimStatus.DEAL:  # "a ruling may move a claim or credit"
                from deals.services import credit_move  # deals builds on attribution

                detail["subscriptions"] = credit_move(claim=claim, new_owner=new_owner)
            claim_transfer(
                claim=claim,
                new_owner=new_owner,
                now=now,
                actor=actor,
                reason=reason,
                kind=ClaimEventKind.RULED,
                detail=detail,
            )
    dispute.status, dispute.decision, dispute.ruling_reason = DisputeStatus.RULED, decision, reason
    dispute.new_owner = new_owner if decision == Decision.MOVE else None
    dispute.ruled_by, dispute.ruled_at = actor, now
    dispute.save()
    # both sides: the claimant, and whoever held the claim before (and holds it after) the ruling
    for person in {dispute.claimant, previous_owner, claim.owner if claim else None} - {None}:
        customer = dispute.customer  # the full phone only to whoever holds the customer now
        label = str(customer) if sees_in_full(person, claim) else customer.masked_label
        notify(
            recipient=person,
            kind="dispute_ruled",
            params={"customer": label, "decision": decision},
            url=f"/attribution/customers/{dispute.customer_id}/",
            now=now,
        )
    return dispute
