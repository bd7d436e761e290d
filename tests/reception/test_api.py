"""The visit endpoints of API.md: R-2.1 assignment through the API, with its explanation
(R-2.4), large parties (R-2.5), overrides, market research (R-2.6) and double submissions."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attribution.models import Claim, ClaimEvent
from attribution.services import claim_start
from leads.factories import CustomerFactory, channel
from leads.models import Customer
from notifications.models import Notification
from reception.factories import roster_for
from reception.models import DutyState, Roster, Visit, VisitEvent
from reception.services import visit_register
from staff.factories import UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=SHANGHAI)
TODAY = date(2026, 11, 28)
VISITS = "/api/v1/visits/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def third(office):
    return UserFactory(username="sales3", roles=["salesperson"], offices=[office])


@pytest.fixture
def rota(office, manager, salesperson, other_salesperson):
    """Today's roster: salesperson, then other_salesperson, both available."""
    return roster_for(office, TODAY, [salesperson, other_salesperson], manager=manager)


def post_visit(api, office, phone, /, *, key=None, **fields):
    data = {"office": office.pk, "phone": phone, "name": "王先生", "source_channel": "passing"}
    data.update(fields)
    headers = {**EN, **({"HTTP_IDEMPOTENCY_KEY": key} if key else {})}
    return api.post(VISITS, data, format="json", **headers)


def claimed(office, owner, **kwargs):
    customer = CustomerFactory(office=office, **kwargs)
    claim_start(household=customer.household, owner=owner, now=NOW, actor=owner, detail={})
    return customer


def counts():
    return (
        Visit.objects.count(),
        Customer.objects.count(),
        Claim.objects.count(),
        Notification.objects.count(),
    )


