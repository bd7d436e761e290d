"""R-5.6 "a ruling may move a claim or credit": a dispute over a customer who has already paid a
deposit, ruled for the other salesperson, moves the deal's claim and the credit of its
subscriptions — the commission right (R-5.2), kept through a withdrawal (R-5.5) — together, so
that the monthly report, the instalments to chase and the agreement name the same person."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from attribution.choices import ClaimEventKind, ClaimStatus
from attribution.models import ClaimEvent
from attribution.services import collision_record, dispute_open, dispute_rule
from deals import services
from deals.models import Subscription

from .test_contracts import subscribed

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=SH)
NOW = datetime.datetime(2026, 11, 21, 15, 0, tzinfo=SH)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def disputed(office, salesperson, other_salesperson):
    """`salesperson` took the deposit; `other_salesperson` says they met the customer first
    (a collision on record, R-5.3) and opens a dispute."""
    subscription = subscribed(office, salesperson)
    collision_record(
        customer=subscription.customer, salesperson=other_salesperson, claim=subscription.claim,
        now=NOW,
    )  # fmt: skip
    dispute = dispute_open(
        customer=subscription.customer, opener=other_salesperson, reason="我先接待", now=NOW
    )
    return subscription, dispute


def rule(dispute, manager, decision, new_owner=None):
    return dispute_rule(
        dispute=dispute, actor=manager, decision=decision, reason="来访登记在先", now=NOW,
        new_owner=new_owner,
    )  # fmt: skip


def test_moving_a_deal_moves_its_credit(disputed, manager, salesperson, other_salesperson):
    subscription, dispute = disputed
    assert subscription.claim.status == ClaimStatus.DEAL
    assert subscription.credited_salesperson == salesperson

    rule(dispute, manager, "move", other_salesperson)

    subscription.refresh_from_db()
    assert subscription.credited_salesperson == other_salesperson
    assert subscription.claim.owner == other_salesperson
    [ruled] = ClaimEvent.objects.filter(claim=subscription.claim, kind=ClaimEventKind.RULED)
    assert ruled.detail["subscriptions"] == [subscription.number]
    assert ruled.detail["previous_owner"] == salesperson.pk


def test_a_withdrawn_deposit_keeps_its_credit_with_the_ruling(disputed, manager, other_salesperson):
    """R-5.5: the commission right survives a withdrawal; the ruling decides whose it is."""
    subscription, dispute = disputed
    services.subscription_withdraw(subscription=subscription, actor=manager, now=NOW)

    rule(dispute, manager, "move", other_salesperson)

    subscription.refresh_from_db()
    assert subscription.status == "withdrawn"
    assert subscription.credited_salesperson == other_salesperson


def test_keeping_leaves_the_credit(disputed, manager, salesperson):
    subscription, dispute = disputed
    rule(dispute, manager, "keep")
    subscription.refresh_from_db()
    assert subscription.credited_salesperson == salesperson
    assert subscription.claim.owner == salesperson


def test_only_the_deal_claims_subscriptions_move(
    disputed, office, manager, salesperson, other_salesperson
):
    """Another customer's deposit, credited to the same salesperson, is not touched."""
    subscription, dispute = disputed
    elsewhere = subscribed(office, salesperson)

    rule(dispute, manager, "move", other_salesperson)

    credited = dict(Subscription.objects.values_list("pk", "credited_salesperson"))
    assert credited == {subscription.pk: other_salesperson.pk, elsewhere.pk: salesperson.pk}


def test_the_ruling_page_says_the_credit_moves(client, disputed, manager):
    _subscription, dispute = disputed
    client.force_login(manager)
    html = client.get(f"/attribution/disputes/{dispute.pk}/").content.decode()
    assert 'class="notice credit-moves"' in html
