"""Writes of claims. Callers hold the household's row lock (leads.services.household_lock),
so that every read-then-write on a household's claims is serialized in PostgreSQL."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.errors import DomainError
from leads import services as leads
from leads.models import Customer, Household
from leads.rules import normalize_phone
from notifications.services import notify
from staff.choices import Role

from .. import rules
from ..choices import ClaimEventKind, ClaimStatus
from ..models import Claim, ClaimEvent, Collision
from ..selectors import claim_held, status_condition


class ClaimedError(DomainError):
    """R-5.3: someone else holds the household (an active claim, or a deal: R-3.1); the
    collision is recorded, not rolled back. A deal has no end: `protected_until` is null."""

    default_code = "claimed"

    def __init__(self, *, customer: Customer, claim: Claim):
        extra = {
            "owner": claim.owner_id,
            "owner_name": str(claim.owner),
            "status": claim.status,
            "protected_until": None,
            "customer": customer.pk,
        }
        if claim.status == ClaimStatus.DEAL:
            message = _("This customer has a deal with %(owner)s.") % {"owner": claim.owner}
        else:
            until = claim.protected_until.astimezone(claim.office.tzinfo)  # office-local
            extra["protected_until"] = until.isoformat()
            message = _("This customer is claimed by %(owner)s until %(until)s.") % {
                "owner": claim.owner,
                "until": until.strftime("%Y-%m-%d %H:%M"),
            }
        super().__init__(message, extra=extra)


class CallerUnownedError(DomainError):
    """R-3.1, R-2.7: a customer registered by a hotline call stays unowned until they visit."""

    default_code = "awaiting_visit"
    default_detail = _(
        "This customer called the hotline and stays unowned until they visit: the desk "
        "assigns them when they come."
    )


def protection_end_for(office, moment: datetime.datetime) -> datetime.datetime:
    return rules.protection_end(moment, tz=office.tzinfo, days=office.protection_days)


def claim_active(*, household: Household, now: datetime.datetime) -> Claim | None:
    """R-3.3: the household's active claim, evaluated on read (past its end = released).
    Who *holds* the household (active or deal, R-3.1) is `claim_held`: use that for any
    decision of ownership."""
    claim = (
        Claim.objects.select_related("owner")
        .filter(household=household, status=ClaimStatus.ACTIVE)
        .first()
    )
    if claim is None or not rules.is_protected(claim.protected_until, now):
        return None
    return claim


def _release_stale(
    *, household: Household, now: datetime.datetime, stale: list[Claim] | None = None
) -> None:
    """Make permanent the release of a stale active claim before a new one starts (R-3.3).
    `stale`: the caller already knows them (a household it has just created has none)."""
    if stale is None:
        stale = Claim.objects.filter(
            household=household, status=ClaimStatus.ACTIVE, protected_until__lte=now
        )
    for claim in stale:
        claim.status = ClaimStatus.RELEASED
        claim.ended_at = claim.protected_until
        claim.save(update_fields=["status", "ended_at"])
        ClaimEvent.objects.create(
            claim=claim,
            kind=ClaimEventKind.RELEASED,
            at=now,
            owner=claim.owner,
            detail={
                "reason": "protection_ended",
                "protected_until": claim.protected_until.isoformat(),
            },
        )


@transaction.atomic(savepoint=False)  # an error ends the caller's transaction anyway
def claim_start(
    *,
    household: Household,
    owner,
    now: datetime.datetime,
    actor,
    detail: dict,
    stale: list[Claim] | None = None,
) -> Claim:
    """R-3.1: a claim starts at registration; the registration is its first contact (R-3.2).
    `stale`: the household's stale active claims when the caller knows them (see
    `_release_stale`), else they are looked up."""
    _release_stale(household=household, now=now, stale=stale)
    claim = Claim.objects.create(
        office=household.office,
        household=household,
        owner=owner,
        started_at=now,
        last_contact_at=now,
        protected_until=protection_end_for(household.office, now),
    )
    ClaimEvent.objects.create(
        claim=claim, kind=ClaimEventKind.STARTED, at=now, actor=actor, owner=owner, detail=detail
    )
    return claim


@transaction.atomic(savepoint=False)  # an error ends the caller's transaction anyway
def claim_record_contact(*, claim: Claim, now: datetime.datetime, actor, detail: dict) -> Claim:
    """R-3.2: a qualifying contact (a visit received by the owner, a follow-up) extends it."""
    claim.last_contact_at = max(claim.last_contact_at, now)
    claim.protected_until = protection_end_for(claim.office, claim.last_contact_at)
    claim.save(update_fields=["last_contact_at", "protected_until"])
    ClaimEvent.objects.create(
        claim=claim,
        kind=ClaimEventKind.CONTACT,
        at=now,
        actor=actor,
        owner=claim.owner,
        detail=detail,
    )
    return claim


@transaction.atomic
def claim_transfer(
    *,
    claim: Claim,
    new_owner,
    now: datetime.datetime,
    actor,
    reason: str,
    kind: str = ClaimEventKind.REASSIGNED,
    detail: dict | None = None,
) -> Claim:
    """A manager's override (R-2.4) or a ruling (R-5.6, kind `ruled`) moves the claim; the
    previous owner stays in the event, with the caller's `detail` (the dispute)."""
    previous = claim.owner_id
    claim.owner = new_owner
    claim.save(update_fields=["owner"])
    ClaimEvent.objects.create(
        claim=claim,
        kind=kind,
        at=now,
        actor=actor,
        owner=new_owner,
        detail={**(detail or {}), "reason": reason, "previous_owner": previous},
    )
    return claim


