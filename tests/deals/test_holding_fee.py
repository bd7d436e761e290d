"""The holding fee is the office's, never the client's (issue 13, R-6.2), and the fee credited
toward a deposit never exceeds it (R-6.3): over the API, the unit panel and the services."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from attribution.services import claim_start
from deals import services
from deals.choices import HoldStatus, UnitStatus
from deals.factories import UnitFactory
from deals.models import Hold, Refund, Subscription
from deals.reconcile import mismatches
from leads.factories import CustomerFactory
from staff.models import Office

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=SH)
HOLDS, SUBS = "/api/v1/holds/", "/api/v1/subscriptions/"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def unit(office):
    return UnitFactory(office=office)


@pytest.fixture
def alice(office, salesperson):
    customer = CustomerFactory(office=office, registered_by=salesperson)
    claim_start(
        household=customer.household, owner=salesperson, now=T0, actor=salesperson, detail={}
    )
    return customer


def post(api, user, path, body):
    api.force_authenticate(user)
    return api.post(path, body, format="json")


def set_office(office, **values):
    Office.objects.filter(pk=office.pk).update(**values)


# ---------------------------------------------------------------- the API


@pytest.mark.parametrize("fee", ["100000.00", "0.01", "499.99", "500.01", "0", "-500.00"])
def test_the_attack_a_fee_other_than_the_offices_is_refused(
    api, salesperson, manager, unit, alice, fee
):
    response = post(api, salesperson, HOLDS, {"unit": unit.pk, "customer": alice.pk, "fee": fee})
    assert response.status_code == 400
    assert "500.00" in response.json()["fee"][0]  # says what the fee is
    assert not Hold.objects.exists()
    unit.refresh_from_db()
    assert unit.status == UnitStatus.AVAILABLE
    # the rest of the attack: a 5,000.00 subscription credits nothing beyond the deposit
    response = post(
        api, salesperson, SUBS, {"unit": unit.pk, "customer": alice.pk, "deposit": "5000.00"}
    )
    assert response.status_code == 201
    assert response.json()["fee_credited"] == "0.00"


def test_the_refusal_is_translated(api, salesperson, unit, alice):
    api.force_authenticate(salesperson)
    response = api.post(
        HOLDS,
        {"unit": unit.pk, "customer": alice.pk, "fee": "100000.00"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert response.json()["fee"] == ["封号费由售楼处设定，为 500.00。"]


@pytest.mark.parametrize("body", [{"fee": "500.00"}, {"fee": "500"}, {}, {"fee": None}])
def test_the_offices_fee_or_none_is_accepted(api, salesperson, unit, alice, body):
    response = post(api, salesperson, HOLDS, {"unit": unit.pk, "customer": alice.pk, **body})
    assert response.status_code == 201, response.json()
    assert response.json()["fee"] == "500.00"
    assert Hold.objects.get().fee == Decimal("500.00")


def test_an_office_whose_fee_is_800_holds_at_800(api, salesperson, office, alice):
    set_office(office, holding_fee=Decimal("800.00"))
    first, second = UnitFactory(office=office), UnitFactory(office=office)
    response = post(api, salesperson, HOLDS, {"unit": first.pk, "customer": alice.pk})
    assert response.status_code == 201 and response.json()["fee"] == "800.00"
    refused = post(
        api, salesperson, HOLDS, {"unit": second.pk, "customer": alice.pk, "fee": "500.00"}
    )
    assert refused.status_code == 400 and "800.00" in refused.json()["fee"][0]
    assert list(Hold.objects.values_list("fee", flat=True)) == [Decimal("800.00")]


def test_an_office_fee_above_its_minimum_deposit_refuses_holds(api, salesperson, office, alice):
    set_office(office, holding_fee=Decimal("6000.00"))  # minimum deposit 5000.00
    unit = UnitFactory(office=office)
    response = post(api, salesperson, HOLDS, {"unit": unit.pk, "customer": alice.pk})
    assert response.status_code == 400
    message = response.json()["fee"][0]
    assert "6000.00" in message and "5000.00" in message
    assert not Hold.objects.exists()
    unit.refresh_from_db()
    assert unit.status == UnitStatus.AVAILABLE


def test_an_office_fee_of_zero_refuses_holds(salesperson, office, unit, alice):
    """A hold's fee is refunded when it lapses, and a refund is never zero."""
    set_office(office, holding_fee=Decimal("0.00"))
    with pytest.raises(ValidationError, match="0.00"):
        services.hold_create(unit=unit, customer=alice, actor=salesperson, now=T0)
    assert not Hold.objects.exists()


