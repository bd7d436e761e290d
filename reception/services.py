"""Writes of the front desk. Each runs in one transaction and locks, in this order, the
household, then the day's roster, then the duty states (by primary key)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from attribution import services as claims
from common.errors import DomainError
from leads import services as leads
from leads.models import Customer, SourceChannel
from leads.rules import normalize_phone
from notifications.services import notify
from staff.choices import Role
from staff.models import Office, User

from . import rules
from .choices import CallKind, DutyStatus, ResearchStatus, ResearchStep, Rule, UnassignedReason
from .models import Call, DutyState, Referral, Roster, RosterEntry, Visit, VisitEvent


def local_date(office: Office, now: datetime.datetime) -> datetime.date:
    return timezone.localtime(now, office.tzinfo).date()


def _phone(raw: str, field: str = "phone") -> str:
    try:
        return normalize_phone(raw)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc


def _require_salesperson(user: User | None, office: Office, field: str) -> None:
    if user is None:
        return
    if not (
        user.is_active
        and user.has_role(Role.SALESPERSON)
        and user.offices.filter(pk=office.pk).exists()
    ):
        raise ValidationError({field: [_("Not a salesperson of this office.")]})


# ---------------------------------------------------------------- roster and duty status


@transaction.atomic
def roster_set(*, office: Office, date: datetime.date, salespeople: list[User], actor) -> Roster:
    """R-2.2: the manager sets the day's order. The pointer starts on the first person; when
    the order changes during the day it stays on the same person if they remain on it."""
    if not salespeople:
        raise ValidationError({"salespeople": [_("Put at least one salesperson on the roster.")]})
    ids = [u.pk for u in salespeople]
    if len(set(ids)) != len(ids):
        raise ValidationError({"salespeople": [_("A salesperson appears twice on the roster.")]})
    for user in salespeople:
        _require_salesperson(user, office, "salespeople")
    roster, created = Roster.objects.select_for_update().get_or_create(
        office=office, date=date, defaults={"set_by": actor}
    )
    current = None
    if not created:
        current = (
            roster.entries.filter(position=roster.pointer)
            .values_list("salesperson", flat=True)
            .first()
        )
        roster.entries.all().delete()
    RosterEntry.objects.bulk_create(
        RosterEntry(roster=roster, salesperson=user, position=i)
        for i, user in enumerate(salespeople, 1)
    )
    roster.pointer = ids.index(current) + 1 if current in ids else 1
    roster.set_by = actor
    roster.save(update_fields=["pointer", "set_by"])
    for user in salespeople:
        DutyState.objects.get_or_create(office=office, salesperson=user)
    return roster


@transaction.atomic
def duty_status_set(
    *, office: Office, salesperson: User, status: str, now: datetime.datetime
) -> DutyState:
    """R-2.2: a status changes only when the person, the secretary or the manager sets it."""
    if status not in DutyStatus.values:
        raise ValidationError({"status": [_("Unknown status.")]})
    on_roster = RosterEntry.objects.filter(
        roster__office=office, roster__date=local_date(office, now), salesperson=salesperson
    ).exists()
    if not on_roster:
        raise ValidationError({"salesperson": [_("This salesperson is not on today's roster.")]})
    state, _created = DutyState.objects.select_for_update().get_or_create(
        office=office, salesperson=salesperson
    )
    state.status = status
    state.save(update_fields=["status"])
    return state


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
    entries = list(roster.entries.order_by("position"))
    states = {
        s.salesperson_id: s
        for s in DutyState.objects.select_for_update()
        .filter(office=office, salesperson__in=[e.salesperson_id for e in entries])
        .order_by("pk")
    }
    seats = [
        rules.Seat(
            salesperson_id=e.salesperson_id,
            position=e.position,
            status=states[e.salesperson_id].status
            if e.salesperson_id in states
            else DutyStatus.AVAILABLE,
            owed_turns=states[e.salesperson_id].owed_turns if e.salesperson_id in states else 0,
        )
        for e in entries
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
        pre = (
            Referral.objects.select_related("referrer")
            .filter(office=customer.office, phone=customer.phone, registered_at__lte=now)
            .first()
        )
        referrer = pre.referrer if pre else None
    if referrer is None or referrer.household_id == customer.household_id:
        return None, referrer
    claim = claims.claim_owned(household=referrer.household)
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
    household = leads.household_lock(household_id=customer.household_id)
    # Under the household lock, earlier registrations of this customer are committed and seen.
    if idempotency_key:
        replay = Visit.objects.filter(office=office, idempotency_key=idempotency_key).first()
        if replay is not None:
            return replay, False
    recent = Visit.objects.filter(customer=customer, at__gt=now - rules.DUPLICATE_WINDOW).first()
    if recent is not None:
        raise DomainError(
            _("This customer was registered a moment ago: a double submission?"),
            code="duplicate",
            extra={"visit": recent.pk},
        )
    leads.customer_fill_name(customer=customer, name=name)

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
    _assign(visit=visit, household=household, actor=actor, now=now)
    try:
        with transaction.atomic():
            visit.save()
    except IntegrityError as exc:  # the same key raced in from another customer's form
        raise DomainError(_("This form was already submitted."), code="duplicate") from exc
    _announce(visit=visit, now=now)
    return visit, True


def _assign(*, visit: Visit, household, actor, now) -> None:
    """R-2.1 in order: active claim → named → referral → rotation (R-2.5: large parties wait)."""
    office = visit.office
    claim = claims.claim_active(household=household, now=now)
    if claim is not None:  # 1. the claim's owner; the visit is a qualifying contact
        visit.rule, visit.assigned_to, visit.claim = Rule.OWNER, claim.owner, claim
        claims.claim_record_contact(claim=claim, now=now, actor=actor, detail={"visit": True})
        return
    if visit.named_salesperson is not None:  # 2. named, no active claim: no turn used
        _start(visit, Rule.NAMED, visit.named_salesperson, household, actor, now)
        return
    owner, referrer = _referral_owner(customer=visit.customer, referrer=visit.referrer, now=now)
    visit.referrer = referrer
    if owner is not None:  # 3. a valid referral
        _start(visit, Rule.REFERRAL, owner, household, actor, now)
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
    _start(visit, Rule.ROTATION, User.objects.get(pk=chosen), household, actor, now)


def _start(visit, rule, owner, household, actor, now) -> None:
    visit.rule, visit.assigned_to = rule, owner
    visit.claim = claims.claim_start(
        household=household, owner=owner, now=now, actor=actor, detail={"rule": str(rule)}
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


# ---------------------------------------------------------------- overrides and market research


@transaction.atomic
def visit_reassign(*, visit: Visit, salesperson: User, reason: str, actor: User, now) -> Visit:
    """R-2.4: only a manager overrides an assignment, with a written reason, kept on record."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Write the reason.")]})
    _require_salesperson(salesperson, visit.office, "salesperson")
    household = leads.household_lock(household_id=visit.customer.household_id)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    previous = visit.assigned_to
    if previous is not None and previous.pk == salesperson.pk:
        raise DomainError(_("The visit is already assigned to this salesperson."), code="unchanged")
    if visit.claim is not None and visit.started_claim:
        claims.claim_transfer(
            claim=visit.claim, new_owner=salesperson, now=now, actor=actor, reason=reason
        )
    elif visit.claim is None:
        active = claims.claim_active(household=household, now=now)
        if active is None:
            visit.claim = claims.claim_start(
                household=household,
                owner=salesperson,
                now=now,
                actor=actor,
                detail={"rule": "manager"},
            )
            visit.started_claim = True
        else:
            visit.claim = active
    visit.assigned_to, visit.rule, visit.unassigned_reason = salesperson, Rule.MANAGER, ""
    visit.save(update_fields=["assigned_to", "rule", "unassigned_reason", "claim", "started_claim"])
    VisitEvent.objects.create(
        visit=visit,
        kind="override",
        at=now,
        actor=actor,
        detail={"reason": reason, "from": previous.pk if previous else None, "to": salesperson.pk},
    )
    params = {"customer": str(visit.customer), "party_size": visit.party_size, "rule": Rule.MANAGER}
    notify(
        recipient=salesperson,
        kind="visit_assigned",
        params=params,
        url=f"/w/my/?office={visit.office_id}",
        now=now,
    )
    return visit