class TestAssignmentR21:
    def test_rotation_new_customer_full_body(self, desk, office, salesperson, rota):
        """R-2.1 case 4 / R-2.3: a new customer goes to the person at the pointer."""
        response = post_visit(desk, office, "138 0013 8000", name="陈先生", party_size=2)
        assert response.status_code == 201, response.json()
        body = response.json()
        visit = Visit.objects.get()
        claim = Claim.objects.get(household=visit.customer.household)
        assert body == {
            "id": visit.pk,
            "office": office.pk,
            "at": "2026-11-28T10:00:00+08:00",
            "customer": visit.customer_id,
            "customer_name": "陈先生",
            "is_new_customer": True,
            "party_size": 2,
            "one_household": True,
            "source_channel": "passing",
            "named_salesperson": None,
            "referrer": None,
            "assigned_to": salesperson.pk,
            "assigned_to_name": str(salesperson),
            "received_on_behalf_by": None,
            "rule": "rotation",
            "explanation": body["explanation"],
            "skipped": [],
            "owed_turn_used": False,
            "unassigned_reason": "",
            "claim": {"owner": salesperson.pk, "protected_until": "2026-12-06T00:00:00+08:00"},
            "research_status": "",
        }
        assert str(salesperson) in body["explanation"]
        assert "next in the rotation" in body["explanation"]
        assert visit.customer.phone == "13800138000"
        assert (claim.owner, claim.status) == (salesperson, "active")
        assert Roster.objects.get(office=office, date=TODAY).pointer == 2
        note = Notification.objects.get(recipient=salesperson)
        assert note.kind == "visit_assigned"

    def test_owner_receives_and_the_named_other_is_recorded(
        self, api, desk, secretary, office, salesperson, other_salesperson, rota
    ):
        """R-2.1 case 1: an active claim wins; the customer named someone else (R-5.6)."""
        api.force_authenticate(salesperson)
        own = api.post(
            "/api/v1/customers/",
            {"office": office.pk, "phone": "13800138000", "source_channel": "online"},
            format="json",
        )
        assert own.status_code == 201
        api.force_authenticate(secretary)
        response = post_visit(api, office, "13800138000", named_salesperson=other_salesperson.pk)
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["rule"], body["assigned_to"]) == ("owner", salesperson.pk)
        assert body["named_salesperson"] == other_salesperson.pk
        assert body["is_new_customer"] is False
        assert str(salesperson) in body["explanation"]
        assert f"The customer named {other_salesperson}" in body["explanation"]
        visit = Visit.objects.get()
        assert visit.named_salesperson == other_salesperson
        assert ClaimEvent.objects.filter(claim=visit.claim, kind="contact").exists()
        assert Notification.objects.filter(recipient=salesperson, kind="visit_assigned").exists()
        assert Roster.objects.get(office=office, date=TODAY).pointer == 1  # no turn used

    def test_named_salesperson_receives_without_a_turn(self, desk, office, other_salesperson, rota):
        """R-2.1 case 2: named and nobody holds a claim → them, claim starts, no turn."""
        response = post_visit(desk, office, "13800138000", named_salesperson=other_salesperson.pk)
        body = response.json()
        assert response.status_code == 201
        assert (body["rule"], body["assigned_to"]) == ("named", other_salesperson.pk)
        assert "The customer named" not in body["explanation"]  # they received them
        claim = Claim.objects.get(status="active")
        assert claim.owner == other_salesperson
        assert Roster.objects.get(office=office, date=TODAY).pointer == 1
        assert not DutyState.objects.filter(owed_turns__gt=0).exists()

    def test_pre_registered_referral_goes_to_referrers_salesperson(
        self, desk, office, other_salesperson, rota
    ):
        """R-2.1 case 3, R-4.3: pre-registered at the desk (phone and name), then the visit."""
        referrer = claimed(office, other_salesperson, name="老客户")
        response = desk.post(
            "/api/v1/referrals/",
            {"office": office.pk, "referrer": referrer.pk, "phone": "139-0000-1111", "name": "新"},
            format="json",
        )
        assert response.status_code == 201, response.json()
        later = NOW + timedelta(minutes=30)
        with time_machine.travel(later, tick=False):
            body = post_visit(desk, office, "13900001111").json()
        assert (body["rule"], body["assigned_to"]) == ("referral", other_salesperson.pk)
        assert body["referrer"] == referrer.pk
        assert "老客户" in body["explanation"]
        new_customer = Customer.objects.get(phone="13900001111")
        assert Claim.objects.get(household=new_customer.household).owner == other_salesperson

    def test_referrer_brought_in_person(self, desk, office, other_salesperson, rota):
        """R-4.3: the referrer comes with them, recorded at the visit."""
        referrer = claimed(office, other_salesperson)
        body = post_visit(desk, office, "13900001111", referrer=referrer.pk).json()
        assert (body["rule"], body["assigned_to"]) == ("referral", other_salesperson.pk)
        assert Visit.objects.get().referrer == referrer

    def test_referrer_without_a_claim_is_treated_as_new(self, desk, office, salesperson, rota):
        """R-4.3: otherwise treated as new (一律按新客户处理)."""
        referrer = CustomerFactory(office=office)
        body = post_visit(desk, office, "13900001111", referrer=referrer.pk).json()
        assert (body["rule"], body["assigned_to"]) == ("rotation", salesperson.pk)

    def test_rotation_skips_and_owed_turns_show_in_roster(
        self, api, desk, office, manager, salesperson, other_salesperson, third
    ):
        """R-2.3: away on business → skipped and owed; away private → loses the turn;
        the owed turn is then used with the pointer staying (R-2.2 board via GET roster)."""
        roster_for(
            office,
            TODAY,
            [salesperson, other_salesperson, third],
            manager=manager,
            statuses={salesperson: "away_business", other_salesperson: "away_private"},
        )
        body = post_visit(desk, office, "13800000001").json()
        assert (body["rule"], body["assigned_to"]) == ("rotation", third.pk)
        assert body["skipped"] == [
            {
                "salesperson": salesperson.pk,
                "salesperson_name": str(salesperson),
                "reason": "away_business",
            },
            {
                "salesperson": other_salesperson.pk,
                "salesperson_name": str(other_salesperson),
                "reason": "away_private",
            },
        ]
        assert str(salesperson) in body["explanation"]
        assert "owed a turn" in body["explanation"]

        board = desk.get(f"/api/v1/offices/{office.pk}/roster/2026-11-28/").json()
        assert board["pointer"] == 1
        assert [(e["salesperson"], e["owed_turns"]) for e in board["entries"]] == [
            (salesperson.pk, 1),
            (other_salesperson.pk, 0),
            (third.pk, 0),
        ]

        back = desk.post(
            f"/api/v1/offices/{office.pk}/duty-status/",
            {"salesperson": salesperson.pk, "status": "available"},
            format="json",
        )
        assert back.json() == {
            "salesperson": salesperson.pk,
            "status": "available",
            "owed_turns": 1,
        }
        second = post_visit(desk, office, "13800000002").json()
        assert (second["assigned_to"], second["owed_turn_used"]) == (salesperson.pk, True)
        assert "owed turns was used" in second["explanation"]
        board = desk.get(f"/api/v1/offices/{office.pk}/roster/2026-11-28/").json()
        assert board["pointer"] == 1
        assert board["entries"][0]["owed_turns"] == 0

    def test_nobody_available_waits_unassigned(self, desk, office, manager, salesperson):
        roster_for(office, TODAY, [salesperson], manager=manager, statuses={salesperson: "busy"})
        body = post_visit(desk, office, "13800000001").json()
        assert (body["rule"], body["assigned_to"]) == ("unassigned", None)
        assert body["unassigned_reason"] == "nobody_available"
        assert body["claim"] is None
        assert body["skipped"][0]["reason"] == "busy"
        assert "Busy with a customer" in body["explanation"]
        assert "owed a turn" not in body["explanation"]  # nobody available, nobody owed
        assert DutyState.objects.get(salesperson=salesperson).owed_turns == 0
        assert Notification.objects.filter(recipient=manager, kind="visit_waiting").exists()

    def test_no_roster_waits_unassigned(self, desk, office):
        body = post_visit(desk, office, "13800000001").json()
        assert (body["rule"], body["unassigned_reason"]) == ("unassigned", "no_roster")


