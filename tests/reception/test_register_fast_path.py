"""Issue 22: registration answers from the objects it has in hand and skips what a new
household cannot have — and says exactly what a read-back would say, whatever rule applied."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attribution.models import Claim, ClaimEvent
from attribution.services import claim_start
from leads.factories import CustomerFactory
from reception.factories import roster_for
from reception.models import Visit

from .test_api import EN, NOW, TODAY, VISITS, claimed, frozen  # noqa: F401 (the clock)

pytestmark = pytest.mark.django_db


def register(desk, office, phone, **fields):
    data = {"office": office.pk, "phone": phone, "name": "", "source_channel": "passing"}
    response = desk.post(VISITS, {**data, **fields}, format="json", **EN)
    assert response.status_code == 201, response.json()
    return response.json()


def read_back(desk, body):
    response = desk.get(f"{VISITS}{body['id']}/", **EN)
    assert response.status_code == 200
    return response.json()


def test_rotation_with_skips_answers_what_a_read_back_says(
    desk, office, manager, salesperson, other_salesperson
):
    """R-2.1, R-2.3, R-2.4: the new walk-in's answer — explanation, skipped names, claim —
    equals the visit read back afterwards."""
    roster_for(
        office,
        TODAY,
        [salesperson, other_salesperson],
        manager=manager,
        statuses={salesperson: "away_business"},
    )
    body = register(desk, office, "13800000001")
    assert (body["rule"], body["assigned_to"]) == ("rotation", other_salesperson.pk)
    assert body["skipped"][0]["salesperson_name"] == str(salesperson)
    assert body["claim"]["owner"] == other_salesperson.pk
    assert body == read_back(desk, body)


@pytest.mark.parametrize("case", ["owner", "named", "referral", "deal", "unassigned"])
def test_every_rule_answers_what_a_read_back_says(
    case, desk, office, manager, salesperson, other_salesperson
):
    roster_for(office, TODAY, [salesperson, other_salesperson], manager=manager)
    fields = {}
    phone = "13800000002"
    if case in ("owner", "deal"):
        customer = claimed(office, other_salesperson, phone=phone, name="张三")
        if case == "deal":
            Claim.objects.filter(household=customer.household).update(status="deal")
    elif case == "named":
        fields["named_salesperson"] = other_salesperson.pk
    elif case == "referral":
        fields["referrer"] = claimed(office, other_salesperson, name="老客户").pk
    else:
        fields.update(party_size=9, one_household=False)
    body = register(desk, office, phone, **fields)
    expected_rule = {"deal": "owner", "unassigned": "unassigned"}.get(case, case)
    assert body["rule"] == expected_rule
    assert body == read_back(desk, body)


def test_a_returning_customer_still_extends_the_claim_and_is_checked_for_doubles(
    desk, office, manager, salesperson, other_salesperson
):
    """The new-household shortcut does not touch a known customer: their owner receives
    them (R-3.2: the contact is recorded) and a second registration at once is a double."""
    roster_for(office, TODAY, [salesperson, other_salesperson], manager=manager)
    first = register(desk, office, "13800000003")
    owner = first["assigned_to"]
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        again = register(desk, office, "13800000003")
        assert (again["rule"], again["assigned_to"]) == ("owner", owner)
        claim_id = Visit.objects.get(pk=again["id"]).claim_id
        assert ClaimEvent.objects.filter(claim_id=claim_id, kind="contact").exists()
        double = desk.post(
            VISITS,
            {"office": office.pk, "phone": "13800000003", "source_channel": "passing"},
            format="json",
            **EN,
        )
    assert double.status_code == 409 and double.json()["code"] == "duplicate"
    assert Visit.objects.count() == 2


def test_a_stale_claim_is_released_before_the_rotation_starts_a_new_one(
    desk, office, manager, salesperson, other_salesperson
):
    """R-3.3: an old customer whose claim ran out goes by the rotation, and the stale claim
    is released on the record first (what a new household skips, a known one still does)."""
    roster_for(office, TODAY, [salesperson, other_salesperson], manager=manager)
    customer = CustomerFactory(office=office, phone="13800000004")
    stale = claim_start(
        household=customer.household,
        owner=other_salesperson,
        now=NOW - timedelta(days=30),
        actor=other_salesperson,
        detail={},
    )
    body = register(desk, office, "13800000004")
    assert body["rule"] == "rotation"
    stale.refresh_from_db()
    assert stale.status == "released"
    assert ClaimEvent.objects.filter(claim=stale, kind="released").exists()


def test_registering_a_new_walk_in_takes_a_fixed_number_of_queries(
    desk, office, manager, salesperson, other_salesperson
):
    """Issue 22: a new customer by the rotation: nothing is read twice and the answer is not
    read back (28 queries before)."""
    roster_for(office, TODAY, [salesperson, other_salesperson], manager=manager)
    register(desk, office, "13800000010")  # the user's roles and offices, warmed like a request
    with CaptureQueriesContext(connection) as small:
        register(desk, office, "13800000011")
    assert len(small) <= 18, [q["sql"][:80] for q in small.captured_queries]
