"""The customer endpoints of API.md: look-up with visibility, own registration (R-1.3) and
collisions (R-5.3)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attribution.models import Claim, Collision
from attribution.services import claim_start
from leads.factories import CustomerFactory
from leads.models import Customer

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=SHANGHAI)
URL = "/api/v1/customers/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def customer_of(office, owner=None, **kwargs):
    """A customer of `office`, claimed by `owner` when given (claim started now)."""
    customer = CustomerFactory(office=office, **kwargs)
    if owner is not None:
        claim_start(household=customer.household, owner=owner, now=NOW, actor=owner, detail={})
    return customer


def register(api, office, phone="138 0013 8000", name="张伟", channel="online"):
    return api.post(
        URL,
        {"office": office.pk, "phone": phone, "name": name, "source_channel": channel},
        format="json",
    )


class TestLookup:
    def test_phone_is_normalized_exact_match_r_1_1(self, api, secretary, office):
        wanted = customer_of(office, phone="13800138000", name="李娜")
        customer_of(office, phone="13800138001")
        api.force_authenticate(secretary)
        body = api.get(URL, {"phone": "+86 138-0013-8000"}).json()
        assert body["count"] == 1
        row = body["results"][0]
        assert row == {
            "id": wanted.pk,
            "office": office.pk,
            "name": "李娜",
            "phone": "13800138000",
            "source_channel": "passing",
            "household": wanted.household_id,
            "registered_at": row["registered_at"],
            "claim": None,
        }

    def test_q_searches_name_and_part_of_phone_r_2_1(self, api, secretary, office):
        customer_of(office, phone="13912340000", name="王芳")
        customer_of(office, phone="13700005678", name="赵敏")
        api.force_authenticate(secretary)
        by_name = api.get(URL, {"q": "王"}).json()["results"]
        assert [r["name"] for r in by_name] == ["王芳"]
        by_fragment = api.get(URL, {"q": "5678"}).json()["results"]
        assert [r["name"] for r in by_fragment] == ["赵敏"]

    def test_without_filters_lists_only_own_offices(self, api, secretary, office, other_office):
        customer_of(office, name="本店")
        customer_of(other_office, name="别店")
        api.force_authenticate(secretary)
        body = api.get(URL).json()
        assert set(body) >= {"count", "next", "previous", "results"}
        assert [r["name"] for r in body["results"]] == ["本店"]

    def test_malformed_phone_filter_is_400(self, api, secretary, office):
        api.force_authenticate(secretary)
        response = api.get(URL, {"phone": "abc"})
        assert response.status_code == 400
        assert "phone" in response.json()

    def test_anonymous_is_401(self, api, office):
        assert api.get(URL).status_code == 401


class TestVisibility:
    """API.md: of another salesperson's customer, only that it is claimed, by whom, until when."""

    def test_salesperson_sees_others_customer_masked(
        self, api, salesperson, other_salesperson, office
    ):
        customer = customer_of(office, owner=other_salesperson, phone="13812345678", name="张伟")
        api.force_authenticate(salesperson)
        response = api.get(URL, {"phone": "13812345678"})
        row = response.json()["results"][0]
        assert row["phone"] == "138****5678"
        assert row["name"] == "张*"
        assert "张伟" not in response.content.decode()
        assert row["source_channel"] is None and row["household"] is None
        assert row["claim"] == {
            "owner": other_salesperson.pk,
            "owner_name": str(other_salesperson),
            "status": "active",
            "protected_until": "2026-12-06T00:00:00+08:00",  # day D+7 ends
        }
        detail = api.get(f"{URL}{customer.pk}/").json()
        assert detail["phone"] == "138****5678"
        assert detail["name"] == "张*"
        assert detail["claim"]["owner"] == other_salesperson.pk

    def test_owner_sees_own_customer_in_full(self, api, salesperson, office):
        customer = customer_of(office, owner=salesperson, phone="13812345678", name="张伟")
        api.force_authenticate(salesperson)
        body = api.get(f"{URL}{customer.pk}/").json()
        assert body["phone"] == "13812345678"
        assert body["name"] == "张伟"
        assert body["household"] == customer.household_id
        assert body["claim"]["owner"] == salesperson.pk

    def test_claim_past_its_end_is_shown_released_r_3_3(self, api, secretary, salesperson, office):
        """Evaluated on read: no job has run, yet the claim reads as released (API.md status)."""
        customer = customer_of(office, owner=salesperson)
        api.force_authenticate(secretary)
        with time_machine.travel(datetime(2026, 12, 6, 0, 0, tzinfo=SHANGHAI), tick=False):
            body = api.get(f"{URL}{customer.pk}/").json()
        assert body["claim"]["status"] == "released"
        assert body["claim"]["owner"] == salesperson.pk
        assert body["claim"]["protected_until"] == "2026-12-06T00:00:00+08:00"

    def test_manager_sees_everyone_in_full(self, api, manager, salesperson, office):
        customer = customer_of(office, owner=salesperson, phone="13812345678")
        api.force_authenticate(manager)
        assert api.get(f"{URL}{customer.pk}/").json()["phone"] == "13812345678"

    def test_other_office_customer_is_404(self, api, salesperson, other_office):
        customer = customer_of(other_office)
        api.force_authenticate(salesperson)
        assert api.get(f"{URL}{customer.pk}/").status_code == 404

    def test_list_query_count_does_not_grow_with_rows(
        self, api, salesperson, other_salesperson, office
    ):
        def count_queries():
            with CaptureQueriesContext(connection) as ctx:
                response = api.get(URL)
            assert response.status_code == 200
            return len(ctx), response.json()["count"]

        for _ in range(2):
            customer_of(office, owner=other_salesperson)
        api.force_authenticate(salesperson)
        api.get(URL)  # the requester's roles and offices are read once
        few, count_few = count_queries()
        for n in range(10):
            customer_of(office, owner=salesperson if n % 2 else other_salesperson)
        many, count_many = count_queries()
        assert (count_few, count_many) == (2, 12)
        assert many == few


