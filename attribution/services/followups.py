"""Follow-ups (R-3.2) and their voiding (R-3.8)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from common.errors import DomainError
from leads import services as leads
from leads.models import Customer

from .. import rules
from ..choices import ClaimEventKind, ClaimStatus, FollowUpKind
from ..models import Claim, ClaimEvent, FollowUp
from .claims import protection_end_for

# a phone's clock may run a little fast; more than this ahead of the server is "the future"
CLOCK_SKEW = datetime.timedelta(minutes=2)
#
TOO_LONG_AGO = _(
    "A follow-up is logged the day it happened or the day after: this time is too long ago."
)
BEFORE_THE_CLAIM = _("A follow-up cannot be earlier than the start of the customer's claim.")


class NotYourCustomer(DomainError):
    status_code = 403
    default_code = "not_owner"
    default_detail = _("Only the customer's salesperson can log a follow-up.")


def _validate(*, kind: str, note: str, at: datetime.datetime, now: datetime.datetime) -> str:
    if kind not in FollowUpKind.values:
        raise ValidationError({"kind": [_("Unknown kind of follow-up.")]})
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("Write what was said: a follow-up needs a note.")]})
    if at > now + CLOCK_SKEW:
        raise ValidationError({"at": [_("A follow-up cannot be in the future.")]})
    return note


def _check_not_too_early(claim: Claim, at: datetime.datetime, now: datetime.datetime) -> None:
    """R-3.9: the same or the previous local day, and not before the claim began."""
    earliest = rules.followup_earliest(
        now=now, tz=claim.office.tzinfo, claim_started_at=claim.started_at
    )
    if at >= earliest:
        return
    if at < claim.started_at and earliest == claim.started_at:
        raise ValidationError({"at": [BEFORE_THE_CLAIM]})
    raise ValidationError({"at": [TOO_LONG_AGO]})


@transaction.atomic
def followup_log(
    *,
    customer: Customer,
    author,
    kind: str,
    note: str,
    now: datetime.datetime,
    at: datetime.datetime | None = None,
    next_step: str = "",
) -> FollowUp:
    """R-3.2/R-3.3: the owner's follow-up extends an active claim, or is refused with 409
    `claim_released` — decided under the claim's row lock, which the expiry job also takes,
    so that a follow-up at the moment of release is never both applied and released."""
    at = at or now
    note = _validate(kind=kind, note=note, at=at, now=now)
    # A time ahead of the server's, within the skew, is a fast clock: the contact happened now.
    # Not clamped, a follow-up at 23:59 "at" 00:00 gained a day of protection.
    at = min(at, now)
    household = leads.household_lock(household_id=customer.household_id)
    claim = (
        Claim.objects.select_for_update(of=("self",))
        .select_related("office")
        .filter(
            household=household, owner=author, status__in=[ClaimStatus.ACTIVE, ClaimStatus.DEAL]
        )
        .order_by("-started_at")
        .first()
    )
    if claim is None:
        mine_before = Claim.objects.filter(household=household, owner=author).exists()
        if mine_before:
            raise DomainError(_("This customer's claim has been released."), code="claim_released")
        raise NotYourCustomer()
    if claim.status == ClaimStatus.ACTIVE and not rules.is_protected(claim.protected_until, now):
        raise DomainError(_("This customer's claim has been released."), code="claim_released")
    _check_not_too_early(claim, at, now)
    followup = FollowUp.objects.create(
        claim=claim,
        customer=customer,
        author=author,
        kind=kind,
        note=note,
        at=at,
        next_step=(next_step or "").strip(),
    )
    if at > claim.last_contact_at:
        claim.last_contact_at = at
        claim.protected_until = protection_end_for(claim.office, at)
        claim.save(update_fields=["last_contact_at", "protected_until"])
    ClaimEvent.objects.create(
        claim=claim,
        kind=ClaimEventKind.CONTACT,
        at=now,
        actor=author,
        owner=claim.owner,
        # "followup_kind", as in the timeline: a "kind" key collided with the timeline entry's
        # own `kind` argument (TypeError, a 500 on GET /customers/{id}/timeline/)
        detail={"followup": followup.pk, "contact_at": at.isoformat(), "followup_kind": kind},
    )
    return followup


def _contact_times(claim: Claim, voided: set[int]) -> list[datetime.datetime]:
    from django.utils.dateparse import parse_datetime

    times = [claim.started_at]
    for event in claim.timeline.filter(kind=ClaimEventKind.CONTACT):
        if event.detail.get("followup") in voided:
            continue
        contact_at = event.detail.get("contact_at")
        times.append(parse_datetime(contact_at) if contact_at else event.at)
    return times


@transaction.atomic
def followup_void(*, followup: FollowUp, actor, reason: str, now: datetime.datetime) -> Claim:
    """R-3.8: a voided follow-up does not count; protection is recomputed from the contacts
    that remain and may fall into the past — then the claim is released now."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Write the reason.")]})
    leads.household_lock(household_id=followup.customer.household_id)
    followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
    if followup.voided_at is not None:
        raise DomainError(_("This follow-up is already void."), code="already_void")
    followup.voided_at, followup.voided_by, followup.void_reason = now, actor, reason
    followup.save(update_fields=["voided_at", "voided_by", "void_reason"])
    claim = (
        Claim.objects.select_for_update(of=("self",))
        .select_related("office")
        .get(pk=followup.claim_id)
    )
    voided = set(
        FollowUp.objects.filter(claim=claim, voided_at__isnull=False).values_list("pk", flat=True)
    )
    last = max(_contact_times(claim, voided))
    claim.last_contact_at = last
    claim.protected_until = protection_end_for(claim.office, last)
    ClaimEvent.objects.create(
        claim=claim,
        kind=ClaimEventKind.CONTACT_VOIDED,
        at=now,
        actor=actor,
        owner=claim.owner,
        detail={"followup": followup.pk, "reason": reason},
    )
    fields = ["last_contact_at", "protected_until"]
    if claim.status == ClaimStatus.ACTIVE and not rules.is_protected(claim.protected_until, now):
        claim.status, claim.ended_at = ClaimStatus.RELEASED, now
        fields += ["status", "ended_at"]
        ClaimEvent.objects.create(
            claim=claim,
            kind=ClaimEventKind.RELEASED,
            at=now,
            actor=actor,
            owner=claim.owner,
            detail={"reason": "contact_voided"},
        )
    claim.save(update_fields=fields)
    return claim
