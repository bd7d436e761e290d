"""Contracts, their payment schedules and the payments finance records (R-6.4).

Decisions:
- The subscription's deposit (which already includes any credited holding fee) counts toward
  the contract's price. The schedule covers the rest: its amounts sum to exactly
  `total_price − deposit`, and the balance due is `total_price − deposit − payments`.
- A payment may name one instalment of the contract. An instalment is paid when the payments
  naming it cover its amount; a payment naming no instalment lowers the balance but marks no
  instalment paid, so finance names the instalment whenever it can.
- Every write locks the unit first, then the contract, as the other deal services do (unit
  before anything else), so that the order of locks is the same everywhere.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.errors import DomainError
from staff.models import Office
from staff.permissions import office_ids_of

from . import rules
from .choices import ContractStatus, InstalmentKind, SubscriptionStatus, UnitStatus
from .models import MONEY, Contract, Instalment, Payment, Subscription, Unit

ZERO = Decimal("0.00")


def contract_number(subscription_number: str) -> str:
    """R-6.4: the contract's number follows its agreement's, e.g. HT-SUNNY-2026-0007."""
    return f"HT-{subscription_number}"


def _local_date(now: datetime.datetime, office: Office) -> datetime.date:
    return timezone.localtime(now, office.tzinfo).date()


def _schedule_rows(schedule: list[dict], signed_on: datetime.date) -> list[dict]:
    """Validated schedule lines; the errors name the line (`schedule[2].amount`)."""
    if not schedule:
        raise ValidationError({"schedule": [_("The payment schedule has no line.")]})
    rows = []
    for i, line in enumerate(schedule):
        kind, due = line.get("kind"), line.get("due_date")
        if kind not in InstalmentKind.values:
            raise ValidationError({f"schedule[{i}].kind": [_("Not a kind of instalment.")]})
        if not isinstance(due, datetime.date) or isinstance(due, datetime.datetime):
            raise ValidationError({f"schedule[{i}].due_date": [_("Not a date.")]})
        if due < signed_on:
            raise ValidationError(
                {f"schedule[{i}].due_date": [_("The due date is before the contract is signed.")]}
            )
        amount = rules.money(line.get("amount"), f"schedule[{i}].amount")
        rows.append({"kind": kind, "due_date": due, "amount": amount})
    return rows


@transaction.atomic
def contract_create(
    *, subscription: Subscription, total_price, schedule: list[dict], actor, now: datetime.datetime
) -> Contract:
    """R-6.4: the contract of an active subscription, with its payment schedule; the unit is
    contracted. The schedule sums to the price less the deposit (see the module's docstring)."""
    unit = Unit.objects.select_for_update(of=("self",)).get(pk=subscription.unit_id)
    subscription = (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("office")
        .get(pk=subscription.pk)
    )
    office = subscription.office
    if subscription.status != SubscriptionStatus.ACTIVE:
        raise DomainError(_("This subscription is not active."), code="subscription_inactive")
    if Contract.objects.filter(subscription=subscription).exists():
        raise DomainError(_("This subscription already has a contract."), code="already_contracted")
    price = rules.money(total_price, "total_price")
    if price <= subscription.deposit:
        raise ValidationError(
            {"total_price": [_("The price must be more than the deposit already paid.")]}
        )
    rows = _schedule_rows(schedule, _local_date(now, office))
    due = price - subscription.deposit
    if sum(r["amount"] for r in rows) != due:
        raise ValidationError(
            {
                "schedule": [
                    _("The schedule must sum to the price less the deposit: %(due)s.")
                    % {"due": due}
                ]
            }
        )
    contract = Contract.objects.create(
        office=office,
        subscription=subscription,
        number=contract_number(subscription.number),
        total_price=price,
        signed_at=now,
        signed_by=actor,
    )
    Instalment.objects.bulk_create(Instalment(contract=contract, **r) for r in rows)
    unit.status = UnitStatus.CONTRACTED
    unit.save(update_fields=["status"])
    return contract


def _paid(outer: str) -> Coalesce:
    """The sum of the payments whose `outer` is the outer row (a correlated subquery)."""
    total = (
        Payment.objects.filter(**{outer: OuterRef("pk")})
        .values(outer)
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=DecimalField(**MONEY)), ZERO)


def contract_balance(contract: Contract) -> Decimal:
    """R-6.4: what the customer still owes: price − deposit − payments, in one query."""
    return (
        Contract.objects.filter(pk=contract.pk)
        .annotate(
            balance=ExpressionWrapper(
                F("total_price") - F("subscription__deposit") - _paid("contract"),
                output_field=DecimalField(**MONEY),
            )
        )
        .values_list("balance", flat=True)
        .get()
    )


@transaction.atomic
def payment_record(
    *, contract: Contract, amount, actor, now: datetime.datetime, instalment=None
) -> Payment:
    """R-6.4: finance records money received against a contract, at most the balance due."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.status != ContractStatus.ACTIVE:
        raise DomainError(_("This contract is cancelled."), code="contract_cancelled")
    value = rules.money(amount, "amount")
    if instalment is not None and instalment.contract_id != contract.pk:
        raise ValidationError({"instalment": [_("Not an instalment of this contract.")]})
    balance = contract_balance(contract)
    if value > balance:
        raise ValidationError(
            {"amount": [_("More than the balance due: %(balance)s.") % {"balance": balance}]}
        )
    return Payment.objects.create(
        office_id=contract.office_id,
        contract=contract,
        instalment=instalment,
        amount=value,
        paid_at=now,
        recorded_by=actor,
    )


def instalments_to_chase(*, salesperson, now: datetime.datetime) -> QuerySet[Instalment]:
    """R-6.4: the unpaid instalments the salesperson chases (催促客户将余款付清): of the active
    contracts whose subscription is credited to them, due within the office's chase_days (7)
    or overdue, oldest first. Each row carries `paid` and `remaining`."""
    window = Q(pk__in=[])
    for office in Office.objects.filter(pk__in=office_ids_of(salesperson)):
        horizon = _local_date(now, office) + datetime.timedelta(days=office.chase_days)
        window |= Q(contract__office=office, due_date__lte=horizon)
    return (
        Instalment.objects.filter(
            window,
            contract__status=ContractStatus.ACTIVE,
            contract__subscription__credited_salesperson=salesperson,
        )
        .annotate(paid=_paid("instalment"))
        .annotate(
            remaining=ExpressionWrapper(F("amount") - F("paid"), output_field=DecimalField(**MONEY))
        )
        .filter(paid__lt=F("amount"))
        .select_related("contract__subscription__customer", "contract__subscription__unit__project")
        .order_by("due_date", "pk")
    )
