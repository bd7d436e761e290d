"""Disputes (撞单) in the API (API.md): R-5.6 a salesperson with a recorded link opens one, the
manager sees the evidence timeline and rules; a ruling may move the claim, is final and is
recorded as a claim event."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attribution.models import Claim, ClaimEvent, Dispute
from attribution.services import claim_start, collision_record
from leads.factories import CustomerFactory
from staff.factories import UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=SHANGHAI)
URL = "/api/v1/disputes/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def third(office):
    return UserFactory(username="sales3", roles=["salesperson"], offices=[office])


def customer_of(office, owner=None, *, days_ago=1, **kwargs):
    at = NOW - timedelta(days=days_ago)
    customer = CustomerFactory(office=office, registered_at=at, **kwargs)
    if owner is not None:
        claim_start(household=customer.household, owner=owner, now=at, actor=owner, detail={})
    return customer


def collided(office, owner, salesperson):
    """`owner` holds the customer; `salesperson` tried to register them (R-5.3): a relation."""
    customer = customer_of(office, owner)
    claim = Claim.objects.get(household=customer.household)
    collision_record(customer=customer, salesperson=salesperson, claim=claim, now=NOW)
    return customer


def open_dispute(api, customer, reason="客户上周在电话里就是我接待的，有通话记录"):
    return api.post(URL, {"customer": customer.pk, "reason": reason}, format="json")


def state():
    return (
        Dispute.objects.count(),
        ClaimEvent.objects.count(),
        sorted(Claim.objects.values_list("pk", "status", "owner")),
        sorted(Dispute.objects.values_list("pk", "status", "decision")),
    )


class TestOpen:
    def test_salesperson_with_a_recorded_relation_opens_r_5_6(
        self, api, salesperson, other_salesperson, office
    ):
        customer = collided(office, other_salesperson, salesperson)
        api.force_authenticate(salesperson)
        response = open_dispute(api, customer)
        assert response.status_code == 201, response.json()
        dispute = Dispute.objects.get()
        body = response.json()
        assert {k: body[k] for k in ("id", "customer", "status", "reason", "opened_at")} == {
            "id": dispute.pk,
            "customer": customer.pk,
            "status": "open",
            "reason": "客户上周在电话里就是我接待的，有通话记录",
            "opened_at": "2026-03-02T15:00:00+08:00",
        }
        assert (body["opened_by"], body["claimant"], body["automatic"]) == (
            salesperson.pk,
            salesperson.pk,
            False,
        )
        assert body["timeline"] is None  # the evidence is for the manager

    def test_a_visit_naming_them_is_a_relation(
        self, api, secretary, salesperson, other_salesperson, office
    ):
        """R-5.1/R-2.1: the customer named them at the desk, but the claim's owner received
        the visit — the visit record is their basis for a dispute."""
        from reception.services import visit_register

        customer = customer_of(office, other_salesperson, phone="13800138000")
        visit, _ = visit_register(
            office=office,
            actor=secretary,
            phone="13800138000",
            source_channel=customer.source_channel,
            named_salesperson=salesperson,
            now=NOW,
        )
        assert visit.assigned_to == other_salesperson
        api.force_authenticate(salesperson)
        assert open_dispute(api, customer).status_code == 201

    def test_no_relation_is_403_and_nothing_saved(
        self, api, salesperson, other_salesperson, office
    ):
        customer = customer_of(office, other_salesperson)
        api.force_authenticate(salesperson)
        before = state()
        response = open_dispute(api, customer)
        assert response.status_code == 403
        assert response.json()["code"] == "no_relation"
        assert state() == before

    def test_a_second_open_dispute_is_409(self, api, salesperson, other_salesperson, office):
        customer = collided(office, other_salesperson, salesperson)
        api.force_authenticate(salesperson)
        assert open_dispute(api, customer).status_code == 201
        before = state()
        response = open_dispute(api, customer, reason="再说一次")
        assert (response.status_code, response.json()["code"]) == (409, "duplicate")
        assert state() == before

    @pytest.mark.parametrize(
        "payload, field",
        [
            ({"reason": ""}, "reason"),
            ({"reason": "   "}, "reason"),
            ({"reason": "x" * 4001}, "reason"),
            ({"customer": 99999999}, "customer"),
            ({"customer": None}, "customer"),
        ],
    )
    def test_bad_input_is_400(self, api, salesperson, other_salesperson, office, payload, field):
        customer = collided(office, other_salesperson, salesperson)
        api.force_authenticate(salesperson)
        before = state()
        data = {"customer": customer.pk, "reason": "理由"} | payload
        response = api.post(URL, data, format="json")
        assert response.status_code == 400
        assert field in response.json()
        assert state() == before

    def test_another_offices_customer_is_400(self, api, salesperson, other_office):
        customer = customer_of(other_office)
        api.force_authenticate(salesperson)
        response = open_dispute(api, customer)
        assert response.status_code == 400
        assert "customer" in response.json()
        assert Dispute.objects.count() == 0

    @pytest.mark.parametrize("role", ["manager", "secretary", "director"])
    def test_only_a_salesperson_opens(self, request, api, salesperson, office, role):
        customer = customer_of(office, salesperson)
        api.force_authenticate(request.getfixturevalue(role))
        assert open_dispute(api, customer).status_code == 403
        assert Dispute.objects.count() == 0

    def test_anonymous_is_401(self, api, salesperson, office):
        assert open_dispute(api, customer_of(office, salesperson)).status_code == 401


@pytest.fixture
def dispute(api, office, salesperson, other_salesperson):
    """other_salesperson holds the customer; salesperson collided and disputes it."""
    customer = collided(office, other_salesperson, salesperson)
    api.force_authenticate(salesperson)
    assert open_dispute(api, customer).status_code == 201
    api.force_authenticate(None)
    return Dispute.objects.get()


def listed(api, **params):
    response = api.get(URL, params)
    assert response.status_code == 200, response.json()
    return [d["id"] for d in response.json()["results"]]


class TestList:
    def test_manager_sees_the_offices_disputes(self, api, manager, dispute):
        api.force_authenticate(manager)
        assert listed(api) == [dispute.pk]
        assert listed(api, status="open") == [dispute.pk]
        assert listed(api, status="ruled") == []

    def test_opener_and_the_claim_holder_see_it(self, api, salesperson, other_salesperson, dispute):
        for user in (salesperson, other_salesperson):
            api.force_authenticate(user)
            assert listed(api) == [dispute.pk], user

    def test_an_uninvolved_salesperson_sees_nothing(self, api, third, dispute):
        api.force_authenticate(third)
        assert listed(api) == []
        assert api.get(f"{URL}{dispute.pk}/").status_code == 404

    def test_manager_of_another_office_sees_nothing(self, api, other_manager, dispute):
        api.force_authenticate(other_manager)
        assert listed(api) == []
        assert api.get(f"{URL}{dispute.pk}/").status_code == 404

    def test_bad_status_is_400(self, api, manager, dispute):
        api.force_authenticate(manager)
        assert api.get(URL, {"status": "closed"}).status_code == 400

    @pytest.mark.parametrize("role", ["secretary", "finance"])
    def test_other_roles_are_403(self, request, api, dispute, role):
        api.force_authenticate(request.getfixturevalue(role))
        assert api.get(URL).status_code == 403

    def test_anonymous_is_401(self, api, dispute):
        assert api.get(URL).status_code == 401

    def test_query_count_is_flat(self, api, manager, office, salesperson, other_salesperson):
        def run():
            with CaptureQueriesContext(connection) as ctx:
                assert api.get(URL).status_code == 200
            return len(ctx)

        def disputes(n):
            for _ in range(n):
                customer = collided(office, other_salesperson, salesperson)
                Dispute.objects.create(
                    office=office,
                    customer=customer,
                    opened_by=salesperson,
                    claimant=salesperson,
                    reason="r",
                    opened_at=NOW,
                )

        disputes(2)
        api.force_authenticate(manager)
        api.get(URL)  # the requester's roles and offices are read once
        few = run()
        disputes(10)
        assert run() == few


class TestDetailEvidence:
    def test_manager_gets_the_evidence_timeline(self, api, manager, salesperson, dispute):
        api.force_authenticate(manager)
        body = api.get(f"{URL}{dispute.pk}/").json()
        kinds = [e["kind"] for e in body["timeline"]]
        assert kinds == ["registration", "claim_started", "collision", "dispute_opened"]
        collision = body["timeline"][2]
        assert collision["actor"] == str(salesperson)
        # the same entries as the customer's timeline
        customer_timeline = api.get(f"/api/v1/customers/{dispute.customer_id}/timeline/").json()
        assert body["timeline"] == customer_timeline

    def test_salesperson_gets_the_dispute_without_the_evidence(self, api, salesperson, dispute):
        api.force_authenticate(salesperson)
        body = api.get(f"{URL}{dispute.pk}/").json()
        assert body["id"] == dispute.pk
        assert body["timeline"] is None


def rule(api, dispute, **data):
    return api.post(f"{URL}{dispute.pk}/rule/", data, format="json")


class TestRuleR56:
    def test_move_transfers_the_claim_and_records_a_claim_event(
        self, api, manager, salesperson, other_salesperson, dispute, frozen
    ):
        frozen.move_to(NOW + timedelta(hours=2))
        api.force_authenticate(manager)
        response = rule(
            api, dispute, decision="move", reason="通话记录在先", new_owner=salesperson.pk
        )
        assert response.status_code == 200, response.json()
        body = response.json()
        assert (body["status"], body["decision"], body["ruling_reason"]) == (
            "ruled",
            "move",
            "通话记录在先",
        )
        assert (body["new_owner"], body["ruled_by"], body["ruled_at"]) == (
            salesperson.pk,
            manager.pk,
            "2026-03-02T17:00:00+08:00",
        )
        claim = Claim.objects.get()
        assert (claim.owner, claim.status) == (salesperson, "active")
        event = ClaimEvent.objects.get(kind="ruled")
        assert (event.actor, event.owner) == (manager, salesperson)
        assert event.detail["dispute"] == dispute.pk
        assert event.detail["previous_owner"] == other_salesperson.pk
        kinds = [e["kind"] for e in body["timeline"]]
        assert kinds[-2:] == ["claim_ruled", "dispute_ruled"]
        # the claim list shows the new owner
        api.force_authenticate(salesperson)
        assert [c["owner"] for c in api.get("/api/v1/claims/").json()["results"]] == [
            salesperson.pk
        ]

    def test_keep_leaves_the_claim(self, api, manager, other_salesperson, dispute):
        api.force_authenticate(manager)
        response = rule(api, dispute, decision="keep", reason="登记在先")
        assert response.status_code == 200, response.json()
        assert (response.json()["decision"], response.json()["new_owner"]) == ("keep", None)
        assert Claim.objects.get().owner == other_salesperson
        assert ClaimEvent.objects.filter(kind="ruled").count() == 0

    def test_move_when_the_claim_has_lapsed_starts_a_fresh_one(
        self, api, manager, salesperson, other_salesperson, office, frozen
    ):
        """R-3.3: ruled after the holder's protection ended (job not run): the new owner gets
        a claim protected from now, not the stale one."""
        customer = collided(office, other_salesperson, salesperson)
        api.force_authenticate(salesperson)
        assert open_dispute(api, customer).status_code == 201
        frozen.move_to(NOW + timedelta(days=10))
        api.force_authenticate(manager)
        response = rule(
            api,
            Dispute.objects.get(),
            decision="move",
            reason="原归属已过期",
            new_owner=salesperson.pk,
        )
        assert response.status_code == 200, response.json()
        claim = api.get("/api/v1/claims/", {"owner": salesperson.pk}).json()["results"]
        assert [(c["status"], c["protected_until"]) for c in claim] == [
            ("active", "2026-03-20T00:00:00+08:00")  # 03-12 + 8 days
        ]

    def test_ruling_twice_is_409(self, api, manager, salesperson, dispute):
        api.force_authenticate(manager)
        assert rule(api, dispute, decision="keep", reason="登记在先").status_code == 200
        before = state()
        response = rule(api, dispute, decision="move", reason="改判", new_owner=salesperson.pk)
        assert (response.status_code, response.json()["code"]) == (409, "already_ruled")
        assert state() == before

    @pytest.mark.parametrize(
        "payload, field",
        [
            ({"decision": "keep", "reason": ""}, "reason"),
            ({"decision": "keep"}, "reason"),
            ({"decision": "split", "reason": "r"}, "decision"),
            ({"decision": "move", "reason": "r"}, "new_owner"),
            ({"decision": "move", "reason": "r", "new_owner": None}, "new_owner"),
            ({"decision": "move", "reason": "r", "new_owner": 99999999}, "new_owner"),
        ],
    )
    def test_bad_ruling_is_400_and_changes_nothing(self, api, manager, dispute, payload, field):
        api.force_authenticate(manager)
        before = state()
        response = rule(api, dispute, **payload)
        assert response.status_code == 400, response.json()
        assert field in response.json()
        assert state() == before

    @pytest.mark.parametrize("who", ["secretary", "manager", "riverside"])
    def test_new_owner_must_be_a_salesperson_of_the_office(
        self, request, api, manager, other_office, dispute, who
    ):
        if who == "riverside":
            new_owner = UserFactory(
                username="sp-river", roles=["salesperson"], offices=[other_office]
            )
        else:
            new_owner = request.getfixturevalue(who)
        api.force_authenticate(manager)
        before = state()
        response = rule(api, dispute, decision="move", reason="r", new_owner=new_owner.pk)
        assert response.status_code == 400
        assert "new_owner" in response.json()
        assert state() == before

    @pytest.mark.parametrize("role", ["salesperson", "other_salesperson", "secretary"])
    def test_only_a_manager_rules(self, request, api, salesperson, dispute, role):
        api.force_authenticate(request.getfixturevalue(role))
        before = state()
        response = rule(api, dispute, decision="move", reason="r", new_owner=salesperson.pk)
        assert response.status_code == 403
        assert state() == before

    def test_director_rules(self, api, director, dispute):
        api.force_authenticate(director)
        assert rule(api, dispute, decision="keep", reason="r").status_code == 200

    def test_manager_of_another_office_gets_404(self, api, other_manager, dispute):
        api.force_authenticate(other_manager)
        assert rule(api, dispute, decision="keep", reason="r").status_code == 404
        assert Dispute.objects.get().status == "open"

    def test_anonymous_is_401(self, api, dispute):
        assert rule(api, dispute, decision="keep", reason="r").status_code == 401
