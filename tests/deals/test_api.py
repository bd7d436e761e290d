"""Units, holds, subscriptions and refunds over the API, with their outcomes in the database
(R-5.2, R-5.5, R-5.7, R-6)."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from attribution.choices import ClaimStatus
from attribution.services import claim_reassign_released, claim_start
from deals.choices import HoldStatus, RefundReason, SubscriptionStatus, UnitStatus
from deals.factories import UnitFactory
from deals.models import Hold, Project, Refund, Subscription, Unit
from leads.factories import CustomerFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=SH)
HOLDS, SUBS, REFUNDS, UNITS = (
    "/api/v1/holds/",
    "/api/v1/subscriptions/",
    "/api/v1/refunds/",
    ("/api/v1/units/"),
)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def claimed(office, owner):
    customer = CustomerFactory(office=office, registered_by=owner)
    claim_start(household=customer.household, owner=owner, now=T0, actor=owner, detail={})
    return customer


@pytest.fixture
def unit(office):
    return UnitFactory(office=office)


@pytest.fixture
def alice(office, salesperson):
    return claimed(office, salesperson)


@pytest.fixture
def bob(office, other_salesperson):
    return claimed(office, other_salesperson)


def post(api, user, path, body=None):
    api.force_authenticate(user)
    return api.post(path, body or {}, format="json")


def snapshot():
    return (
        list(Unit.objects.values_list("pk", "status").order_by("pk")),
        Hold.objects.count(),
        Subscription.objects.count(),
        Refund.objects.count(),
    )


# ---------------------------------------------------------------- units


def test_units_list_money_as_strings_and_office_scoped(api, finance, office, other_office, unit):
    UnitFactory(office=other_office)
    api.force_authenticate(finance)
    response = api.get(UNITS)
    assert response.status_code == 200
    assert response.data["count"] == 1
    row = response.json()["results"][0]
    assert row == {
        "id": unit.pk,
        "office": office.pk,
        "project": "一期",
        "building": "1",
        "number": unit.number,
        "floor": 10,
        "layout": "3室2厅",
        "area": "98.50",
        "orientation": "南",
        "list_price": "1234567.00",
        "status": "available",
    }
    assert api.get(UNITS, {"status": "held"}).data["count"] == 0
    assert api.get(UNITS, {"project": "一期", "office": office.pk}).data["count"] == 1
    assert api.get(UNITS, {"status": "nonsense"}).status_code == 400


def test_units_are_not_for_an_account_without_a_role(api, office, unit):
    """deals.view_units: the office's members (API.md) are its staff; an account of the office
    without any role gets 403, no list."""
    from staff.factories import UserFactory

    member = UserFactory(username="member", roles=[], offices=[office])
    api.force_authenticate(member)
    response = api.get(UNITS)
    assert response.status_code == 403
    assert "results" not in response.json()


@pytest.mark.parametrize("role", ["clerk", "warehouse", "assistant"])
def test_units_are_listed_to_every_role_of_the_office(api, office, unit, role):
    """API.md: GET /units/ is for the office's members, whatever their role."""
    from staff.factories import UserFactory

    api.force_authenticate(UserFactory(username="member", roles=[role], offices=[office]))
    assert [row["id"] for row in api.get(UNITS).json()["results"]] == [unit.pk]


def test_units_anonymous_401_and_outsider_403(api, other_manager):
    assert api.get(UNITS).status_code == 401
    api.force_authenticate(other_manager)
    assert api.get(UNITS).data["count"] == 0


def unit_body(office, **extra):
    return {
        "office": office.pk,
        "project": "二期",
        "building": "3",
        "number": "1801",
        "floor": 18,
        "area": "120.00",
        "list_price": "2500000.00",
        **extra,
    }


def test_manager_adds_a_unit_project_by_name_duplicates_400(api, manager, office):
    response = post(api, manager, UNITS, unit_body(office))
    assert response.status_code == 201, response.data
    assert response.data["list_price"] == "2500000.00"
    assert response.data["status"] == "available"
    project = Project.objects.get(office=office, name="二期")
    assert Unit.objects.get(pk=response.data["id"]).project == project
    again = post(api, manager, UNITS, unit_body(office))
    assert again.status_code == 400 and "number" in again.data
    assert Unit.objects.count() == 1 and Project.objects.count() == 1


