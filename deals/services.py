"""Writes of units, holds and subscriptions. Every write locks the unit's row first, so that
of two customers wanting the same unit exactly one wins (R-5.7)."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from attribution.choices import ClaimStatus
from attribution.models import Claim
from attribution.selectors import claim_held
from attribution.services import claim_mark_deal
from common.errors import DomainError
from common.history import job_context
from leads import services as leads
from leads.models import Customer
from staff.choices import Role

from . import rules
from .choices import ContractStatus, HoldStatus, RefundReason, SubscriptionStatus, UnitStatus
from .models import Contract, Hold, Project, Refund, Subscription, Unit

EXPIRE_HOLDS = "holds.expire"
ZERO = Decimal("0.00")


@transaction.atomic
def unit_create(
    *,
    office,
    project: str,
    building: str,
    number: str,
    floor: int,
    area,
    list_price,
    layout: str = "",
    orientation: str = "",
) -> Unit:
    """A unit of a project of the office (R-6.1); the project is created on first use."""
    duplicate = ValidationError({"number": [_("This unit number already exists in the building.")]})
    project_obj, _created = Project.objects.get_or_create(office=office, name=project)
    if project_obj.units.filter(building=building, number=number).exists():
        raise duplicate
    try:
        with transaction.atomic():
            return Unit.objects.create(
                office=office,
                project=project_obj,
                building=building,
                number=number,
                floor=floor,
                area=area,
                list_price=list_price,
                layout=layout,
                orientation=orientation,
            )
    except IntegrityError as exc:  # a concurrent twin won the unique constraint
        raise duplicate from exc


class UnitUnavailable(DomainError):
    default_code = "unit_unavailable"
    default_detail = _("This unit is not available.")


def _lock_unit(unit: Unit) -> Unit:
    return Unit.objects.select_for_update(of=("self",)).select_related("office").get(pk=unit.pk)


def _same_office(unit: Unit, customer: Customer) -> None:
    if customer.office_id != unit.office_id:
        raise ValidationError({"customer": [_("Unknown customer.")]})


def _lapse(hold: Hold, now: datetime.datetime, status=HoldStatus.LAPSED) -> None:
    """End a hold and owe its fee back (R-6.2); the caller holds the unit's lock."""
    hold.status, hold.ended_at = status, now
    hold.save(update_fields=["status", "ended_at"])
    reason = RefundReason.HOLD_LAPSED if status == HoldStatus.LAPSED else RefundReason.HOLD_RELEASED
    Refund.objects.create(
        office_id=hold.office_id,
        customer_id=hold.customer_id,
        reason=reason,
        amount=hold.fee,
        hold=hold,
        created_at=now,
    )


def _active_hold(unit: Unit, now: datetime.datetime) -> Hold | None:
    """The unit's hold, evaluated on read: one past its expiry is lapsed now and the unit
    freed (the caller holds the unit's lock)."""
    hold = Hold.objects.filter(unit=unit, status=HoldStatus.ACTIVE).first()
    if hold is not None and hold.expires_at <= now:
        _lapse(hold, now)
        unit.status = UnitStatus.AVAILABLE
        unit.save(update_fields=["status"])
        return None
    return hold


def _amount_or_none(value) -> Decimal | None:
    try:
        return rules.money(value, "fee")
    except ValidationError:
        return None


def _holding_fee(office, fee) -> Decimal:
    """R-6.2: the fee is the office's, never another amount (`fee`, if given, must equal it),
    and never more than the office's minimum deposit, so that it can always be credited in full
    toward a deposit (R-6.3); never zero either, since a lapsed hold refunds it."""
    office_fee = office.holding_fee
    if not ZERO < office_fee <= office.minimum_deposit:
        raise ValidationError(
            {
                "fee": [
                    _(
                        "Holds are refused: this office's holding fee (%(fee)s) must be more "
                        "than zero and at most its minimum deposit (%(min)s). Ask the manager "
                        "to correct the office's settings."
                    )
                    % {"fee": office_fee, "min": office.minimum_deposit}
                ]
            }
        )
    if fee is not None and _amount_or_none(fee) != office_fee:
        raise ValidationError(
            {"fee": [_("The holding fee is set by the office: %(fee)s.") % {"fee": office_fee}]}
        )
    return office_fee