class TestLargePartyR25:
    def test_large_party_waits_then_manager_assigns_and_claim_starts(
        self, api, desk, office, manager, salesperson, rota
    ):
        response = post_visit(desk, office, "13800138000", party_size=6, one_household=False)
        body = response.json()
        assert response.status_code == 201
        assert (body["rule"], body["unassigned_reason"]) == ("unassigned", "large_party")
        assert body["assigned_to"] is None and body["claim"] is None
        assert "Large party" in body["explanation"]
        assert Roster.objects.get(office=office, date=TODAY).pointer == 1  # not by rotation

        waiting = desk.get(f"{VISITS}unassigned/").json()
        assert [v["id"] for v in waiting["results"]] == [body["id"]]

        api.force_authenticate(manager)
        response = api.post(
            f"{VISITS}{body['id']}/reassign/",
            {"salesperson": salesperson.pk, "reason": "大团，安排老员工"},
            format="json",
            **EN,
        )
        assert response.status_code == 200, response.json()
        after = response.json()
        assert (after["rule"], after["assigned_to"]) == ("manager", salesperson.pk)
        assert after["claim"]["owner"] == salesperson.pk
        assert "assigned by the manager" in after["explanation"]
        visit = Visit.objects.get()
        claim = Claim.objects.get(household=visit.customer.household, status="active")
        assert claim.owner == salesperson and visit.claim == claim
        event = VisitEvent.objects.get(visit=visit, kind="override")
        assert (event.actor, event.detail["reason"]) == (manager, "大团，安排老员工")
        assert Notification.objects.filter(recipient=salesperson, kind="visit_assigned").exists()
        assert desk.get(f"{VISITS}unassigned/").json()["results"] == []

    def test_large_party_of_one_household_goes_by_rotation(self, desk, office, salesperson, rota):
        body = post_visit(desk, office, "13800138000", party_size=6, one_household=True).json()
        assert (body["rule"], body["assigned_to"]) == ("rotation", salesperson.pk)

    def test_one_household_defaults_true_and_party_size_to_one(self, desk, office, rota):
        body = post_visit(desk, office, "13800138000").json()
        assert (body["party_size"], body["one_household"]) == (1, True)