# ---------------------------------------------------------------- the unit panel


def test_the_panel_form_cannot_choose_the_fee(client, salesperson, unit, alice):
    client.force_login(salesperson)
    panel = client.get(f"/deals/units/{unit.pk}/", **HTMX).content.decode()
    assert 'name="hold-fee" value="500.00"' in panel and "disabled" in panel
    response = client.post(
        f"/deals/units/{unit.pk}/hold/",
        {"hold-customer": alice.pk, "hold-fee": "100000.00"},
        **HTMX,
    )
    assert response.status_code == 200
    assert Hold.objects.get(unit=unit).fee == Decimal("500.00")


def test_the_panel_shows_a_refused_office_fee(client, salesperson, office, unit, alice):
    set_office(office, holding_fee=Decimal("6000.00"))
    client.force_login(salesperson)
    response = client.post(f"/deals/units/{unit.pk}/hold/", {"hold-customer": alice.pk}, **HTMX)
    assert response.status_code == 422
    assert "6000.00" in response.content.decode()
    assert not Hold.objects.exists()


# ---------------------------------------------------------------- the credit


def test_the_credited_fee_never_exceeds_the_deposit(salesperson, office, unit, alice):
    services.hold_create(unit=unit, customer=alice, actor=salesperson, now=T0)
    # the office lowers its minimum deposit below the fee already paid
    set_office(office, minimum_deposit=Decimal("300.00"))
    unit.refresh_from_db()
    with pytest.raises(ValidationError, match="500.00"):
        services.subscription_create(
            unit=unit, customer=alice, deposit="400.00", actor=salesperson, now=T0
        )
    assert not Subscription.objects.exists()
    assert Hold.objects.get().status == HoldStatus.ACTIVE
    sub = services.subscription_create(
        unit=unit, customer=alice, deposit="500.00", actor=salesperson, now=T0
    )
    assert (sub.deposit, sub.fee_credited) == (Decimal("500.00"), Decimal("500.00"))
    assert mismatches() == []


def test_the_database_refuses_a_credit_beyond_the_deposit(salesperson, unit, alice):
    services.hold_create(unit=unit, customer=alice, actor=salesperson, now=T0)
    sub = services.subscription_create(
        unit=unit, customer=alice, deposit="5000.00", actor=salesperson, now=T0
    )
    for values in ({"fee_credited": Decimal("5000.01")}, {"fee_credited": Decimal("-1.00")}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Subscription.objects.filter(pk=sub.pk).update(**values)
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscription.objects.filter(pk=sub.pk).update(hold=None)  # a credit without a hold
    with pytest.raises(IntegrityError), transaction.atomic():
        Hold.objects.filter(pk=sub.hold_id).update(fee=Decimal("0.00"))
    assert Subscription.objects.get().fee_credited == Decimal("500.00")


def test_a_withdrawal_refunds_what_was_paid(salesperson, manager, unit, alice):
    """The attack's end: fee and deposit paid, all of it refunded, the books balance."""
    services.hold_create(unit=unit, customer=alice, actor=salesperson, now=T0)
    sub = services.subscription_create(
        unit=unit, customer=alice, deposit="5000.00", actor=salesperson, now=T0
    )
    services.subscription_withdraw(subscription=sub, actor=manager, now=T0)
    paid = Hold.objects.get().fee + sub.deposit - sub.fee_credited
    assert Refund.objects.get().amount == paid == Decimal("5000.00")
    assert mismatches() == []
