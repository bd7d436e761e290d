"""The hotline (R-2.7) and referral pre-registration (R-4.3) endpoints."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from attribution.models import Claim
from attribution.services import claim_start
from leads.factories import CustomerFactory
from leads.models import Customer
from notifications.models import Notification
from reception.models import Call, Referral

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
CALLS = "/api/v1/calls/"
REFERRALS = "/api/v1/referrals/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def claimed(office, owner, **kwargs):
    customer = CustomerFactory(office=office, **kwargs)
    claim_start(household=customer.household, owner=owner, now=NOW, actor=owner, detail={})
    return customer


def call(api, office, **fields):
    data = {"office": office.pk, "kind": "customer", "content": "问价格", **fields}
    return api.post(CALLS, data, format="json")


class TestCallsR27:
    def test_claimed_caller_is_put_through_to_the_owner(self, desk, secretary, office, salesperson):
        customer = claimed(office, salesperson, phone="13800138000")
        response = call(desk, office, phone="138 0013 8000")
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body == {
            "id": body["id"],
            "office": office.pk,
            "kind": "customer",
            "at": "2026-11-28T10:00:00+08:00",
            "customer": customer.pk,
            "is_new_customer": False,
            "caller": "",
            "content": "问价格",
            "put_through_to": salesperson.pk,
            "put_through_to_name": str(salesperson),
        }
        saved = Call.objects.get()
        assert (saved.put_through_to, saved.answered_by) == (salesperson, secretary)
        note = Notification.objects.get(recipient=salesperson)
        assert note.kind == "call_put_through"

    def test_new_caller_becomes_an_unowned_customer(self, desk, secretary, office):
        response = call(desk, office, phone="13900001111", name="周女士")
        body = response.json()
        assert response.status_code == 201
        assert body["is_new_customer"] is True
        assert body["put_through_to"] is None and body["put_through_to_name"] is None
        customer = Customer.objects.get(pk=body["customer"])
        assert (customer.phone, customer.name) == ("13900001111", "周女士")
        assert customer.source_channel.code == "phone"
        assert customer.registered_by == secretary
        assert not Claim.objects.exists()  # no claim, no rotation turn
        assert not Notification.objects.exists()

    def test_source_channel_of_a_new_caller_is_kept(self, desk, office):
        body = call(desk, office, phone="13900001111", source_channel="newspaper").json()
        assert Customer.objects.get(pk=body["customer"]).source_channel.code == "newspaper"

    def test_non_customer_call_is_logged(self, desk, office):
        response = call(desk, office, kind="non_customer", caller="物业公司", content="停水通知")
        body = response.json()
        assert response.status_code == 201
        assert (body["kind"], body["customer"], body["caller"]) == (
            "non_customer",
            None,
            "物业公司",
        )
        assert Call.objects.get().content == "停水通知"
        assert not Customer.objects.exists()

    @pytest.mark.parametrize(
        "fields, field",
        [
            ({"kind": "non_customer", "caller": ""}, "caller"),
            ({"kind": "non_customer", "caller": "快递", "content": ""}, "content"),
            ({"kind": "non_customer", "caller": "快递", "content": "   "}, "content"),
            ({"phone": ""}, "phone"),
            ({"phone": "12-ab"}, "phone"),
            ({"kind": "fax"}, "kind"),
            ({"source_channel": "tv", "phone": "13900001111"}, "source_channel"),
            ({"caller": "x" * 101, "kind": "non_customer"}, "caller"),
        ],
    )
    def test_bad_input_is_400_and_nothing_saved(self, desk, office, fields, field):
        response = call(desk, office, **fields)
        assert response.status_code == 400, response.json()
        assert field in response.json()
        assert Call.objects.count() == 0 and Customer.objects.count() == 0

    def test_only_the_desk_logs_calls(self, api, salesperson, office):
        api.force_authenticate(salesperson)
        assert call(api, office, phone="13900001111").status_code == 403
        assert Call.objects.count() == 0

    def test_other_office_is_400_unknown(self, desk, other_office):
        response = call(desk, other_office, phone="13900001111")
        assert response.status_code == 400
        assert "office" in response.json()

    def test_anonymous_is_401(self, api, office):
        assert call(api, office, phone="13900001111").status_code == 401


class TestReferralsR43:
    def test_desk_pre_registers_a_referral(self, desk, secretary, office, salesperson):
        referrer = claimed(office, salesperson)
        response = desk.post(
            REFERRALS,
            {"office": office.pk, "referrer": referrer.pk, "phone": "139 0000 1111", "name": "新"},
            format="json",
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        referral = Referral.objects.get()
        assert body == {
            "id": referral.pk,
            "office": office.pk,
            "referrer": referrer.pk,
            "phone": "13900001111",
            "name": "新",
            "registered_at": "2026-11-28T10:00:00+08:00",
        }
        assert referral.registered_by == secretary

    @pytest.mark.parametrize(
        "fields, field",
        [
            ({"phone": "abc"}, "phone"),
            ({"phone": "self"}, "phone"),
            ({"referrer": "elsewhere"}, "referrer"),
            ({"referrer": 999999}, "referrer"),
            ({"office": "elsewhere"}, "office"),
        ],
    )
    def test_bad_input_is_400(self, desk, office, other_office, fields, field):
        referrer = CustomerFactory(office=office, phone="13800138000")
        elsewhere = CustomerFactory(office=other_office)
        data = {"office": office.pk, "referrer": referrer.pk, "phone": "13900001111"}
        data.update(fields)
        data["phone"] = "13800138000" if data["phone"] == "self" else data["phone"]
        data["referrer"] = elsewhere.pk if data["referrer"] == "elsewhere" else data["referrer"]
        data["office"] = other_office.pk if data["office"] == "elsewhere" else data["office"]
        response = desk.post(REFERRALS, data, format="json")
        assert response.status_code == 400
        assert field in response.json()
        assert Referral.objects.count() == 0

    def test_only_the_desk_registers_referrals(self, api, salesperson, office):
        referrer = claimed(office, salesperson)
        api.force_authenticate(salesperson)
        response = api.post(
            REFERRALS,
            {"office": office.pk, "referrer": referrer.pk, "phone": "13900001111"},
            format="json",
        )
        assert response.status_code == 403
