"""Two customers wanting the same unit (R-5.7): over HTTP, with real threads against
PostgreSQL, exactly one hold or subscription wins and every other request gets 409
`unit_unavailable` (R-6.2, R-6.3). Each thread has its own connection and test client, waits at
a barrier so that all start together, and closes its connection."""

import threading
import time
from collections import Counter

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from attribution.services import claim_start
from deals.choices import UnitStatus
from deals.factories import UnitFactory
from deals.models import Hold, Refund, Subscription, Unit
from leads.factories import CustomerFactory, channels_restored

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 20
JOIN_TIMEOUT = 60
LOCK_TIMEOUT = "20s"


@pytest.fixture(autouse=True)
def channels(transactional_db):
    channels_restored()


def race(requests: list[tuple[Client, str, dict]]) -> list:
    """POST each request in its own thread, all released at once; the responses (or errors)."""
    barrier = threading.Barrier(len(requests))
    results: list = [None] * len(requests)

    def worker(i: int, client: Client, path: str, body: dict) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
            barrier.wait(timeout=JOIN_TIMEOUT)
            results[i] = client.post(path, body, content_type="application/json")
        except BaseException as exc:  # asserted by the test
            results[i] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(i, *r), daemon=True) for i, r in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + JOIN_TIMEOUT
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    hung = [t.name for t in threads if t.is_alive()]
    if hung:
        pytest.fail(f"{len(hung)} thread(s) still running (deadlock?): {hung}")
    return results


def outcomes(results) -> Counter:
    return Counter(
        (r.status_code, r.json().get("code")) if hasattr(r, "status_code") else repr(r)
        for r in results
    )


@pytest.fixture
def unit(office):
    return UnitFactory(office=office)


@pytest.fixture
def customers(office, salesperson):
    made = []
    for _ in range(THREADS):
        customer = CustomerFactory(office=office, registered_by=salesperson)
        now = timezone.now()
        claim_start(
            household=customer.household, owner=salesperson, now=now, actor=salesperson, detail={}
        )
        made.append(customer)
    return made


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def hold_req(user, unit, customer):
    return (client_of(user), "/api/v1/holds/", {"unit": unit.pk, "customer": customer.pk})


def sub_req(user, unit, customer):
    body = {"unit": unit.pk, "customer": customer.pk, "deposit": "5000.00"}
    return (client_of(user), "/api/v1/subscriptions/", body)


def test_twenty_holds_on_one_unit_one_201(salesperson, unit, customers):
    results = race([hold_req(salesperson, unit, c) for c in customers])
    assert outcomes(results) == {(201, None): 1, (409, "unit_unavailable"): THREADS - 1}
    assert Hold.objects.count() == 1
    assert Unit.objects.get(pk=unit.pk).status == UnitStatus.HELD


def test_twenty_subscriptions_on_one_unit_one_201(salesperson, finance, unit, customers):
    users = [salesperson, finance] * (THREADS // 2)
    results = race([sub_req(u, unit, c) for u, c in zip(users, customers, strict=True)])
    assert outcomes(results) == {(201, None): 1, (409, "unit_unavailable"): THREADS - 1}
    assert Subscription.objects.count() == 1
    assert Unit.objects.get(pk=unit.pk).status == UnitStatus.SUBSCRIBED


def test_ten_holds_and_ten_subscriptions_one_winner(salesperson, unit, customers):
    requests = [
        (hold_req if i % 2 else sub_req)(salesperson, unit, c) for i, c in enumerate(customers)
    ]
    results = race(requests)
    assert outcomes(results) == {(201, None): 1, (409, "unit_unavailable"): THREADS - 1}
    winners = Hold.objects.count() + Subscription.objects.count()
    assert winners == 1
    assert Refund.objects.count() == 0
    status = Unit.objects.get(pk=unit.pk).status
    assert status == (UnitStatus.HELD if Hold.objects.exists() else UnitStatus.SUBSCRIBED)
