"""POST /followups/ and POST /followups/{id}/void/ (API.md): R-3.2 protection to the end of
local day D+7, R-3.3 release evaluated on read, R-3.8 voiding recomputes."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from attribution.models import Claim, ClaimEvent, FollowUp
from attribution.services import claim_start
from leads.factories import CustomerFactory
from staff.factories import UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=SHANGHAI)  # Monday, day D of R-3.2's example
STARTED = datetime(2026, 2, 27, 10, 0, tzinfo=SHANGHAI)  # protected until 2026-03-07 00:00
URL = "/api/v1/followups/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def claimed(office, owner, *, at=STARTED, **kwargs):
    customer = CustomerFactory(office=office, registered_at=at, **kwargs)
    claim_start(household=customer.household, owner=owner, now=at, actor=owner, detail={})
    return customer


def log(api, customer, /, **fields):
    data = {"customer": customer.pk, "kind": "call", "note": "谈了首付比例，周末带家人再来。"}
    data.update(fields)
    return api.post(URL, data, format="json")


def state():
    """What a refused request must leave untouched."""
    return (
        FollowUp.objects.count(),
        ClaimEvent.objects.count(),
        list(Claim.objects.order_by("pk").values_list("status", "protected_until", "owner")),
    )


class TestLogR32:
    def test_r_3_2_followup_protects_through_end_of_day_d_plus_7(self, api, salesperson, office):
        """R-3.2 example: contact Mon 2026-03-02 15:00 → released 2026-03-10 00:00 local."""
        customer = claimed(office, salesperson)
        api.force_authenticate(salesperson)
        response = log(api, customer, kind="call", next_step="周六带看")
        assert response.status_code == 201, response.json()
        followup = FollowUp.objects.get()
        assert response.json() == {
            "id": followup.pk,
            "customer": customer.pk,
            "author": salesperson.pk,
            "kind": "call",
            "note": "谈了首付比例，周末带家人再来。",
            "at": "2026-03-02T15:00:00+08:00",
            "next_step": "周六带看",
            "voided_at": None,
            "void_reason": "",
            "claim": {
                "status": "active",
                "protected_until": "2026-03-10T00:00:00+08:00",
                "protected_through": "2026-03-09",  # the last protected day
            },
        }
        claim = Claim.objects.get()
        assert claim.last_contact_at == NOW
        assert claim.protected_until == datetime(2026, 3, 10, 0, 0, tzinfo=SHANGHAI)
        event = ClaimEvent.objects.filter(kind="contact").get()
        assert (event.actor, event.detail["followup"]) == (salesperson, followup.pk)

    def test_r_3_2_contact_time_given_counts_from_its_local_day(self, api, salesperson, office):
        """A call made yesterday evening and logged today counts from yesterday (day D)."""
        customer = claimed(office, salesperson)
        api.force_authenticate(salesperson)
        response = log(api, customer, at="2026-03-01T21:30:00+08:00", kind="message")
        assert response.status_code == 201, response.json()
        assert response.json()["claim"]["protected_until"] == "2026-03-09T00:00:00+08:00"

    def test_r_3_2_utc_input_is_judged_by_the_office_local_day(self, api, salesperson, office):
        """2026-03-01 17:00 UTC is 2026-03-02 01:00 in Shanghai: local day D is 03-02."""
        customer = claimed(office, salesperson)
        api.force_authenticate(salesperson)
        response = log(api, customer, at="2026-03-01T17:00:00Z")
        assert response.status_code == 201, response.json()
        assert response.json()["claim"]["protected_until"] == "2026-03-10T00:00:00+08:00"

    def test_an_older_contact_never_shortens_protection(self, api, salesperson, office):
        customer = claimed(office, salesperson)
        api.force_authenticate(salesperson)
        assert log(api, customer).status_code == 201
        # yesterday's, logged late
        response = log(api, customer, at="2026-03-01T09:00:00+08:00", kind="meeting")
        assert response.status_code == 201
        assert response.json()["claim"]["protected_until"] == "2026-03-10T00:00:00+08:00"
        assert FollowUp.objects.count() == 2

    def test_a_deal_stays_a_deal(self, api, salesperson, office):
        """R-3.7: a deal no longer expires; follow-ups are still logged on it."""
        customer = claimed(office, salesperson, at=datetime(2026, 1, 5, 10, 0, tzinfo=SHANGHAI))
        Claim.objects.update(status="deal")
        api.force_authenticate(salesperson)
        response = log(api, customer)
        assert response.status_code == 201, response.json()
        assert response.json()["claim"]["status"] == "deal"

    def test_at_null_means_now(self, api, salesperson, office):
        customer = claimed(office, salesperson)
        api.force_authenticate(salesperson)
        response = log(api, customer, at=None)
        assert response.status_code == 201, response.json()
        assert response.json()["at"] == "2026-03-02T15:00:00+08:00"

    def test_a_phone_clock_a_minute_fast_is_not_the_future(self, api, salesperson, office):
        customer = claimed(office, salesperson)
        api.force_authenticate(salesperson)
        response = log(api, customer, at=(NOW + timedelta(minutes=1)).isoformat())
        assert response.status_code == 201, response.json()


class TestReleasedR33:
    def test_r_3_3_after_protection_ended_is_409_even_before_the_job(
        self, api, salesperson, office
    ):
        """The claim ended 2026-02-28 00:00; the hourly job has not run (still `active` in the
        table): the follow-up is refused and nothing is saved."""
        customer = claimed(office, salesperson, at=datetime(2026, 2, 20, 10, 0, tzinfo=SHANGHAI))
        assert Claim.objects.get().status == "active"
        api.force_authenticate(salesperson)
        before = state()
        response = log(api, customer)
        assert response.status_code == 409
        assert response.json()["code"] == "claim_released"
        assert response.json()["detail"]
        assert state() == before

    def test_r_3_3_at_the_release_instant_is_refused_a_second_before_accepted(
        self, api, salesperson, office, frozen
    ):
        customer = claimed(office, salesperson)  # released 2026-03-07 00:00
        api.force_authenticate(salesperson)
        frozen.move_to(datetime(2026, 3, 7, 0, 0, tzinfo=SHANGHAI))
        assert log(api, customer).json()["code"] == "claim_released"
        assert FollowUp.objects.count() == 0
        frozen.move_to(datetime(2026, 3, 6, 23, 59, 59, tzinfo=SHANGHAI))
        response = log(api, customer)
        assert response.status_code == 201
        assert response.json()["claim"]["protected_until"] == "2026-03-14T00:00:00+08:00"

    def test_released_and_taken_by_a_colleague_is_still_claim_released(
        self, api, salesperson, other_salesperson, office
    ):
        customer = claimed(office, salesperson, at=datetime(2026, 2, 1, 10, 0, tzinfo=SHANGHAI))
        claim_start(
            household=customer.household,
            owner=other_salesperson,
            now=NOW - timedelta(days=1),
            actor=other_salesperson,
            detail={},
        )
        api.force_authenticate(salesperson)
        before = state()
        response = log(api, customer)
        assert (response.status_code, response.json()["code"]) == (409, "claim_released")
        assert state() == before


class TestWhoMayLog:
    def test_another_salesperson_is_403_and_nothing_saved(
        self, api, salesperson, other_salesperson, office
    ):
        customer = claimed(office, salesperson)
        api.force_authenticate(other_salesperson)
        before = state()
        response = log(api, customer)
        assert response.status_code == 403
        assert response.json()["code"] == "not_owner"
        assert state() == before

    @pytest.mark.parametrize("role", ["secretary", "manager", "director", "finance"])
    def test_other_roles_are_403(self, request, api, salesperson, office, role):
        customer = claimed(office, salesperson)
        api.force_authenticate(request.getfixturevalue(role))
        before = state()
        assert log(api, customer).status_code == 403
        assert state() == before

    def test_wrong_role_is_403_whatever_the_body(self, api, secretary, office):
        api.force_authenticate(secretary)
        assert api.post(URL, {"note": ""}, format="json").status_code == 403

    def test_anonymous_is_401(self, api, salesperson, office):
        customer = claimed(office, salesperson)
        assert log(api, customer).status_code == 401

    def test_customer_of_another_office_is_400_unknown(
        self, api, salesperson, office, other_office
    ):
        """A customer in a body that the requester cannot see is unknown (400), as with
        `office` in POST /customers/."""
        stranger = UserFactory(username="sp-river", roles=["salesperson"], offices=[other_office])
        customer = claimed(other_office, stranger)
        api.force_authenticate(salesperson)
        before = state()
        response = log(api, customer)
        assert response.status_code == 400
        assert "customer" in response.json()
        assert state() == before


class TestBadInput:
    @pytest.mark.parametrize(
        "fields, field",
        [
            ({"note": ""}, "note"),
            ({"note": "   "}, "note"),  # a written note
            ({"kind": "fax"}, "kind"),
            ({"kind": ""}, "kind"),
            ({"at": "2026-03-02T16:00:00+08:00"}, "at"),  # an hour in the future
            ({"at": "2026-03-09T10:00:00+08:00"}, "at"),
            ({"at": "yesterday"}, "at"),
            ({"customer": 99999999}, "customer"),
            ({"customer": None}, "customer"),
            ({"note": "x" * 4001}, "note"),
            ({"next_step": "x" * 201}, "next_step"),
        ],
    )
    def test_bad_input_is_400_and_changes_nothing(self, api, salesperson, office, fields, field):
        customer = claimed(office, salesperson)
        api.force_authenticate(salesperson)
        before = state()
        response = log(api, customer, **fields)
        assert response.status_code == 400, response.json()
        assert field in response.json()
        assert state() == before

    def test_missing_fields_are_400(self, api, salesperson, office):
        api.force_authenticate(salesperson)
        response = api.post(URL, {}, format="json")
        assert response.status_code == 400
        assert {"customer", "kind", "note"} <= set(response.json())

    def test_malformed_json_is_400(self, api, salesperson, office):
        api.force_authenticate(salesperson)
        response = api.post(URL, "{oops", content_type="application/json")
        assert response.status_code == 400


def void(api, followup, reason="记录与通话记录不符"):
    return api.post(f"{URL}{followup.pk}/void/", {"reason": reason}, format="json")


class TestVoidR38:
    @pytest.fixture
    def logged(self, api, salesperson, office):
        """A claim started 02-27 (protected to 03-07) and extended by today's follow-up."""
        customer = claimed(office, salesperson)
        api.force_authenticate(salesperson)
        assert log(api, customer).status_code == 201
        api.force_authenticate(None)
        return FollowUp.objects.get()

    def test_r_3_8_void_recomputes_protection_from_remaining_contacts(self, api, manager, logged):
        api.force_authenticate(manager)
        response = void(api, logged)
        assert response.status_code == 200, response.json()
        body = response.json()
        assert body["claim"] == {
            "status": "active",
            "protected_until": "2026-03-07T00:00:00+08:00",  # back to the registration's
            "protected_through": "2026-03-06",
        }
        assert body["voided_at"] == "2026-03-02T15:00:00+08:00"
        assert body["void_reason"] == "记录与通话记录不符"
        claim = Claim.objects.get()
        assert (claim.status, claim.last_contact_at) == ("active", STARTED)
        assert ClaimEvent.objects.filter(kind="contact_voided", actor=manager).count() == 1

    def test_r_3_8_void_into_the_past_releases_the_claim_now(self, api, manager, logged, frozen):
        """Voided on 03-08, the remaining contact protected only to 03-07: released."""
        frozen.move_to(datetime(2026, 3, 8, 10, 0, tzinfo=SHANGHAI))
        api.force_authenticate(manager)
        response = void(api, logged)
        assert response.status_code == 200
        assert response.json()["claim"] == {
            "status": "released",
            "protected_until": "2026-03-07T00:00:00+08:00",
            "protected_through": "2026-03-06",
        }
        claim = Claim.objects.get()
        assert claim.status == "released"
        assert ClaimEvent.objects.filter(kind="released").get().detail == {
            "reason": "contact_voided"
        }

    def test_voided_followup_no_longer_extends_and_owner_is_then_refused(
        self, api, manager, salesperson, logged, frozen
    ):
        frozen.move_to(datetime(2026, 3, 8, 10, 0, tzinfo=SHANGHAI))
        api.force_authenticate(manager)
        void(api, logged)
        api.force_authenticate(salesperson)
        response = log(api, logged.customer)
        assert (response.status_code, response.json()["code"]) == (409, "claim_released")

    def test_void_twice_is_409(self, api, manager, logged):
        api.force_authenticate(manager)
        assert void(api, logged).status_code == 200
        response = void(api, logged)
        assert (response.status_code, response.json()["code"]) == (409, "already_void")

    def test_void_needs_a_reason(self, api, manager, logged):
        api.force_authenticate(manager)
        before = state()
        response = void(api, logged, reason="  ")
        assert response.status_code == 400
        assert "reason" in response.json()
        assert state() == before
        assert FollowUp.objects.get().voided_at is None

    @pytest.mark.parametrize("role", ["salesperson", "other_salesperson", "secretary"])
    def test_only_a_manager_voids(self, request, api, logged, role):
        api.force_authenticate(request.getfixturevalue(role))
        before = state()
        assert void(api, logged).status_code == 403
        assert state() == before

    def test_director_voids(self, api, director, logged):
        api.force_authenticate(director)
        assert void(api, logged).status_code == 200

    def test_manager_of_another_office_gets_404(self, api, other_manager, logged):
        api.force_authenticate(other_manager)
        assert void(api, logged).status_code == 404
        assert FollowUp.objects.get().voided_at is None

    def test_unknown_followup_is_404(self, api, manager, logged):
        api.force_authenticate(manager)
        response = api.post(f"{URL}99999999/void/", {"reason": "x"}, format="json")
        assert response.status_code == 404

    def test_anonymous_is_401(self, api, logged):
        assert void(api, logged).status_code == 401