RESEARCH_ACTORS = {
    ResearchStep.FLAG: Role.SALESPERSON,
    ResearchStep.CONFIRM: Role.SECRETARY,
    ResearchStep.APPROVE: Role.DIRECTOR,
    ResearchStep.REJECT: Role.DIRECTOR,
}


@transaction.atomic
def visit_research_step(*, visit: Visit, step: str, actor: User, now) -> Visit:
    """R-2.6: the receiving salesperson flags, the secretary confirms, the director approves
    (then the salesperson is owed one turn) or rejects."""
    if step not in ResearchStep.values:
        raise ValidationError({"step": [_("Unknown step.")]})
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if not actor.has_role(RESEARCH_ACTORS[step]) or (
        step == ResearchStep.FLAG and visit.assigned_to_id != actor.pk
    ):
        raise DomainError(_("You cannot take this step."), code="forbidden_step")
    after = rules.research_next(visit.research_status, step)
    if after is None:
        raise DomainError(_("This step is not possible now."), code="invalid_transition")
    before, visit.research_status = visit.research_status, after
    visit.save(update_fields=["research_status"])
    VisitEvent.objects.create(
        visit=visit,
        kind=f"research_{step}",
        at=now,
        actor=actor,
        detail={"from": before, "to": after},
    )
    if after == ResearchStatus.APPROVED and visit.assigned_to is not None:
        state, _created = DutyState.objects.select_for_update().get_or_create(
            office=visit.office, salesperson=visit.assigned_to
        )
        DutyState.objects.filter(pk=state.pk).update(owed_turns=F("owed_turns") + 1)
        notify(
            recipient=visit.assigned_to,
            kind="research_approved",
            params={"customer": str(visit.customer)},
            url=f"/w/my/?office={visit.office_id}",
            now=now,
        )
    return visit


