"""Finance can account for every yuan: received − refunded = held, for every customer, after
any sequence of holds, conversions, releases, lapses, subscriptions, withdrawals and contract
payments (R-6)."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attribution.services import claim_start
from common.errors import DomainError
from deals import contracts, services
from deals.models import Contract, Hold, Project, Subscription, Unit
from deals.money import customer_money
from deals.reconcile import mismatches
from leads.factories import CustomerFactory

SH = ZoneInfo("Asia/Shanghai")
START = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=SH)

ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["hold", "release", "subscribe", "withdraw", "pay", "wait"]),
        st.integers(0, 2),  # which unit
        st.integers(0, 1),  # which customer
        st.decimals(min_value=5000, max_value=90000, places=2),  # deposit or payment
        st.integers(1, 80),  # hours that pass
    ),
    max_size=12,
)


def _pay(unit, amount, finance, now):
    """R-6.4: a payment against the contract of the unit's subscription, signed on first pay
    (the schedule: one loan of 100,000.00 beyond the deposit); at most the balance."""
    sub = Subscription.objects.filter(unit=unit, status="active").first()
    if sub is None:
        return
    contract = Contract.objects.filter(subscription=sub).first() or contracts.contract_create(
        subscription=sub,
        total_price=sub.deposit + Decimal("100000.00"),
        schedule=[
            {
                "kind": "loan",
                "due_date": now.date() + datetime.timedelta(days=30),
                "amount": Decimal("100000.00"),
            }
        ],
        actor=finance,
        now=now,
    )
    contracts.payment_record(
        contract=contract,
        amount=min(amount, contracts.contract_balance(contract)),
        actor=finance,
        now=now,
    )


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(actions=ACTIONS)
def test_received_minus_refunded_is_what_is_held(actions, office, salesperson, manager, finance):
    Project.objects.filter(office=office).delete() if not Unit.objects.exists() else None
    project, _ = Project.objects.get_or_create(office=office, name="性质测试")
    units = [
        Unit.objects.get_or_create(
            office=office,
            project=project,
            building="P",
            number=str(i),
            defaults={"floor": 1, "area": Decimal("90"), "list_price": Decimal("1000000")},
        )[0]
        for i in range(3)
    ]
    customers = []
    for _ in range(2):
        customer = CustomerFactory(office=office, registered_by=salesperson)
        claim_start(
            household=customer.household, owner=salesperson, now=START, actor=salesperson, detail={}
        )
        customers.append(customer)
    now = START
    for action, u, c, deposit, hours in actions:
        unit, customer = units[u], customers[c]
        try:
            if action == "hold":
                services.hold_create(unit=unit, customer=customer, actor=salesperson, now=now)
            elif action == "release":
                hold = Hold.objects.filter(unit=unit, status="active").first()
                if hold:
                    services.hold_release(hold=hold, actor=salesperson, now=now)
            elif action == "subscribe":
                services.subscription_create(
                    unit=unit, customer=customer, deposit=str(deposit), actor=salesperson, now=now
                )
            elif action == "withdraw":
                sub = Subscription.objects.filter(unit=unit, status="active").first()
                if sub:
                    services.subscription_withdraw(subscription=sub, actor=manager, now=now)
            elif action == "pay":
                _pay(unit, deposit, finance, now)
            else:
                now += datetime.timedelta(hours=hours)
                services.holds_expire(now=now)
        except (DomainError, ValidationError):
            pass  # refused (unit taken, claim lapsed …): must leave the books balanced
    for customer in customers:
        money = customer_money(customer)
        assert money["received"] - money["refunded"] == money["held"], money
    assert mismatches() == []  # the reconciliation agrees, refunds included