class TestDoubleSubmission:
    def test_idempotency_key_replay_returns_the_same_response(self, desk, office, rota):
        first = post_visit(desk, office, "13800138000", key="form-7f3a")
        replay = post_visit(desk, office, "13800138000", key="form-7f3a")
        assert (first.status_code, replay.status_code) == (201, 201)
        assert replay.json() == first.json()
        assert replay["Idempotent-Replayed"] == "true"
        assert Visit.objects.count() == 1
        assert Notification.objects.count() == 1

    def test_a_reused_key_with_another_body_is_422_and_saves_nothing(self, desk, office, rota):
        """The same key for a different request is the client's bug: refused, nothing saved."""
        post_visit(desk, office, "13800138000", key="form-7f3a")
        before = counts()
        reused = post_visit(desk, office, "13900139000", key="form-7f3a")
        assert reused.status_code == 422
        assert reused.json()["code"] == "idempotency_key_reused"
        assert counts() == before
        assert not Customer.objects.filter(phone="13900139000").exists()

    def test_same_customer_within_the_window_is_409_duplicate(self, desk, office, rota):
        first = post_visit(desk, office, "13800138000")
        again = post_visit(desk, office, "138 0013 8000")
        assert again.status_code == 409
        assert again.json()["code"] == "duplicate"
        assert again.json()["visit"] == first.json()["id"]
        assert Visit.objects.count() == 1

    def test_too_long_idempotency_key_is_400(self, desk, office, rota):
        response = post_visit(desk, office, "13800138000", key="k" * 65)
        assert response.status_code == 400
        assert Visit.objects.count() == 0


class TestBadInput:
    @pytest.mark.parametrize(
        "fields, field",
        [
            ({"phone": "138-abc-0000"}, "phone"),
            ({"phone": ""}, "phone"),
            ({"phone": "1380013800"}, "phone"),
            ({"party_size": 0}, "party_size"),
            ({"party_size": 500}, "party_size"),
            ({"party_size": "many"}, "party_size"),
            ({"named_salesperson": 999999}, "named_salesperson"),
            ({"named_salesperson": "far"}, "named_salesperson"),
            ({"named_salesperson": "secretary"}, "named_salesperson"),
            ({"referrer": "elsewhere"}, "referrer"),
            ({"source_channel": "tv"}, "source_channel"),
            ({"name": "名" * 61}, "name"),
            ({"office": None}, "office"),
        ],
    )
    def test_field_errors_are_400_and_nothing_saved(
        self, desk, office, other_office, secretary, rota, fields, field
    ):
        far = UserFactory(username="far", roles=["salesperson"], offices=[other_office])
        elsewhere = CustomerFactory(office=other_office)
        stand_ins = {"far": far.pk, "secretary": secretary.pk, "elsewhere": elsewhere.pk}
        fields = {k: stand_ins.get(v, v) if isinstance(v, str) else v for k, v in fields.items()}
        before = counts()
        response = post_visit(desk, office, fields.pop("phone", "13800138000"), **fields)
        assert response.status_code == 400, response.json()
        assert field in response.json()
        assert counts() == before

    def test_malformed_json_is_400(self, desk, rota):
        before = counts()
        response = desk.post(VISITS, "{not json", content_type="application/json")
        assert response.status_code == 400
        assert counts() == before


class TestPermissions:
    def test_anonymous_is_401(self, api, office):
        assert post_visit(api, office, "13800138000").status_code == 401
        assert api.get(VISITS).status_code == 401

    @pytest.mark.parametrize("who", ["salesperson", "manager", "director"])
    def test_only_the_desk_registers(self, api, request, office, rota, who):
        api.force_authenticate(request.getfixturevalue(who))
        assert post_visit(api, office, "13800138000").status_code == 403
        assert Visit.objects.count() == 0

    def test_secretary_of_a_cannot_register_into_b(self, desk, other_office, other_manager):
        """Another office in a body is "unknown" (400), as for staff: existence not revealed."""
        response = post_visit(desk, other_office, "13800138000")
        assert response.status_code == 400
        assert "office" in response.json()
        assert Visit.objects.count() == 0 and Customer.objects.count() == 0


