"""GET /claims/ (API.md) and the customer's `claim` field: status evaluated on read (R-3.3),
scoping by role and office, the shared FilterSet, a flat query count."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attribution.models import Claim
from attribution.services import claim_start, claims_expire_stale
from leads.factories import CustomerFactory
from staff.factories import UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=SHANGHAI)
URL = "/api/v1/claims/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def claimed(office, owner, *, days_ago=0, **kwargs):
    """A customer of `office` registered and claimed by `owner` `days_ago` days before NOW."""
    at = NOW - timedelta(days=days_ago)
    customer = CustomerFactory(office=office, registered_at=at, **kwargs)
    claim = claim_start(household=customer.household, owner=owner, now=at, actor=owner, detail={})
    return customer, claim


def ids(response):
    assert response.status_code == 200, response.json()
    return sorted(row["id"] for row in response.json()["results"])


class TestListR33:
    def test_owner_sees_own_claim_in_full(self, api, salesperson, office):
        customer, claim = claimed(office, salesperson, days_ago=2, name="张伟")
        api.force_authenticate(salesperson)
        body = api.get(URL).json()
        assert set(body) == {"count", "next", "previous", "results"}
        assert body["results"] == [
            {
                "id": claim.pk,
                "office": office.pk,
                "household": customer.household_id,
                "customer": customer.pk,
                "customer_name": "张伟",
                "owner": salesperson.pk,
                "owner_name": str(salesperson),
                "status": "active",
                "started_at": "2026-02-28T15:00:00+08:00",
                "last_contact_at": "2026-02-28T15:00:00+08:00",
                "protected_until": "2026-03-08T00:00:00+08:00",  # end of D+7
                "protected_through": "2026-03-07",  # the last protected day, inclusive
                "ended_at": None,
            }
        ]

    def test_r_3_3_stale_active_claim_is_reported_released_before_the_job(
        self, api, salesperson, office
    ):
        """Protected until 2026-03-02 00:00; the job has not run: the table says `active`,
        the API says `released`, and filters by the same evaluated status."""
        _, stale = claimed(office, salesperson, days_ago=8)
        _, fresh = claimed(office, salesperson, days_ago=1)
        assert Claim.objects.get(pk=stale.pk).status == "active"
        api.force_authenticate(salesperson)
        rows = {r["id"]: r["status"] for r in api.get(URL).json()["results"]}
        assert rows == {stale.pk: "released", fresh.pk: "active"}
        assert ids(api.get(URL, {"status": "active"})) == [fresh.pk]
        assert ids(api.get(URL, {"status": "released"})) == [stale.pk]

    def test_after_the_job_the_same_answer(self, api, salesperson, office):
        _, stale = claimed(office, salesperson, days_ago=8)
        claims_expire_stale(now=NOW)
        api.force_authenticate(salesperson)
        assert ids(api.get(URL, {"status": "released"})) == [stale.pk]
        row = api.get(URL).json()["results"][0]
        assert (row["status"], row["ended_at"]) == ("released", "2026-03-02T00:00:00+08:00")

    def test_filters_owner_status_office_ending_within_days(
        self, api, manager, salesperson, other_salesperson, office
    ):
        _, mine = claimed(office, salesperson, days_ago=6)  # ends 03-04 00:00
        _, theirs = claimed(office, other_salesperson, days_ago=1)  # ends 03-09 00:00
        _, deal = claimed(office, other_salesperson, days_ago=30)
        Claim.objects.filter(pk=deal.pk).update(status="deal")
        api.force_authenticate(manager)
        assert ids(api.get(URL)) == sorted([mine.pk, theirs.pk, deal.pk])
        assert ids(api.get(URL, {"owner": salesperson.pk})) == [mine.pk]
        assert ids(api.get(URL, {"status": "deal"})) == [deal.pk]
        assert ids(api.get(URL, {"office": office.pk})) == sorted([mine.pk, theirs.pk, deal.pk])
        # protection ending within 2 days (a deal never ends)
        assert ids(api.get(URL, {"ending_within_days": 2})) == [mine.pk]
        assert ids(api.get(URL, {"ending_within_days": 7})) == sorted([mine.pk, theirs.pk])
        both = {"owner": other_salesperson.pk, "status": "active"}
        assert ids(api.get(URL, both)) == [theirs.pk]

    def test_ordered_by_protection_end_soonest_first(self, api, salesperson, office):
        _, later = claimed(office, salesperson, days_ago=0)
        _, sooner = claimed(office, salesperson, days_ago=5)
        api.force_authenticate(salesperson)
        assert [r["id"] for r in api.get(URL).json()["results"]] == [sooner.pk, later.pk]

    @pytest.mark.parametrize(
        "params, field",
        [
            ({"status": "lost"}, "status"),
            ({"ending_within_days": "-1"}, "ending_within_days"),
            ({"ending_within_days": "soon"}, "ending_within_days"),
            ({"ending_within_days": "100000"}, "ending_within_days"),
            ({"owner": "me"}, "owner"),
            ({"office": "999999"}, "office"),
        ],
    )
    def test_bad_filters_are_400(self, api, manager, office, params, field):
        api.force_authenticate(manager)
        response = api.get(URL, params)
        assert response.status_code == 400
        assert field in response.json()


class TestScoping:
    @pytest.fixture
    def claims(self, office, other_office, salesperson, other_salesperson):
        riverside = UserFactory(username="sp-river", roles=["salesperson"], offices=[other_office])
        return {
            "mine": claimed(office, salesperson)[1],
            "colleague": claimed(office, other_salesperson)[1],
            "riverside": claimed(other_office, riverside)[1],
        }

    def test_salesperson_sees_only_own(self, api, salesperson, claims):
        api.force_authenticate(salesperson)
        assert ids(api.get(URL)) == [claims["mine"].pk]
        # asking for a colleague's claims shows nothing of them
        assert ids(api.get(URL, {"owner": claims["colleague"].owner_id})) == []

    def test_manager_sees_the_office(self, api, manager, claims):
        api.force_authenticate(manager)
        assert ids(api.get(URL)) == sorted([claims["mine"].pk, claims["colleague"].pk])

    def test_manager_of_b_sees_nothing_of_a(self, api, other_manager, office, claims):
        api.force_authenticate(other_manager)
        assert ids(api.get(URL)) == [claims["riverside"].pk]
        response = api.get(URL, {"office": office.pk})
        assert response.status_code == 400  # an office they cannot see is unknown
        assert "office" in response.json()

    def test_director_sees_every_office(self, api, director, other_office, claims):
        api.force_authenticate(director)
        assert ids(api.get(URL)) == sorted(c.pk for c in claims.values())
        assert ids(api.get(URL, {"office": other_office.pk})) == [claims["riverside"].pk]

    @pytest.mark.parametrize("role", ["secretary", "finance", "assistant", "clerk"])
    def test_other_roles_are_403(self, request, api, claims, role):
        api.force_authenticate(request.getfixturevalue(role))
        assert api.get(URL).status_code == 403

    def test_anonymous_is_401(self, api, claims):
        assert api.get(URL).status_code == 401


class TestQueryCount:
    def test_list_query_count_is_flat_3_vs_30(
        self, api, manager, salesperson, other_salesperson, office, django_assert_max_num_queries
    ):
        def run():
            with CaptureQueriesContext(connection) as ctx:
                response = api.get(URL, {"status": "active"})
            assert response.status_code == 200
            return len(ctx), response.json()["count"]

        for n in range(3):
            claimed(office, salesperson if n % 2 else other_salesperson, days_ago=n % 7)
        api.force_authenticate(manager)
        few, count_few = run()
        for n in range(27):
            claimed(office, salesperson if n % 2 else other_salesperson, days_ago=n % 7)
        with django_assert_max_num_queries(few):
            response = api.get(URL, {"status": "active"})
        assert (count_few, response.json()["count"]) == (3, 30)
        assert len(response.json()["results"]) == 30


def customer_url(customer):
    return f"/api/v1/customers/{customer.pk}/"


class TestCustomerClaimField:
    """API.md: a customer's `claim` is null or `{owner, status, protected_until}`, status ∈
    active, released, deal: the household's active or deal claim, else its last released."""

    def test_active(self, api, secretary, salesperson, office):
        customer, _ = claimed(office, salesperson)
        api.force_authenticate(secretary)
        assert api.get(customer_url(customer)).json()["claim"] == {
            "owner": salesperson.pk,
            "owner_name": str(salesperson),
            "status": "active",
            "protected_until": "2026-03-10T00:00:00+08:00",
        }

    def test_deal(self, api, secretary, salesperson, office):
        customer, claim = claimed(office, salesperson, days_ago=40)
        Claim.objects.filter(pk=claim.pk).update(status="deal")
        api.force_authenticate(secretary)
        claim_field = api.get(customer_url(customer)).json()["claim"]
        assert (claim_field["owner"], claim_field["status"]) == (salesperson.pk, "deal")

    def test_r_3_3_stale_claim_shows_released_before_the_job(
        self, api, secretary, salesperson, office
    ):
        customer, _ = claimed(office, salesperson, days_ago=8)
        api.force_authenticate(secretary)
        assert api.get(customer_url(customer)).json()["claim"] == {
            "owner": salesperson.pk,
            "owner_name": str(salesperson),
            "status": "released",
            "protected_until": "2026-03-02T00:00:00+08:00",
        }

    def test_released_then_claimed_again_shows_the_new_claim(
        self, api, secretary, salesperson, other_salesperson, office
    ):
        customer, _ = claimed(office, salesperson, days_ago=20)
        claim_start(
            household=customer.household,
            owner=other_salesperson,
            now=NOW,
            actor=other_salesperson,
            detail={},
        )
        api.force_authenticate(secretary)
        claim_field = api.get(customer_url(customer)).json()["claim"]
        assert (claim_field["owner"], claim_field["status"]) == (other_salesperson.pk, "active")

    def test_released_claim_in_the_list_and_no_claim_at_all(
        self, api, secretary, salesperson, office
    ):
        released, _ = claimed(office, salesperson, days_ago=10, phone="13900000001")
        claims_expire_stale(now=NOW)
        CustomerFactory(office=office, phone="13900000002")
        api.force_authenticate(secretary)
        rows = {r["phone"]: r["claim"] for r in api.get("/api/v1/customers/").json()["results"]}
        assert rows["13900000001"]["status"] == "released"
        assert rows["13900000002"] is None

    def test_former_owner_no_longer_sees_a_released_customer_in_full(
        self, api, salesperson, office
    ):
        """Visibility (API.md): a released customer is no longer the salesperson's own."""
        customer, _ = claimed(office, salesperson, days_ago=9, phone="13812345678")
        api.force_authenticate(salesperson)
        body = api.get(customer_url(customer)).json()
        assert body["phone"] == "138****5678"
        assert body["claim"]["status"] == "released"