@pytest.mark.parametrize(
    "extra",
    [{"list_price": 2500000.5}, {"list_price": "-1.00"}, {"area": 98.5}, {"list_price": "1e30"}],
)
def test_bad_unit_input_400(api, manager, office, extra):
    assert post(api, manager, UNITS, unit_body(office, **extra)).status_code == 400
    assert Unit.objects.count() == 0


def test_unit_add_role_and_office(api, salesperson, manager, office, other_office):
    assert post(api, salesperson, UNITS, unit_body(office)).status_code == 403
    assert post(api, manager, UNITS, unit_body(other_office)).status_code == 400
    assert Unit.objects.count() == 0


# ---------------------------------------------------------------- holds


def test_hold_blocks_the_unit_for_exactly_72_hours(api, salesperson, unit, alice):
    response = post(api, salesperson, HOLDS, {"unit": unit.pk, "customer": alice.pk})
    assert response.status_code == 201, response.data
    assert response.data["fee"] == "500.00"
    hold = Hold.objects.get()
    assert hold.expires_at == T0 + datetime.timedelta(hours=72)
    assert datetime.datetime.fromisoformat(response.data["expires_at"]) == hold.expires_at
    unit.refresh_from_db()
    assert unit.status == UnitStatus.HELD


def test_secretary_may_hold_finance_may_not(api, secretary, finance, unit, alice):
    assert post(api, finance, HOLDS, {"unit": unit.pk, "customer": alice.pk}).status_code == 403
    assert post(api, secretary, HOLDS, {"unit": unit.pk, "customer": alice.pk}).status_code == 201


def test_second_hold_409_unit_unavailable(api, salesperson, other_salesperson, unit, alice, bob):
    assert post(api, salesperson, HOLDS, {"unit": unit.pk, "customer": alice.pk}).status_code == 201
    before = snapshot()
    response = post(api, other_salesperson, HOLDS, {"unit": unit.pk, "customer": bob.pk})
    assert response.status_code == 409
    assert response.data["code"] == "unit_unavailable"
    assert snapshot() == before


def test_hold_other_office_unit_or_customer_400(api, salesperson, office, other_office, unit):
    foreign_unit = UnitFactory(office=other_office)
    mine = claimed(office, salesperson)
    theirs = CustomerFactory(office=other_office)
    before = snapshot()
    assert (
        post(api, salesperson, HOLDS, {"unit": foreign_unit.pk, "customer": mine.pk}).status_code
        == 400
    )
    assert (
        post(api, salesperson, HOLDS, {"unit": unit.pk, "customer": theirs.pk}).status_code == 400
    )
    assert post(api, salesperson, HOLDS, {"unit": unit.pk, "customer": 999999}).status_code == 400
    assert post(api, salesperson, HOLDS, {"unit": "x", "customer": mine.pk}).status_code == 400
    assert (
        post(
            api, salesperson, HOLDS, {"unit": unit.pk, "customer": mine.pk, "fee": 500.5}
        ).status_code
        == 400
    )
    assert (
        post(
            api, salesperson, HOLDS, {"unit": unit.pk, "customer": mine.pk, "fee": "0"}
        ).status_code
        == 400
    )
    assert snapshot() == before


def test_release_refunds_the_fee_and_frees_the_unit(
    api, salesperson, secretary, manager, unit, alice
):
    hold_id = post(api, salesperson, HOLDS, {"unit": unit.pk, "customer": alice.pk}).data["id"]
    assert post(api, secretary, f"{HOLDS}{hold_id}/release/").status_code == 403
    response = post(api, manager, f"{HOLDS}{hold_id}/release/")
    assert response.status_code == 200 and response.data["status"] == HoldStatus.RELEASED
    refund = Refund.objects.get()
    assert (refund.reason, refund.amount, refund.hold_id) == (
        RefundReason.HOLD_RELEASED,
        Decimal("500.00"),
        hold_id,
    )
    unit.refresh_from_db()
    assert unit.status == UnitStatus.AVAILABLE
    again = post(api, manager, f"{HOLDS}{hold_id}/release/")
    assert again.status_code == 409 and again.data["code"] == "hold_ended"
    assert Refund.objects.count() == 1