class TestList:
    def _seed(self, office, secretary, phones, at=NOW):
        for phone in phones:
            visit_register(
                office=office,
                actor=secretary,
                phone=phone,
                source_channel=channel(),
                now=at,
            )

    def test_desk_sees_the_days_visits_salesperson_only_theirs(
        self, api, desk, office, secretary, salesperson, other_salesperson, rota
    ):
        self._seed(office, secretary, ["13800000001", "13800000002", "13800000003"])
        yesterday = NOW - timedelta(days=1)
        roster_for(office, yesterday.date(), [salesperson], manager=rota.set_by)
        self._seed(office, secretary, ["13800000009"], at=yesterday)

        today = desk.get(VISITS, {"date": "2026-11-28"}).json()
        assert today["count"] == 3
        assert {v["assigned_to"] for v in today["results"]} == {
            salesperson.pk,
            other_salesperson.pk,
        }
        assert desk.get(VISITS).json()["count"] == 3  # today by default
        assert desk.get(VISITS, {"date": "2026-11-27"}).json()["count"] == 1

        api.force_authenticate(other_salesperson)
        mine = api.get(VISITS).json()
        assert [v["assigned_to"] for v in mine["results"]] == [other_salesperson.pk]
        theirs = Visit.objects.filter(assigned_to=salesperson).first()
        assert api.get(f"{VISITS}{theirs.pk}/").status_code == 404

    def test_manager_sees_all_and_other_offices_are_hidden(
        self, api, office, other_office, secretary, manager, other_manager, rota
    ):
        self._seed(office, secretary, ["13800000001"])
        api.force_authenticate(manager)
        assert api.get(VISITS).json()["count"] == 1
        api.force_authenticate(other_manager)
        assert api.get(VISITS).json()["count"] == 0
        visit = Visit.objects.get()
        assert api.get(f"{VISITS}{visit.pk}/").status_code == 404
        response = api.get(VISITS, {"office": office.pk})
        assert response.status_code == 400

    def test_malformed_date_is_400(self, desk):
        response = desk.get(VISITS, {"date": "28/11/2026"})
        assert response.status_code == 400
        assert "date" in response.json()

    def test_query_count_does_not_grow_with_rows(
        self, desk, office, manager, secretary, salesperson, other_salesperson, third
    ):
        roster_for(
            office,
            TODAY,
            [salesperson, other_salesperson, third],
            manager=manager,
            statuses={salesperson: "away_business"},
        )

        def measure():
            with CaptureQueriesContext(connection) as ctx:
                response = desk.get(VISITS)
            return len(ctx), response.json()["count"]

        self._seed(office, secretary, ["13800000001", "13800000002"])
        desk.get(VISITS)
        few = measure()
        self._seed(office, secretary, [f"139000000{n:02d}" for n in range(10)])
        many = measure()
        assert (few[1], many[1]) == (2, 12)
        assert many[0] == few[0]

    def test_unassigned_list_is_for_the_desk_and_managers(
        self, api, office, secretary, salesperson
    ):
        self._seed(office, secretary, ["13800000001"])  # no roster: waits
        api.force_authenticate(salesperson)
        assert api.get(f"{VISITS}unassigned/").status_code == 403
        api.force_authenticate(secretary)
        assert api.get(f"{VISITS}unassigned/").json()["count"] == 1