class TestRegisterOwn:
    """R-1.3 a salesperson registers at once; R-5.3 refused under someone else's claim."""

    def test_salesperson_registers_and_claim_starts_r_1_3(self, api, salesperson, office):
        api.force_authenticate(salesperson)
        response = register(api, office)
        assert response.status_code == 201, response.json()
        body = response.json()
        customer = Customer.objects.get(office=office, phone="13800138000")
        assert body == {
            "id": customer.pk,
            "office": office.pk,
            "name": "张伟",
            "phone": "13800138000",
            "source_channel": "online",
            "household": customer.household_id,
            "registered_at": "2026-11-28T10:00:00+08:00",
            "claim": {
                "owner": salesperson.pk,
                "owner_name": str(salesperson),
                "status": "active",
                "protected_until": "2026-12-06T00:00:00+08:00",
            },
        }
        assert customer.registered_by == salesperson
        claim = Claim.objects.get(household=customer.household)
        assert (claim.owner, claim.status) == (salesperson, "active")

    def test_claimed_by_someone_else_is_409_and_collision_kept_r_5_3(
        self, api, salesperson, other_salesperson, office
    ):
        customer = customer_of(office, owner=other_salesperson, phone="13800138000")
        api.force_authenticate(salesperson)
        response = register(api, office)
        assert response.status_code == 409
        body = response.json()
        assert body["code"] == "claimed"
        assert body["owner"] == other_salesperson.pk
        assert body["owner_name"] == str(other_salesperson)
        protected_until = datetime.fromisoformat(body["protected_until"])
        assert protected_until == datetime(2026, 12, 6, 0, 0, tzinfo=SHANGHAI)
        assert body["customer"] == customer.pk
        assert body["detail"]
        collision = Collision.objects.get()
        assert (collision.salesperson, collision.customer) == (salesperson, customer)
        assert Claim.objects.get(household=customer.household).owner == other_salesperson

    def test_claimed_message_names_the_office_local_end_r_5_3(
        self, api, salesperson, other_salesperson, office
    ):
        """R-5.3 "told whose claim it is and until when": local day D+7 ends at 00:00 of
        2026-12-06 in Shanghai, which is 2026-12-05 16:00 UTC; the desk must read local time."""
        customer_of(office, owner=other_salesperson, phone="13800138000")
        api.force_authenticate(salesperson)
        response = api.post(
            URL,
            {"office": office.pk, "phone": "13800138000", "source_channel": "online"},
            format="json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert "2026-12-06 00:00" in response.json()["detail"]

    def test_already_yours_is_409(self, api, salesperson, office):
        customer_of(office, owner=salesperson, phone="13800138000")
        api.force_authenticate(salesperson)
        response = register(api, office)
        assert response.status_code == 409
        assert response.json()["code"] == "already_yours"
        assert Collision.objects.count() == 0

    def test_unowned_existing_customer_is_claimed(self, api, salesperson, office):
        customer = customer_of(office, phone="13800138000", name="")
        api.force_authenticate(salesperson)
        response = register(api, office)
        assert response.status_code == 201
        assert response.json()["id"] == customer.pk
        customer.refresh_from_db()
        assert customer.name == "张伟"  # a blank name is filled, never overwritten
        assert Claim.objects.get(household=customer.household).owner == salesperson

    @pytest.mark.parametrize(
        "payload, field",
        [
            ({"phone": "138-abc"}, "phone"),
            ({"phone": ""}, "phone"),
            ({"phone": "1381234567"}, "phone"),  # a mainland mobile has 11 digits
            ({"source_channel": "tv"}, "source_channel"),
            ({"office": 999999}, "office"),
            ({"name": "名" * 61}, "name"),
        ],
    )
    def test_bad_input_is_400_and_nothing_saved(self, api, salesperson, office, payload, field):
        api.force_authenticate(salesperson)
        data = {"office": office.pk, "phone": "13800138000", "name": "张伟"}
        data["source_channel"] = "online"
        data.update(payload)
        response = api.post(URL, data, format="json")
        assert response.status_code == 400
        assert field in response.json()
        assert Customer.objects.count() == 0
        assert Claim.objects.count() == 0

    def test_malformed_json_is_400(self, api, salesperson, office):
        api.force_authenticate(salesperson)
        response = api.post(URL, "{not json", content_type="application/json")
        assert response.status_code == 400
        assert "detail" in response.json()

    def test_secretary_cannot_register_own_customers(self, api, secretary, office):
        api.force_authenticate(secretary)
        assert register(api, office).status_code == 403
        assert Customer.objects.count() == 0

    def test_other_office_is_400_unknown_office(self, api, salesperson, other_office):
        """An office the salesperson does not belong to is "unknown": not revealed (400)."""
        api.force_authenticate(salesperson)
        response = register(api, other_office)
        assert response.status_code == 400
        assert "office" in response.json()
        assert Customer.objects.count() == 0

    def test_anonymous_is_401(self, api, office):
        assert register(api, office).status_code == 401