def test_a_colleague_cannot_release_someone_elses_hold(
    api, salesperson, other_salesperson, unit, alice
):
    """R-6.2: the hold is the customer's priority right; a salesperson who neither placed it
    nor holds the customer gets 403 (API.md's error body), and the hold stays."""
    hold_id = post(api, salesperson, HOLDS, {"unit": unit.pk, "customer": alice.pk}).data["id"]
    before = snapshot()
    response = post(api, other_salesperson, f"{HOLDS}{hold_id}/release/")
    assert response.status_code == 403
    assert set(response.json()) == {"detail"}
    assert snapshot() == before
    assert Hold.objects.get(pk=hold_id).status == HoldStatus.ACTIVE
    unit.refresh_from_db()
    assert unit.status == UnitStatus.HELD


def test_the_salesperson_who_placed_the_hold_releases_it(
    api, salesperson, other_salesperson, unit, alice
):
    """R-6.2 with R-5.4: a colleague held the unit for the absent owner's customer; the one who
    placed the hold may end it."""
    hold_id = post(api, other_salesperson, HOLDS, {"unit": unit.pk, "customer": alice.pk}).data[
        "id"
    ]
    response = post(api, other_salesperson, f"{HOLDS}{hold_id}/release/")
    assert response.status_code == 200 and response.data["status"] == HoldStatus.RELEASED
    assert Refund.objects.get().hold_id == hold_id


def test_the_customers_salesperson_releases_a_hold_placed_by_the_desk(
    api, salesperson, other_salesperson, secretary, unit, alice
):
    """R-6.2: the desk placed the hold; the owner of the customer's active claim ends it, the
    colleague cannot."""
    hold_id = post(api, secretary, HOLDS, {"unit": unit.pk, "customer": alice.pk}).data["id"]
    assert post(api, other_salesperson, f"{HOLDS}{hold_id}/release/").status_code == 403
    assert post(api, secretary, f"{HOLDS}{hold_id}/release/").status_code == 403
    assert Hold.objects.get(pk=hold_id).status == HoldStatus.ACTIVE
    response = post(api, salesperson, f"{HOLDS}{hold_id}/release/")
    assert response.status_code == 200 and response.data["status"] == HoldStatus.RELEASED


def test_the_claim_moves_and_the_right_to_release_moves_with_it(
    api, office, salesperson, other_salesperson, secretary, manager, unit, clock
):
    """R-3.2, R-3.4, R-6.2: the desk held a unit for the salesperson's customer on the last
    day of the claim's protection. Once the claim is released the former owner may no longer
    end the hold; when the manager gives the customer to a colleague, the colleague may."""
    customer = CustomerFactory(office=office, registered_by=salesperson)
    week_ago = T0 - datetime.timedelta(days=7)  # protected through the end of T0's day
    claim_start(
        household=customer.household, owner=salesperson, now=week_ago, actor=salesperson, detail={}
    )
    hold_id = post(api, secretary, HOLDS, {"unit": unit.pk, "customer": customer.pk}).data["id"]
    clock.move_to(T0 + datetime.timedelta(days=1))  # released at 00:00; the hold runs 72 h
    assert post(api, salesperson, f"{HOLDS}{hold_id}/release/").status_code == 403
    assert Hold.objects.get(pk=hold_id).status == HoldStatus.ACTIVE
    claim_reassign_released(
        household=customer.household,
        new_owner=other_salesperson,
        actor=manager,
        reason="原业务员离职",
        now=T0 + datetime.timedelta(days=1),
    )
    assert post(api, salesperson, f"{HOLDS}{hold_id}/release/").status_code == 403
    response = post(api, other_salesperson, f"{HOLDS}{hold_id}/release/")
    assert response.status_code == 200 and response.data["status"] == HoldStatus.RELEASED


def test_release_of_another_offices_hold_404(api, salesperson, other_manager, unit, alice):
    hold_id = post(api, salesperson, HOLDS, {"unit": unit.pk, "customer": alice.pk}).data["id"]
    assert post(api, other_manager, f"{HOLDS}{hold_id}/release/").status_code == 404


# ---------------------------------------------------------------- subscriptions