def require_salesperson_of(user, office_id: int, *, field: str) -> None:
    """Only a salesperson of the office owns its claims (R-3)."""
    if user is None:
        raise ValidationError({field: [_("Choose who receives the claim.")]})
    if not (user.has_role(Role.SALESPERSON) and user.offices.filter(pk=office_id).exists()):
        raise ValidationError({field: [_("Not a salesperson of this office.")]})


@transaction.atomic
def claim_reassign_released(
    *, household: Household, new_owner, actor, reason: str, now: datetime.datetime
) -> Claim:
    """R-3.4: the manager gives a released household to a salesperson, with a written reason.

    Under the household's lock, so that a visit or registration at the same moment cannot
    start a second claim. Refused with 409 `claimed` while someone holds the household (an
    active, protected claim, or a deal)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Write the reason.")]})
    require_salesperson_of(new_owner, household.office_id, field="new_owner")
    household = leads.household_lock(household_id=household.pk)
    if household.merged_into_id is not None:
        raise DomainError(_("This household was linked into another one."), code="merged")
    claims = Claim.objects.filter(household=household)
    held = status_condition(ClaimStatus.ACTIVE, now) | Q(status=ClaimStatus.DEAL)
    if claims.filter(held).exists():
        raise DomainError(_("Someone holds this customer again."), code="claimed")
    released = (  # an active claim left now is past its protection: released on read
        claims.filter(status__in=[ClaimStatus.RELEASED, ClaimStatus.ACTIVE])
        .order_by("-started_at", "-pk")
        .first()
    )
    if released is None:
        raise DomainError(_("This claim is not released."), code="not_released")
    claim = claim_start(
        household=household,
        owner=new_owner,
        now=now,
        actor=actor,
        detail={"rule": "manager", "reason": reason, "released_claim": released.pk},
    )
    # not merged away (refused above), so the household still has its customers
    customer = Customer.objects.filter(household=household).order_by("registered_at", "pk").first()
    notify(
        recipient=new_owner,
        kind="claim_assigned",
        params={"customer": str(customer)},
        url=f"/attribution/customers/{customer.pk}/",
        now=now,
    )
    return claim


def collision_record(
    *, customer: Customer, salesperson, claim: Claim, now: datetime.datetime
) -> Collision:
    """R-5.3: the refused registration is kept as evidence."""
    return Collision.objects.create(
        office=customer.office, customer=customer, salesperson=salesperson, claim=claim, at=now
    )


def customer_register_own(
    *, office, salesperson, phone: str, name: str, source_channel, now: datetime.datetime
) -> tuple[Customer, Claim]:
    """R-1.3: a salesperson registers a customer met outside the desk, and the claim starts.

    Someone else holds the household (an active claim or a deal, R-3.1) → refused with whose
    and until when (ClaimedError), and the attempt is kept as a collision (R-5.3). Their own →
    409 `already_yours`. A caller not yet visited (R-2.7) → 409 `awaiting_visit`.
    """
    try:
        normalized = normalize_phone(phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc
    customer, claim, collided = _register_own(
        office=office,
        salesperson=salesperson,
        phone=normalized,
        name=name,
        source_channel=source_channel,
        now=now,
    )
    if collided:  # raised after the commit, so that the collision record stays
        raise ClaimedError(customer=customer, claim=claim)
    return customer, claim


@transaction.atomic
def _register_own(*, office, salesperson, phone, name, source_channel, now):
    customer, _created = leads.customer_get_or_register(
        office=office,
        phone=phone,
        name=name,
        source_channel=source_channel,
        actor=salesperson,
        now=now,
    )
    household = leads.household_lock(household_id=customer.household_id)
    held = claim_held(household=household, now=now)  # active or deal
    if held is not None and held.owner_id == salesperson.pk:
        until = held.protected_until if held.status == ClaimStatus.ACTIVE else None
        raise DomainError(
            _("This customer is already yours."),
            code="already_yours",
            extra={"customer": customer.pk, "protected_until": until and until.isoformat()},
        )
    if held is not None:
        collision_record(customer=customer, salesperson=salesperson, claim=held, now=now)
        return customer, held, True
    if customer.awaiting_visit:  # a caller is unowned until they visit
        raise CallerUnownedError()
    leads.customer_fill_name(customer=customer, name=name)
    claim = claim_start(
        household=household,
        owner=salesperson,
        now=now,
        actor=salesperson,
        detail={"rule": "own_registration"},
    )
    return customer, claim, False


def claim_mark_deal(*, claim: Claim, now: datetime.datetime, actor, detail: dict) -> Claim:
    """R-3.7: a subscription deposit makes the claim a deal; it no longer expires.
    The caller holds the household's and the claim's locks."""
    claim.status = ClaimStatus.DEAL
    claim.save(update_fields=["status"])
    ClaimEvent.objects.create(
        claim=claim, kind=ClaimEventKind.DEAL, at=now, actor=actor, owner=claim.owner, detail=detail
    )
    return claim
