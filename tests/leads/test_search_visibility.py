"""R-1.4, issue 13: growing a phone fragment one digit at a time and watching whether a
customer stays in the results recovered a masked number. A salesperson's name and fragment
search covers only the customers they hold; any other customer is found only by the full
number. The desk, managers and directors search everything. A burst of searches is refused."""

import datetime

import pytest
import time_machine
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attribution.services import claim_start
from leads.factories import CustomerFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/customers/"
THEIRS, MINE, NOBODYS = "13812345678", "13812340000", "13812349999"


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(datetime.datetime(2026, 11, 28, 2, 0, tzinfo=datetime.UTC)):
        yield


def customer(office, phone, name, owner=None):
    from django.utils import timezone

    c = CustomerFactory(office=office, phone=phone, name=name, registered_at=timezone.now())
    if owner is not None:
        claim_start(household=c.household, owner=owner, now=timezone.now(), actor=owner, detail={})
    return c


@pytest.fixture
def three(office, salesperson, other_salesperson):
    return {
        "theirs": customer(office, THEIRS, "周女士", other_salesperson),
        "mine": customer(office, MINE, "周先生", salesperson),
        "nobodys": customer(office, NOBODYS, "周小姐"),
    }


def ids(api, user, **params) -> set[int]:
    api.force_authenticate(user)
    response = api.get(URL, params)
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


def test_growing_a_fragment_never_reveals_a_colleagues_customer(api, salesperson, three):
    """The attack as it was: every prefix of the number, digit by digit."""
    for length in range(3, len(THEIRS)):
        assert three["theirs"].pk not in ids(api, salesperson, q=THEIRS[:length])
        assert three["nobodys"].pk not in ids(api, salesperson, q=NOBODYS[:length])
    assert three["mine"].pk in ids(api, salesperson, q=MINE[:5])


def test_a_name_finds_only_the_salespersons_own_customers(api, salesperson, three):
    assert ids(api, salesperson, q="周") == {three["mine"].pk}


def test_the_full_number_finds_anyone_masked(api, salesperson, three):
    api.force_authenticate(salesperson)
    rows = api.get(URL, {"q": THEIRS}).json()["results"]
    assert [r["id"] for r in rows] == [three["theirs"].pk]
    assert rows[0]["phone"] == "138****5678" and rows[0]["name"] == "周*"


@pytest.mark.parametrize("role", ["secretary", "manager"])
def test_the_desk_and_managers_search_every_customer(api, request, role, three):
    user = request.getfixturevalue(role)
    assert ids(api, user, q="1381234") == {c.pk for c in three.values()}
    assert ids(api, user, q="周") == {c.pk for c in three.values()}


@override_settings(SEARCH_RATE="5/min")
def test_a_burst_of_searches_is_refused(api, salesperson, secretary, three):
    from django.core.cache import cache

    cache.delete_many([f"throttle_search_{u.pk}" for u in (salesperson, secretary)])
    api.force_authenticate(salesperson)
    answers = [api.get(URL, {"q": f"138{n:04d}"}).status_code for n in range(7)]
    assert answers == [200] * 5 + [429] * 2
    assert api.get(URL, {"phone": THEIRS}).status_code == 200  # a look-up is not a search
    api.force_authenticate(secretary)  # the desk types as it searches: not counted
    assert {api.get(URL, {"q": "138"}).status_code for _ in range(7)} == {200}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    owners=st.lists(st.sampled_from(["me", "colleague", None]), min_size=1, max_size=6),
    queries=st.lists(
        st.one_of(
            st.text(alphabet="0123456789", min_size=1, max_size=11).map(lambda d: "13" + d),
            st.sampled_from(["周", "客户", "138", "00"]),
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_results_are_held_customers_or_the_exact_number(
    api, office, salesperson, other_salesperson, owners, queries
):
    """For random customers and random fragment sequences, a salesperson's results never
    include a customer they do not hold unless the query is that customer's full number."""
    from leads.models import Customer

    Customer.objects.filter(office=office).update(name="x")  # examples share the database
    made = {}
    for n, owner in enumerate(owners):
        phone = f"1381234{n:04d}"
        existing = Customer.objects.filter(office=office, phone=phone).first()
        who = {"me": salesperson, "colleague": other_salesperson, None: None}[owner]
        made[phone] = existing or customer(office, phone, f"周客户{n}", who)
    api.force_authenticate(salesperson)
    mine = set(
        Customer.objects.filter(
            household__claims__owner=salesperson, household__claims__status="active"
        ).values_list("pk", flat=True)
    )
    for query in queries:
        rows = api.get(URL, {"q": query}).json()["results"]
        for row in rows:
            full_number = row["id"] in {c.pk for p, c in made.items() if p == query}
            assert row["id"] in mine or full_number, (query, row)
