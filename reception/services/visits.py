"""Walk-ins and their assignment (R-2.1, R-2.3, R-2.5)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from attribution import services as claims
from common.errors import DomainError
from leads import services as leads
from leads.models import Customer, SourceChannel
from notifications.services import notify
from staff.choices import Role
from staff.models import Office, User

from .. import rules
from ..choices import DutyStatus, Rule, UnassignedReason
from ..models import DutyState, Referral, Roster, Visit
from .common import _phone, _require_salesperson, local_date

# ---------------------------------------------------------------- assignment


def _rotate(*, office: Office, now: datetime.datetime) -> tuple[int | None, rules.Rotation | None]:
    """Lock today's roster and its duty states, walk the rotation, save what it changed."""
    roster = (
        Roster.objects.select_for_update()
        .filter(office=office, date=local_date(office, now))
        .first()
    )
    if roster is None:
        return None, None
    # (salesperson, position) and (salesperson → status, owed turns) as plain rows: a roster
    # of 100 seats builds no model instances (issue 22). The seats are read by a statement of
    # their own, after the roster's lock is granted: read in the locking statement (a subquery),
    # they would come from its snapshot, taken before a manager's roster change committed.
    entries = list(roster.entries.order_by("position").values_list("salesperson_id", "position"))
    states = {
        salesperson_id: (status, owed)
        for salesperson_id, status, owed in DutyState.objects.select_for_update()
        .filter(office=office, salesperson__in=[sid for sid, _position in entries])
        .order_by("pk")
        .values_list("salesperson_id", "status", "owed_turns")
    }
    seats = [
        rules.Seat(
            salesperson_id=sid,
            position=position,
            status=states.get(sid, (DutyStatus.AVAILABLE, 0))[0],
            owed_turns=states.get(sid, (DutyStatus.AVAILABLE, 0))[1],
        )
        for sid, position in entries
    ]
    result = rules.rotate(seats, roster.pointer)
    for salesperson_id, delta in result.owed_delta.items():
        DutyState.objects.filter(office=office, salesperson_id=salesperson_id).update(
            owed_turns=F("owed_turns") + delta
        )
    if result.pointer != roster.pointer:
        roster.pointer = result.pointer
        roster.save(update_fields=["pointer"])
    return result.chosen, result


def _referral_owner(
    *, customer: Customer, referrer: Customer | None, now
) -> tuple[User | None, Customer | None]:
    """R-4.3: a referrer brought in person, or a pre-registration before the visit; the new
    customer goes to whoever holds the referrer's claim or deal."""
    if referrer is None:
        pre = Referral.objects.filter(  # nearly always none: the referrer is read if there is
            office=customer.office, phone=customer.phone, registered_at__lte=now
        ).first()
        referrer = pre.referrer if pre else None
    if referrer is None or referrer.household_id == customer.household_id:
        return None, referrer
    claim = claims.claim_held(household=referrer.household, now=now)
    return (claim.owner if claim else None), referrer


def _validate_visit(*, office, party_size, named_salesperson, referrer, source_channel) -> None:
    if not 1 <= party_size <= rules.MAX_PARTY_SIZE:
        raise ValidationError(
            {
                "party_size": [
                    _("Party size must be between 1 and %(max)d.") % {"max": rules.MAX_PARTY_SIZE}
                ]
            }
        )
    _require_salesperson(named_salesperson, office, "named_salesperson")
    if referrer is not None and referrer.office_id != office.pk:
        raise ValidationError({"referrer": [_("Unknown customer.")]})
    if not source_channel.is_active:
        raise ValidationError({"source_channel": [_("This source channel is no longer in use.")]})


