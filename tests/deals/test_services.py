"""Every transition of holds and subscriptions (R-6.2, R-6.3, R-5.2, R-5.5, R-5.7)."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from attribution.models import Claim
from attribution.services import claim_start
from common.errors import DomainError
from deals import services
from deals.models import Hold, Project, Refund, Subscription, Unit
from leads.factories import CustomerFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=SH)


@pytest.fixture
def unit(office):
    project = Project.objects.create(office=office, name="一期")
    return Unit.objects.create(
        office=office,
        project=project,
        building="1",
        number="0801",
        floor=8,
        area=Decimal("98.50"),
        list_price=Decimal("1580000.00"),
    )


def claimed(office, owner, days_ago=1):
    customer = CustomerFactory(office=office, registered_by=owner)
    claim_start(
        household=customer.household,
        owner=owner,
        now=NOW - datetime.timedelta(days=days_ago),
        actor=owner,
        detail={},
    )
    return customer


def hold(unit, customer, actor, at=NOW, fee=None):
    return services.hold_create(unit=unit, customer=customer, actor=actor, now=at, fee=fee)


def subscribe(unit, customer, actor, deposit="20000.00", at=NOW):
    return services.subscription_create(
        unit=unit, customer=customer, deposit=deposit, actor=actor, now=at
    )


def refresh(*objs):
    for o in objs:
        o.refresh_from_db()


# rule, starting state, action, expected unit status, expected refunds
TRANSITIONS = [
    ("R-6.2 hold an available unit", "available", "hold", "held", 0),
    ("R-6.2 release a hold early: fee refunded", "held", "release", "available", 1),
    ("R-6.2 a hold lapses at expiry: fee refunded", "held", "expire", "available", 1),
    ("R-6.2 the holder converts: fee credited, no refund", "held", "convert", "subscribed", 0),
    ("R-6.3 subscribe an available unit", "available", "subscribe", "subscribed", 0),
    ("R-5.5 withdraw: deposit refunded, unit available", "subscribed", "withdraw", "available", 1),
]


@pytest.mark.parametrize(
    "rule, start, action, unit_status, refunds", TRANSITIONS, ids=[t[0] for t in TRANSITIONS]
)
def test_transition(rule, start, action, unit_status, refunds, unit, office, salesperson, manager):
    customer = claimed(office, salesperson)
    h = hold(unit, customer, salesperson) if start == "held" else None
    s = subscribe(unit, customer, salesperson) if start == "subscribed" else None
    later = NOW + datetime.timedelta(hours=1)
    if action == "hold":
        hold(unit, customer, salesperson)
    elif action == "release":
        services.hold_release(hold=h, actor=salesperson, now=later)
    elif action == "expire":
        assert services.holds_expire(now=NOW + datetime.timedelta(hours=72)) == 1
    elif action == "convert":
        sub = subscribe(unit, customer, salesperson, at=later)
        assert sub.fee_credited == Decimal("500.00")
    elif action == "subscribe":
        subscribe(unit, customer, salesperson)
    elif action == "withdraw":
        services.subscription_withdraw(subscription=s, actor=manager, now=later)
    unit.refresh_from_db()
    assert unit.status == unit_status, rule
    assert Refund.objects.count() == refunds, rule


def test_r_6_2_hold_defaults_and_expiry(unit, office, salesperson):
    h = hold(unit, claimed(office, salesperson), salesperson)
    assert h.fee == Decimal("500.00")
    assert h.expires_at == NOW + datetime.timedelta(hours=72)


def test_r_6_2_only_the_holder_may_subscribe_during_the_hold(
    unit, office, salesperson, other_salesperson
):
    holder = claimed(office, salesperson)
    other = claimed(office, other_salesperson)
    hold(unit, holder, salesperson)
    with pytest.raises(DomainError) as exc:
        subscribe(unit, other, other_salesperson)
    assert exc.value.code == "unit_unavailable"
    after = NOW + datetime.timedelta(hours=72)  # lapsed on read, no job needed
    sub = subscribe(unit, other, other_salesperson, at=after)
    assert sub.fee_credited == 0
    assert Hold.objects.get().status == "lapsed"
    assert Refund.objects.get().reason == "hold_lapsed"


def test_r_5_7_a_held_or_subscribed_unit_cannot_be_held_again(
    unit, office, salesperson, other_salesperson
):
    hold(unit, claimed(office, salesperson), salesperson)
    with pytest.raises(DomainError) as exc:
        hold(unit, claimed(office, other_salesperson), other_salesperson)
    assert exc.value.code == "unit_unavailable"
    assert Hold.objects.count() == 1


def test_r_5_2_credit_goes_to_the_households_owner_whoever_signs(
    unit, office, salesperson, other_salesperson
):
    customer = claimed(office, salesperson)
    sub = subscribe(unit, customer, other_salesperson)  # signed on the owner's behalf
    assert sub.credited_salesperson == salesperson
    assert sub.signed_by == other_salesperson
    claim = Claim.objects.get(household=customer.household)
    assert claim.status == "deal"
    assert claim.timeline.filter(kind="deal").count() == 1


def test_r_5_5_withdrawal_keeps_the_credit(unit, office, salesperson, manager):
    customer = claimed(office, salesperson)
    hold(unit, customer, salesperson)
    sub = subscribe(unit, customer, salesperson, deposit="30000.00")
    services.subscription_withdraw(subscription=sub, actor=manager, now=NOW)
    refresh(sub)
    assert sub.status == "withdrawn"
    assert sub.credited_salesperson == salesperson
    assert Refund.objects.get().amount == Decimal("30000.00")  # the fee was part of the deposit
    with pytest.raises(DomainError) as exc:
        services.subscription_withdraw(subscription=sub, actor=manager, now=NOW)
    assert exc.value.code == "already_withdrawn"


def test_agreement_numbers_follow_each_other(office, salesperson):
    project = Project.objects.create(office=office, name="二期")
    units = [
        Unit.objects.create(
            office=office,
            project=project,
            building="2",
            number=f"0{i}01",
            floor=i,
            area=Decimal("90"),
            list_price=Decimal("1000000"),
        )
        for i in range(1, 4)
    ]
    numbers = [subscribe(u, claimed(office, salesperson), salesperson).number for u in units]
    assert numbers == ["SUNNY-2026-0001", "SUNNY-2026-0002", "SUNNY-2026-0003"]


@pytest.mark.parametrize("deposit", ["4999.99", "-5000", "abc", "5000.001", 5000.5, "NaN", "0"])
def test_bad_deposit_changes_nothing(deposit, unit, office, salesperson):
    with pytest.raises(ValidationError) as exc:
        subscribe(unit, claimed(office, salesperson), salesperson, deposit=deposit)
    assert "deposit" in exc.value.message_dict
    unit.refresh_from_db()
    assert unit.status == "available"
    assert Subscription.objects.count() == 0


def test_customer_without_claim_or_of_another_office(unit, office, other_office, salesperson):
    with pytest.raises(ValidationError):
        hold(unit, CustomerFactory(office=office), salesperson)
    with pytest.raises(ValidationError):
        hold(unit, CustomerFactory(office=other_office), salesperson)
    assert Hold.objects.count() == 0


def test_converting_a_lapsed_hold_is_a_fresh_subscription_and_refund(unit, office, salesperson):
    customer = claimed(office, salesperson)
    hold(unit, customer, salesperson)
    services.holds_expire(now=NOW + datetime.timedelta(hours=72))
    sub = subscribe(unit, customer, salesperson, at=NOW + datetime.timedelta(hours=73))
    assert sub.hold is None and sub.fee_credited == 0
    assert Refund.objects.get().reason == "hold_lapsed"


def test_releasing_an_ended_hold(unit, office, salesperson):
    h = hold(unit, claimed(office, salesperson), salesperson)
    services.hold_release(hold=h, actor=salesperson, now=NOW)
    with pytest.raises(DomainError) as exc:
        services.hold_release(hold=h, actor=salesperson, now=NOW)
    assert exc.value.code == "hold_ended"
    assert Refund.objects.count() == 1