@transaction.atomic
def hold_create(*, unit: Unit, customer: Customer, actor, now: datetime.datetime, fee=None) -> Hold:
    """R-6.2: the office's holding fee (default 500.00) blocks the unit for hold_hours (72).
    `fee` is what the client says it paid: refused unless it is the office's fee."""
    unit = _lock_unit(unit)
    _same_office(unit, customer)
    amount = _holding_fee(unit.office, fee)
    household = leads.household_lock(household_id=customer.household_id)
    if claim_held(household=household, now=now) is None:
        raise ValidationError(
            {"customer": [_("The customer has no salesperson: register them first.")]}
        )
    if _active_hold(unit, now) is not None or unit.status != UnitStatus.AVAILABLE:
        raise UnitUnavailable()
    hold = Hold.objects.create(
        office=unit.office,
        unit=unit,
        customer=customer,
        fee=amount,
        created_at=now,
        created_by=actor,
        expires_at=rules.hold_expiry(now, unit.office.hold_hours),
    )
    unit.status = UnitStatus.HELD
    unit.save(update_fields=["status"])
    return hold


@transaction.atomic
def hold_release(*, hold: Hold, actor, now: datetime.datetime) -> Hold:
    """R-6.2: the hold ends early; the fee is refunded in full."""
    unit = _lock_unit(hold.unit)
    hold = Hold.objects.select_for_update().get(pk=hold.pk)
    if hold.status != HoldStatus.ACTIVE:
        raise DomainError(_("This hold has already ended."), code="hold_ended")
    _lapse(hold, now, status=HoldStatus.RELEASED)
    unit.status = UnitStatus.AVAILABLE
    unit.save(update_fields=["status"])
    return hold


# Lock the units of the expired holds first, in primary-key order, as the services do (unit
# before hold): otherwise the job and a hold_create/subscription_create could deadlock.
_LOCK_SQL = """
SELECT u.id FROM deals_unit u JOIN deals_hold h ON h.unit_id = u.id
 WHERE h.status = 'active' AND h.expires_at <= %(now)s
 ORDER BY u.id FOR UPDATE OF u
"""

# One statement: lapse every hold past its expiry, owe each fee back, free each unit.
_EXPIRE_SQL = """
WITH lapsed AS (
    UPDATE deals_hold SET status = 'lapsed', ended_at = %(now)s
     WHERE status = 'active' AND expires_at <= %(now)s
 RETURNING id, office_id, customer_id, unit_id, fee
), refunds AS (
    INSERT INTO deals_refund (office_id, customer_id, reason, amount, hold_id, created_at)
    SELECT office_id, customer_id, 'hold_lapsed', fee, id, %(now)s FROM lapsed
), freed AS (
    UPDATE deals_unit SET status = 'available'
     WHERE id IN (SELECT unit_id FROM lapsed) AND status = 'held'
)
SELECT count(*) FROM lapsed
"""


def holds_expire(*, now: datetime.datetime) -> int:
    """R-6.2: at the end of the hold the unit is available again and the fee refunded."""
    with transaction.atomic(), job_context(EXPIRE_HOLDS), connection.cursor() as cursor:
        cursor.execute(_LOCK_SQL, {"now": now})
        cursor.execute(_EXPIRE_SQL, {"now": now})
        return cursor.fetchone()[0]


def _next_number(office, now) -> str:
    """The office's next agreement number; serialized by a transaction-level advisory lock."""
    year = timezone.localtime(now, office.tzinfo).year
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [7001, office.pk])
    prefix = rules.agreement_number(office.code, year, 0)[:-4]
    count = Subscription.objects.filter(office=office, number__startswith=prefix).count()
    return rules.agreement_number(office.code, year, count + 1)