@transaction.atomic
def visit_register(
    *,
    office: Office,
    actor: User,
    phone: str,
    source_channel: SourceChannel,
    now: datetime.datetime,
    name: str = "",
    party_size: int = 1,
    named_salesperson: User | None = None,
    referrer: Customer | None = None,
    one_household: bool = True,
    idempotency_key: str = "",
) -> tuple[Visit, bool]:
    """Register a walk-in and let the rules pick who receives them (R-2.1).

    Returns (visit, created). The same idempotency key returns the first visit; another
    registration of the same customer within rules.DUPLICATE_WINDOW is a 409 `duplicate`.
    """
    normalized = _phone(phone)
    _validate_visit(
        office=office,
        party_size=party_size,
        named_salesperson=named_salesperson,
        referrer=referrer,
        source_channel=source_channel,
    )
    if idempotency_key:  # a replay saves nothing, whatever else the form now says
        replay = Visit.objects.filter(office=office, idempotency_key=idempotency_key).first()
        if replay is not None:
            return replay, False
    customer, is_new = leads.customer_get_or_register(
        office=office,
        phone=normalized,
        name=name,
        source_channel=source_channel,
        actor=actor,
        now=now,
    )
    if is_new:
        # Inserted by this transaction, the household is invisible to every other one until
        # the commit: nothing to lock, no earlier visit and no claim to find (issue 22).
        household = customer.household
    else:
        household = leads.household_lock(household_id=customer.household_id)
        # Under the household lock, earlier registrations of this customer are committed
        # and seen.
        if idempotency_key:
            replay = Visit.objects.filter(office=office, idempotency_key=idempotency_key).first()
            if replay is not None:
                return replay, False
        recent = Visit.objects.filter(
            customer=customer, at__gt=now - rules.DUPLICATE_WINDOW
        ).first()
        if recent is not None:
            raise DomainError(
                _("This customer was registered a moment ago: a double submission?"),
                code="duplicate",
                extra={"visit": recent.pk},
            )
        leads.customer_fill_name(customer=customer, name=name)
        leads.customer_mark_visited(customer=customer)

    visit = Visit(
        office=office,
        customer=customer,
        at=now,
        registered_by=actor,
        is_new_customer=is_new,
        party_size=party_size,
        one_household=one_household,
        source_channel=source_channel,
        named_salesperson=named_salesperson,
        referrer=referrer,
        idempotency_key=idempotency_key,
    )
    _assign(visit=visit, household=household, actor=actor, now=now, new_household=is_new)
    try:
        # no savepoint: the error ends this transaction, which the DomainError rolls back
        visit.save()
    except IntegrityError as exc:  # the same key raced in from another customer's form
        raise DomainError(_("This form was already submitted."), code="duplicate") from exc
    _announce(visit=visit, now=now)
    return visit, True


def _assign(*, visit: Visit, household, actor, now, new_household: bool = False) -> None:
    """R-2.1 in order: held (active claim or deal) → named → referral → rotation (R-2.5:
    large parties wait). A household created by this registration has no claim at all."""
    office = visit.office
    held = None if new_household else claims.claim_held(household=household, now=now)
    if held is not None:  # 1. the owner (R-3.1: a deal holds too); a qualifying contact
        visit.rule, visit.assigned_to, visit.claim = Rule.OWNER, held.owner, held
        claims.claim_record_contact(claim=held, now=now, actor=actor, detail={"visit": True})
        return
    stale = [] if new_household else None  # claims to release first: none, or look them up
    if visit.named_salesperson is not None:  # 2. named, no active claim: no turn used
        _start(visit, Rule.NAMED, visit.named_salesperson, household, actor, now, stale)
        return
    owner, referrer = _referral_owner(customer=visit.customer, referrer=visit.referrer, now=now)
    visit.referrer = referrer
    if owner is not None:  # 3. a valid referral
        _start(visit, Rule.REFERRAL, owner, household, actor, now, stale)
        return
    if rules.is_large_party(
        party_size=visit.party_size,
        one_household=visit.one_household,
        limit=office.large_party_size,
    ):
        visit.rule, visit.unassigned_reason = Rule.UNASSIGNED, UnassignedReason.LARGE_PARTY
        return
    chosen, rotation = _rotate(office=office, now=now)  # 4. the rotation
    if rotation is not None:
        visit.skipped = [
            {"salesperson": sid, "reason": str(reason)} for sid, reason in rotation.skipped
        ]
        visit.owed_turn_used = rotation.owed_turn_used
    if chosen is None:
        visit.rule = Rule.UNASSIGNED
        visit.unassigned_reason = (
            UnassignedReason.NO_ROSTER if rotation is None else UnassignedReason.NOBODY_AVAILABLE
        )
        return
    _start(visit, Rule.ROTATION, User.objects.get(pk=chosen), household, actor, now, stale)


def _start(visit, rule, owner, household, actor, now, stale) -> None:
    visit.rule, visit.assigned_to = rule, owner
    visit.claim = claims.claim_start(
        household=household,
        owner=owner,
        now=now,
        actor=actor,
        detail={"rule": str(rule)},
        stale=stale,
    )
    visit.started_claim = True


def _announce(*, visit: Visit, now) -> None:
    params = {"customer": str(visit.customer), "party_size": visit.party_size, "rule": visit.rule}
    if visit.assigned_to is not None:
        notify(
            recipient=visit.assigned_to,
            kind="visit_assigned",
            params=params,
            url=f"/w/my/?office={visit.office_id}",
            now=now,
        )
        return
    managers = User.objects.filter(
        is_active=True, offices=visit.office, groups__name=Role.MANAGER
    ).distinct()
    for manager in managers:
        notify(
            recipient=manager,
            kind="visit_waiting",
            params=params,
            url=f"/reception/unassigned/?office={visit.office_id}",
            now=now,
        )