# ---------------------------------------------------------------- calls and referrals


@transaction.atomic
def call_register(
    *,
    office: Office,
    actor: User,
    kind: str,
    content: str,
    now: datetime.datetime,
    phone: str = "",
    name: str = "",
    caller: str = "",
    source_channel: SourceChannel | None = None,
) -> Call:
    """R-2.7: a caller with an active claim is put through to the owner; a new caller becomes
    a registered, unowned customer; non-customer calls are logged."""
    if kind not in CallKind.values:
        raise ValidationError({"kind": [_("Unknown kind of call.")]})
    content = (content or "").strip()
    if not content:
        raise ValidationError({"content": [_("Write what the call was about.")]})
    call = Call(
        office=office, kind=kind, at=now, answered_by=actor, content=content, caller=caller.strip()
    )
    if kind == CallKind.NON_CUSTOMER:
        if not call.caller:
            raise ValidationError({"caller": [_("Enter who called.")]})
        call.save()
        return call
    normalized = _phone(phone)
    channel = source_channel or SourceChannel.objects.get(code="phone")
    customer, is_new = leads.customer_get_or_register(
        office=office, phone=normalized, name=name, source_channel=channel, actor=actor, now=now
    )
    household = leads.household_lock(household_id=customer.household_id)
    leads.customer_fill_name(customer=customer, name=name)
    call.customer, call.is_new_customer, call.source_channel = customer, is_new, channel
    claim = claims.claim_active(household=household, now=now)
    if claim is not None:
        call.put_through_to = claim.owner
    call.save()
    if claim is not None:
        notify(
            recipient=claim.owner,
            kind="call_put_through",
            params={"customer": str(customer)},
            url=f"/w/my/?office={office.pk}",
            now=now,
        )
    return call


@transaction.atomic
def referral_register(
    *, office: Office, actor: User, referrer: Customer, phone: str, name: str, now
) -> Referral:
    """R-4.3: pre-registration at the desk, phone and name, before the visit."""
    if referrer.office_id != office.pk:
        raise ValidationError({"referrer": [_("Unknown customer.")]})
    normalized = _phone(phone)
    if normalized == referrer.phone:
        raise ValidationError({"phone": [_("A customer cannot refer themselves.")]})
    return Referral.objects.create(
        office=office,
        referrer=referrer,
        phone=normalized,
        name=(name or "").strip(),
        registered_at=now,
        registered_by=actor,
    )