def test_only_the_holder_subscribes_during_the_hold_fee_credited(
    api, salesperson, other_salesperson, finance, unit, alice, bob
):
    post(api, salesperson, HOLDS, {"unit": unit.pk, "customer": alice.pk})
    before = snapshot()
    refused = post(
        api, other_salesperson, SUBS, {"unit": unit.pk, "customer": bob.pk, "deposit": "5000.00"}
    )
    assert refused.status_code == 409 and refused.data["code"] == "unit_unavailable"
    assert snapshot() == before
    response = post(
        api, finance, SUBS, {"unit": unit.pk, "customer": alice.pk, "deposit": "5000.00"}
    )
    assert response.status_code == 201, response.data
    assert response.data["deposit"] == "5000.00"
    assert response.data["fee_credited"] == "500.00"
    assert response.data["credited_salesperson"] == salesperson.pk
    assert response.data["number"] == "SUNNY-2026-0001"
    unit.refresh_from_db()
    assert unit.status == UnitStatus.SUBSCRIBED
    assert Hold.objects.get().status == HoldStatus.CONVERTED
    assert Refund.objects.count() == 0


def test_after_the_hold_lapses_anyone_subscribes_and_the_hold_is_refunded(
    api, salesperson, other_salesperson, unit, alice, bob, clock
):
    post(api, salesperson, HOLDS, {"unit": unit.pk, "customer": alice.pk})
    clock.move_to(T0 + datetime.timedelta(hours=72, seconds=1))  # no job ran
    response = post(
        api, other_salesperson, SUBS, {"unit": unit.pk, "customer": bob.pk, "deposit": "8000"}
    )
    assert response.status_code == 201, response.data
    assert response.data["fee_credited"] == "0.00"
    assert response.data["credited_salesperson"] == other_salesperson.pk
    hold = Hold.objects.get()
    assert hold.status == HoldStatus.LAPSED
    refund = Refund.objects.get()
    assert (refund.hold_id, refund.reason, refund.amount) == (
        hold.pk,
        RefundReason.HOLD_LAPSED,
        Decimal("500.00"),
    )


def test_a_lapsed_hold_frees_the_unit_for_a_new_hold(
    api, salesperson, other_salesperson, unit, alice, bob, clock
):
    post(api, salesperson, HOLDS, {"unit": unit.pk, "customer": alice.pk})
    clock.move_to(T0 + datetime.timedelta(hours=72))
    assert (
        post(api, other_salesperson, HOLDS, {"unit": unit.pk, "customer": bob.pk}).status_code
        == 201
    )
    assert Refund.objects.get().reason == RefundReason.HOLD_LAPSED


def test_r_5_2_credit_goes_to_the_claim_owner_whoever_signs(
    api, salesperson, other_salesperson, unit, alice
):
    response = post(
        api, other_salesperson, SUBS, {"unit": unit.pk, "customer": alice.pk, "deposit": "5000.00"}
    )
    assert response.status_code == 201
    subscription = Subscription.objects.get()
    assert subscription.credited_salesperson == salesperson
    assert subscription.signed_by == other_salesperson
    assert subscription.claim.status == ClaimStatus.DEAL


def test_integer_json_deposit_is_accepted(api, salesperson, unit, alice):
    response = post(
        api, salesperson, SUBS, {"unit": unit.pk, "customer": alice.pk, "deposit": 5000}
    )
    assert response.status_code == 201 and response.data["deposit"] == "5000.00"


@pytest.mark.parametrize(
    "deposit", ["4999.99", "-5000", "0", "abc", "", None, 5000.5, "5000.001", "1e30", "NaN", True]
)
def test_bad_deposit_400_and_nothing_changes(api, salesperson, unit, alice, deposit):
    before = snapshot()
    response = post(
        api, salesperson, SUBS, {"unit": unit.pk, "customer": alice.pk, "deposit": deposit}
    )
    assert response.status_code == 400, response.data
    assert "deposit" in response.data
    assert snapshot() == before


def test_float_deposit_message_asks_for_a_string(api, salesperson, unit, alice):
    response = post(
        api, salesperson, SUBS, {"unit": unit.pk, "customer": alice.pk, "deposit": 5000.5}
    )
    assert "十进制字符串" in str(response.data["deposit"][0])  # zh-Hans by default


def test_customer_without_a_claim_400(api, salesperson, office, unit):
    stray = CustomerFactory(office=office)
    before = snapshot()
    response = post(
        api, salesperson, SUBS, {"unit": unit.pk, "customer": stray.pk, "deposit": "5000"}
    )
    assert response.status_code == 400 and "customer" in response.data
    assert post(api, salesperson, HOLDS, {"unit": unit.pk, "customer": stray.pk}).status_code == 400
    assert snapshot() == before


