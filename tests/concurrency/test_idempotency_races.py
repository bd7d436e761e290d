"""The same `Idempotency-Key` sent ten times at once (issue 7), with real threads against
PostgreSQL over HTTP: registration, hold and subscription each create one record, and every
one of the ten gets the same response; the key reused with another body is 422."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from attribution.services import claim_start
from deals.factories import UnitFactory
from deals.models import Hold, Subscription
from leads.factories import CustomerFactory, channels_restored
from leads.models import Customer
from notifications.models import Notification
from reception.factories import roster_for
from reception.models import Visit
from staff.choices import Role
from staff.factories import UserFactory

from .harness import run_together

pytestmark = pytest.mark.django_db(transaction=True)

SH = ZoneInfo("Asia/Shanghai")
TIMES = 10
KEY = "desk-tab-7f3a"


@pytest.fixture(autouse=True)
def channels(transactional_db):
    channels_restored()


def same_key_ten_times(user, path: str, body: dict) -> list:
    def post():
        client = Client()
        client.force_login(user)
        return client.post(path, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=KEY)

    outcomes = run_together([post] * TIMES)
    assert [o.error for o in outcomes] == [None] * TIMES
    return [o.value for o in outcomes]


def assert_one_response(responses, status: int) -> dict:
    assert {r.status_code for r in responses} == {status}
    bodies = [r.content for r in responses]
    assert all(body == bodies[0] for body in bodies)  # byte for byte
    replayed = [r.get("Idempotent-Replayed") for r in responses]
    assert replayed.count(None) == 1  # one did the work, nine replayed it
    print(f"idempotency: {TIMES} concurrent posts, 1 record, {len(set(bodies))} distinct body")
    return responses[0].json()


@pytest.fixture
def claimed_customer(office, salesperson):
    customer = CustomerFactory(office=office, registered_by=salesperson)
    claim_start(
        household=customer.household,
        owner=salesperson,
        now=timezone.now(),
        actor=salesperson,
        detail={},
    )
    return customer


def test_registration_ten_times_at_once_one_visit(office, secretary, manager):
    team = [
        UserFactory(username=f"sp{i}", roles=[Role.SALESPERSON], offices=[office]) for i in range(3)
    ]
    roster_for(office, timezone.localtime(timezone.now(), SH).date(), team, manager=manager)
    body = {"office": office.pk, "phone": "13800138000", "source_channel": "passing"}
    first = assert_one_response(same_key_ten_times(secretary, "/api/v1/visits/", body), 201)
    assert Visit.objects.count() == 1 and Customer.objects.count() == 1
    assert first["id"] == Visit.objects.get().pk
    assert Notification.objects.filter(kind="visit_assigned").count() == 1


def test_hold_ten_times_at_once_one_hold(office, salesperson, claimed_customer):
    unit = UnitFactory(office=office)
    body = {"unit": unit.pk, "customer": claimed_customer.pk}
    first = assert_one_response(same_key_ten_times(salesperson, "/api/v1/holds/", body), 201)
    assert list(Hold.objects.values_list("pk", flat=True)) == [first["id"]]


def test_subscription_ten_times_at_once_one_subscription(office, salesperson, claimed_customer):
    unit = UnitFactory(office=office)
    body = {"unit": unit.pk, "customer": claimed_customer.pk, "deposit": "5000.00"}
    path = "/api/v1/subscriptions/"
    first = assert_one_response(same_key_ten_times(salesperson, path, body), 201)
    assert list(Subscription.objects.values_list("pk", flat=True)) == [first["id"]]


def test_the_key_with_another_body_is_422_and_creates_nothing(
    office, salesperson, claimed_customer
):
    units = [UnitFactory(office=office), UnitFactory(office=office)]
    client = Client()
    client.force_login(salesperson)

    def hold(unit):
        return client.post(
            "/api/v1/holds/",
            {"unit": unit.pk, "customer": claimed_customer.pk},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=KEY,
        )

    assert hold(units[0]).status_code == 201
    reused = hold(units[1])
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"
    assert Hold.objects.count() == 1


def test_a_refused_request_can_be_retried_with_its_key(office, salesperson):
    """A 4xx is not stored: after fixing the cause, the same key does the work."""
    unit = UnitFactory(office=office)
    unclaimed = CustomerFactory(office=office, registered_by=salesperson)
    client = Client()
    client.force_login(salesperson)
    body = {"unit": unit.pk, "customer": unclaimed.pk}
    first = client.post(
        "/api/v1/holds/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=KEY
    )
    assert first.status_code == 400  # no salesperson owns the customer yet
    claim_start(
        household=unclaimed.household,
        owner=salesperson,
        now=timezone.now() - datetime.timedelta(minutes=1),
        actor=salesperson,
        detail={},
    )
    again = client.post(
        "/api/v1/holds/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=KEY
    )
    assert again.status_code == 201 and Hold.objects.count() == 1