@transaction.atomic
def subscription_create(
    *, unit: Unit, customer: Customer, deposit, actor, now: datetime.datetime
) -> Subscription:
    """R-6.3: the deposit (≥ the office minimum) subscribes the unit; the claim becomes a deal
    (R-3.7); credit goes to the household's claim owner whoever signs (R-5.2). During a hold
    only the holder's household may subscribe; the fee is credited toward the deposit."""
    unit = _lock_unit(unit)
    _same_office(unit, customer)
    amount = rules.money(deposit, "deposit")
    if amount < unit.office.minimum_deposit:
        raise ValidationError(
            {
                "deposit": [
                    _("The deposit must be at least %(min)s.")
                    % {"min": unit.office.minimum_deposit}
                ]
            }
        )
    household = leads.household_lock(household_id=customer.household_id)
    claim = claim_held(household=household, now=now)
    if claim is None:
        raise ValidationError(
            {"customer": [_("The customer has no salesperson: register them first.")]}
        )
    hold = _active_hold(unit, now)
    if hold is not None and hold.customer.household_id != customer.household_id:
        raise UnitUnavailable(_("This unit is held for another customer until the hold ends."))
    if hold is None and unit.status != UnitStatus.AVAILABLE:
        raise UnitUnavailable()
    fee_credited = hold.fee if hold is not None else ZERO
    if fee_credited > amount:  # the fee is credited in full, never beyond the deposit
        raise ValidationError(
            {
                "deposit": [
                    _("The deposit must be at least the holding fee paid (%(fee)s).")
                    % {"fee": fee_credited}
                ]
            }
        )
    if hold is not None:
        hold.status, hold.ended_at = HoldStatus.CONVERTED, now
        hold.save(update_fields=["status", "ended_at"])
    claim = Claim.objects.select_for_update(of=("self",)).get(pk=claim.pk)
    subscription = Subscription.objects.create(
        office=unit.office,
        number=_next_number(unit.office, now),
        unit=unit,
        customer=customer,
        deposit=amount,
        hold=hold,
        fee_credited=fee_credited,
        claim=claim,
        credited_salesperson=claim.owner,
        signed_by=actor,
        created_at=now,
    )
    if claim.status != ClaimStatus.DEAL:
        claim_mark_deal(claim=claim, now=now, actor=actor, detail={"subscription": subscription.pk})
    unit.status = UnitStatus.SUBSCRIBED
    unit.save(update_fields=["status"])
    return subscription


def credit_move(*, claim: Claim, new_owner) -> list[str]:
    """R-5.6: a ruling that moves a deal's claim moves its credit: every subscription made
    under that claim — withdrawn ones too, whose commission right is the credit (R-5.5) — is
    credited to the new owner. Returns the agreement numbers moved. Called by the ruling, in
    its transaction, under the household's lock."""
    moved = list(
        Subscription.objects.select_for_update()
        .filter(claim=claim)
        .exclude(credited_salesperson=new_owner)
        .order_by("pk")
    )
    for subscription in moved:
        subscription.credited_salesperson = new_owner
        subscription.save(update_fields=["credited_salesperson"])
    return [subscription.number for subscription in moved]


@transaction.atomic
def subscription_withdraw(
    *, subscription: Subscription, actor, now: datetime.datetime
) -> Subscription:
    """R-5.5: the customer withdraws (退定): the unit is available again, the deposit (which
    includes any credited holding fee) is owed back, and the credited salesperson keeps the
    commission right."""
    if not actor.has_role(Role.MANAGER, Role.DIRECTOR):
        raise DomainError(_("Only a manager records a withdrawal."), code="forbidden")
    unit = _lock_unit(subscription.unit)
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.status != SubscriptionStatus.ACTIVE:
        raise DomainError(
            _("This subscription has already been withdrawn."), code="already_withdrawn"
        )
    if Contract.objects.filter(subscription=subscription, status=ContractStatus.ACTIVE).exists():
        raise DomainError(
            _("A contract has been signed: cancel the contract, not the subscription."),
            code="contracted",
        )
    subscription.status, subscription.withdrawn_at = SubscriptionStatus.WITHDRAWN, now
    subscription.save(update_fields=["status", "withdrawn_at"])
    Refund.objects.create(
        office_id=subscription.office_id,
        customer_id=subscription.customer_id,
        reason=RefundReason.WITHDRAWAL,
        amount=subscription.deposit,  # the credited holding fee is part of the deposit
        subscription=subscription,
        created_at=now,
    )
    unit.status = UnitStatus.AVAILABLE
    unit.save(update_fields=["status"])
    return subscription


@transaction.atomic
def refund_mark_paid(*, refund: Refund, actor, now: datetime.datetime) -> Refund:
    refund = Refund.objects.select_for_update().get(pk=refund.pk)
    if refund.paid_at is not None:
        raise DomainError(_("This refund has already been paid."), code="already_paid")
    refund.paid_at, refund.paid_by = now, actor
    refund.save(update_fields=["paid_at", "paid_by"])
    return refund