class TestReassign:
    @pytest.fixture
    def visit(self, desk, office, rota):
        return Visit.objects.get(pk=post_visit(desk, office, "13800138000").json()["id"])

    def test_manager_moves_a_rotation_visit_and_its_claim(
        self, api, manager, visit, other_salesperson
    ):
        api.force_authenticate(manager)
        response = api.post(
            f"{VISITS}{visit.pk}/reassign/",
            {"salesperson": other_salesperson.pk, "reason": "客户要求"},
            format="json",
        )
        assert response.status_code == 200
        assert response.json()["rule"] == "manager"
        visit.claim.refresh_from_db()
        assert visit.claim.owner == other_salesperson

    def test_salesperson_cannot_reassign(self, api, salesperson, other_salesperson, visit):
        api.force_authenticate(salesperson)
        response = api.post(
            f"{VISITS}{visit.pk}/reassign/",
            {"salesperson": other_salesperson.pk, "reason": "x"},
            format="json",
        )
        assert response.status_code == 403
        assert Visit.objects.get().assigned_to == salesperson

    @pytest.mark.parametrize("reason", [None, "", "   "])
    def test_missing_reason_is_400_and_nothing_changes(
        self, api, manager, salesperson, other_salesperson, visit, reason
    ):
        api.force_authenticate(manager)
        data = {"salesperson": other_salesperson.pk}
        if reason is not None:
            data["reason"] = reason
        response = api.post(f"{VISITS}{visit.pk}/reassign/", data, format="json")
        assert response.status_code == 400
        assert "reason" in response.json()
        assert Visit.objects.get().assigned_to == salesperson
        assert VisitEvent.objects.count() == 0

    def test_same_salesperson_is_409(self, api, manager, salesperson, visit):
        api.force_authenticate(manager)
        response = api.post(
            f"{VISITS}{visit.pk}/reassign/",
            {"salesperson": salesperson.pk, "reason": "x"},
            format="json",
        )
        assert response.status_code == 409
        assert response.json()["code"] == "unchanged"

    def test_other_offices_manager_gets_404(self, api, other_manager, other_salesperson, visit):
        api.force_authenticate(other_manager)
        response = api.post(
            f"{VISITS}{visit.pk}/reassign/",
            {"salesperson": other_salesperson.pk, "reason": "x"},
            format="json",
        )
        assert response.status_code == 404


class TestMarketResearchR26:
    @pytest.fixture
    def visit(self, desk, office, rota):
        return Visit.objects.get(pk=post_visit(desk, office, "13800138000").json()["id"])

    def step(self, api, user, visit, step):
        api.force_authenticate(user)
        return api.post(f"{VISITS}{visit.pk}/market-research/", {"step": step}, format="json")

    def test_flag_confirm_approve_gives_an_owed_turn(
        self, api, visit, salesperson, secretary, director, office
    ):
        flagged = self.step(api, salesperson, visit, "flag")
        assert flagged.status_code == 200
        assert flagged.json() == {"id": visit.pk, "research_status": "flagged"}
        assert self.step(api, secretary, visit, "confirm").json()["research_status"] == "confirmed"
        approved = self.step(api, director, visit, "approve")
        assert approved.json()["research_status"] == "approved"
        assert DutyState.objects.get(office=office, salesperson=salesperson).owed_turns == 1
        kinds = list(VisitEvent.objects.filter(visit=visit).values_list("kind", flat=True))
        assert kinds == ["research_flag", "research_confirm", "research_approve"]

    @pytest.mark.parametrize("who", ["salesperson", "secretary", "manager"])
    def test_approval_by_a_non_director_is_403(
        self, api, request, visit, salesperson, secretary, who
    ):
        self.step(api, salesperson, visit, "flag")
        self.step(api, secretary, visit, "confirm")
        response = self.step(api, request.getfixturevalue(who), visit, "approve")
        assert response.status_code == 403
        assert Visit.objects.get().research_status == "confirmed"

    def test_only_the_receiving_salesperson_flags(self, api, visit, other_salesperson):
        assert self.step(api, other_salesperson, visit, "flag").status_code == 403

    def test_out_of_order_step_is_409(self, api, visit, director):
        response = self.step(api, director, visit, "approve")
        assert response.status_code == 409
        assert response.json()["code"] == "invalid_transition"

    def test_unknown_step_is_400(self, api, visit, salesperson):
        response = self.step(api, salesperson, visit, "celebrate")
        assert response.status_code == 400
        assert "step" in response.json()

    def test_other_office_is_404(self, api, visit, other_manager):
        assert self.step(api, other_manager, visit, "flag").status_code == 404