def test_subscription_roles(api, secretary, manager, unit, alice):
    body = {"unit": unit.pk, "customer": alice.pk, "deposit": "5000"}
    assert post(api, secretary, SUBS, body).status_code == 403
    assert post(api, manager, SUBS, body).status_code == 403
    api.force_authenticate(None)
    assert api.post(SUBS, body, format="json").status_code == 401
    assert Subscription.objects.count() == 0


def test_second_subscription_409(api, salesperson, other_salesperson, unit, alice, bob):
    post(api, salesperson, SUBS, {"unit": unit.pk, "customer": alice.pk, "deposit": "5000"})
    before = snapshot()
    response = post(
        api, other_salesperson, SUBS, {"unit": unit.pk, "customer": bob.pk, "deposit": "9000"}
    )
    assert response.status_code == 409 and response.data["code"] == "unit_unavailable"
    assert snapshot() == before


# ---------------------------------------------------------------- withdrawal, refunds


def test_r_5_5_withdrawal_refunds_deposit_and_fee_credit_stays(
    api, salesperson, other_salesperson, manager, finance, unit, alice
):
    post(api, salesperson, HOLDS, {"unit": unit.pk, "customer": alice.pk})
    sub_id = post(
        api, other_salesperson, SUBS, {"unit": unit.pk, "customer": alice.pk, "deposit": "6000.00"}
    ).data["id"]
    assert post(api, salesperson, f"{SUBS}{sub_id}/withdraw/").status_code == 403
    response = post(api, manager, f"{SUBS}{sub_id}/withdraw/")
    assert response.status_code == 200
    assert response.data["status"] == SubscriptionStatus.WITHDRAWN
    subscription = Subscription.objects.get()
    assert subscription.credited_salesperson == salesperson
    assert subscription.claim.status == ClaimStatus.DEAL
    refund = Refund.objects.get()
    # the credited holding fee is part of the deposit (deals.services, c629d5d): 6000.00 back
    assert (refund.reason, refund.amount) == (RefundReason.WITHDRAWAL, Decimal("6000.00"))
    unit.refresh_from_db()
    assert unit.status == UnitStatus.AVAILABLE
    again = post(api, manager, f"{SUBS}{sub_id}/withdraw/")
    assert again.status_code == 409 and again.data["code"] == "already_withdrawn"
    assert Refund.objects.count() == 1
    # finance pays it back
    api.force_authenticate(finance)
    owed = api.get(REFUNDS, {"paid": "0"})
    assert owed.status_code == 200 and owed.data["count"] == 1
    assert owed.json()["results"][0]["amount"] == "6000.00"
    paid = post(api, finance, f"{REFUNDS}{refund.pk}/pay/")
    assert paid.status_code == 200 and paid.data["paid_by"] == finance.pk
    assert api.get(REFUNDS, {"paid": "0"}).data["count"] == 0
    assert api.get(REFUNDS, {"paid": "1"}).data["count"] == 1
    twice = post(api, finance, f"{REFUNDS}{refund.pk}/pay/")
    assert twice.status_code == 409 and twice.data["code"] == "already_paid"


def test_refunds_roles_and_offices(api, salesperson, manager, other_manager, unit, alice):
    hold_id = post(api, salesperson, HOLDS, {"unit": unit.pk, "customer": alice.pk}).data["id"]
    post(api, manager, f"{HOLDS}{hold_id}/release/")
    refund = Refund.objects.get()
    api.force_authenticate(salesperson)
    assert api.get(REFUNDS).status_code == 403
    assert post(api, salesperson, f"{REFUNDS}{refund.pk}/pay/").status_code == 403
    api.force_authenticate(other_manager)
    assert api.get(REFUNDS).data["count"] == 0
    assert post(api, other_manager, f"{REFUNDS}{refund.pk}/pay/").status_code == 404
    api.force_authenticate(manager)
    assert api.get(REFUNDS, {"paid": "maybe"}).status_code == 400
    assert Refund.objects.get().paid_at is None


def test_withdraw_of_another_offices_subscription_404(api, salesperson, other_manager, unit, alice):
    sub_id = post(
        api, salesperson, SUBS, {"unit": unit.pk, "customer": alice.pk, "deposit": "5000"}
    ).data["id"]
    assert post(api, other_manager, f"{SUBS}{sub_id}/withdraw/").status_code == 404
    assert Subscription.objects.get().status == SubscriptionStatus.ACTIVE
