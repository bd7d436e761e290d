"""The customer sub-resources of API.md: POST /customers/{id}/household/ (R-4.1, R-4.2) and
GET /customers/{id}/timeline/ (the evidence of R-5.6)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from attribution.models import Claim, ClaimEvent, Dispute, HouseholdLink
from attribution.services import claim_start
from leads.factories import CustomerFactory, channel
from leads.models import Customer
from reception.services import visit_register
from staff.factories import UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def customer_of(office, owner=None, *, days_ago=1, **kwargs):
    """A customer registered `days_ago` days before NOW, claimed then by `owner` if given."""
    at = NOW - timedelta(days=days_ago)
    customer = CustomerFactory(office=office, registered_at=at, **kwargs)
    if owner is not None:
        claim_start(household=customer.household, owner=owner, now=at, actor=owner, detail={})
    return customer


def link(api, customer, member, relation="spouse"):
    member_id = member.pk if hasattr(member, "pk") else member
    return api.post(
        f"/api/v1/customers/{customer.pk}/household/",
        {"member": member_id, "relation": relation},
        format="json",
    )


def state():
    """Everything a refused link must leave untouched."""
    return (
        HouseholdLink.objects.count(),
        Dispute.objects.count(),
        ClaimEvent.objects.count(),
        sorted(Customer.objects.values_list("pk", "household")),
        sorted(Claim.objects.values_list("pk", "household", "status", "owner")),
    )


class TestLinkR41:
    def test_r_4_1_owner_links_a_spouse_into_the_household(self, api, salesperson, office):
        husband = customer_of(office, salesperson, days_ago=3)
        wife = customer_of(office, days_ago=1)
        api.force_authenticate(salesperson)
        response = link(api, husband, wife, "spouse")
        assert response.status_code == 201, response.json()
        assert response.json() == {
            "household": husband.household_id,
            "members": [husband.pk, wife.pk],
            "link": HouseholdLink.objects.get().pk,
            "relation": "spouse",
        }
        wife.refresh_from_db()
        assert wife.household_id == husband.household_id
        # the claim belongs to the household; the wife is now the owner's customer
        claim = api.get(f"/api/v1/customers/{wife.pk}/").json()["claim"]
        assert (claim["owner"], claim["status"]) == (salesperson.pk, "active")

    def test_r_4_2_the_earlier_registration_keeps_the_household(self, api, salesperson, office):
        """The later-registered customer's claim follows into the earlier household."""
        parent = customer_of(office, days_ago=5)
        child = customer_of(office, salesperson, days_ago=1)
        api.force_authenticate(salesperson)
        response = link(api, child, parent, "parent")
        assert response.status_code == 201, response.json()
        assert response.json()["household"] == parent.household_id
        assert response.json()["members"] == [parent.pk, child.pk]
        claim = Claim.objects.get()
        assert (claim.household_id, claim.status, claim.owner) == (
            parent.household_id,
            "active",
            salesperson,
        )

    def test_r_4_2_both_claimed_by_different_owners_merges_and_opens_a_dispute(
        self, api, manager, salesperson, other_salesperson, office
    ):
        earlier = customer_of(office, salesperson, days_ago=4)
        later = customer_of(office, other_salesperson, days_ago=2)
        api.force_authenticate(manager)
        response = link(api, later, earlier, "child")
        assert response.status_code == 201, response.json()
        assert response.json()["household"] == earlier.household_id
        kept = Claim.objects.get(owner=salesperson)
        merged = Claim.objects.get(owner=other_salesperson)
        assert (kept.status, merged.status) == ("active", "merged")
        assert merged.ended_at == NOW
        assert ClaimEvent.objects.filter(claim=merged, kind="merged").count() == 1
        dispute = Dispute.objects.get()
        assert (dispute.status, dispute.automatic, dispute.claimant) == (
            "open",
            True,
            other_salesperson,
        )
        assert dispute.customer == later
        assert dispute.opened_by is None
        # the manager finds it in the office's disputes
        listed = api.get("/api/v1/disputes/").json()["results"]
        assert [d["id"] for d in listed] == [dispute.pk]

    def test_r_4_2_same_owner_merges_without_a_dispute(self, api, salesperson, office):
        first = customer_of(office, salesperson, days_ago=4)
        second = customer_of(office, salesperson, days_ago=2)
        api.force_authenticate(salesperson)
        assert link(api, first, second).status_code == 201
        assert sorted(Claim.objects.values_list("status", flat=True)) == ["active", "merged"]
        assert Dispute.objects.count() == 0

    def test_stale_claim_on_the_kept_household_does_not_break_the_link(
        self, api, manager, salesperson, other_salesperson, office
    ):
        """R-3.3/R-4.2: the earlier household's claim ended (job not run yet); the later
        household's active claim moves in. The stale claim is released first — two active
        claims on one household would violate the database's constraint (a 500)."""
        earlier = customer_of(office, salesperson, days_ago=20)
        later = customer_of(office, other_salesperson, days_ago=1)
        api.force_authenticate(manager)
        response = link(api, earlier, later)
        assert response.status_code == 201, response.json()
        stale = Claim.objects.get(owner=salesperson)
        moved = Claim.objects.get(owner=other_salesperson)
        assert stale.status == "released"
        assert (moved.status, moved.household_id) == ("active", earlier.household_id)
        assert Dispute.objects.count() == 0


class TestLinkRefused:
    def test_link_to_oneself_is_400(self, api, salesperson, office):
        customer = customer_of(office, salesperson)
        api.force_authenticate(salesperson)
        before = state()
        response = link(api, customer, customer)
        assert response.status_code == 400
        assert "member" in response.json()
        assert state() == before

    @pytest.mark.parametrize("relation", ["cousin", "", "SPOUSE", None])
    def test_unknown_relation_is_400(self, api, salesperson, office, relation):
        customer = customer_of(office, salesperson)
        other = customer_of(office)
        api.force_authenticate(salesperson)
        before = state()
        response = link(api, customer, other, relation)
        assert response.status_code == 400
        assert "relation" in response.json()
        assert state() == before

    def test_another_offices_customer_is_400(self, api, salesperson, office, other_office):
        customer = customer_of(office, salesperson)
        stranger = customer_of(other_office)
        api.force_authenticate(salesperson)
        before = state()
        response = link(api, customer, stranger)
        assert response.status_code == 400
        assert "member" in response.json()
        assert state() == before

    def test_another_offices_customer_is_400_for_the_director_too(
        self, api, director, salesperson, office, other_office
    ):
        """The director sees every office, but a household never spans two."""
        customer = customer_of(office, salesperson)
        stranger = customer_of(other_office)
        api.force_authenticate(director)
        before = state()
        response = link(api, customer, stranger)
        assert response.status_code == 400
        assert "member" in response.json()
        assert state() == before

    def test_unknown_member_is_400(self, api, salesperson, office):
        customer = customer_of(office, salesperson)
        api.force_authenticate(salesperson)
        assert link(api, customer, 99999999).status_code == 400

    def test_already_linked_is_409(self, api, salesperson, office):
        a = customer_of(office, salesperson, days_ago=3)
        b = customer_of(office, days_ago=2)
        api.force_authenticate(salesperson)
        assert link(api, a, b).status_code == 201
        before = state()
        response = link(api, b, a, "spouse")
        assert (response.status_code, response.json()["code"]) == (409, "already_linked")
        assert state() == before

    def test_closing_a_cycle_is_409(self, api, salesperson, office):
        """a–b and b–c linked: a and c are one household already; a–c would be a cycle."""
        a = customer_of(office, salesperson, days_ago=3)
        b = customer_of(office, days_ago=2)
        c = customer_of(office, days_ago=1)
        api.force_authenticate(salesperson)
        assert link(api, a, b).status_code == 201
        assert link(api, b, c, "child").status_code == 201
        before = state()
        response = link(api, c, a, "parent")
        assert (response.status_code, response.json()["code"]) == (409, "already_linked")
        assert state() == before


class TestLinkPermissions:
    @pytest.mark.parametrize("role", ["other_salesperson", "secretary", "finance"])
    def test_not_the_owner_nor_a_manager_is_403(self, request, api, salesperson, office, role):
        customer = customer_of(office, salesperson)
        other = customer_of(office)
        api.force_authenticate(request.getfixturevalue(role))
        before = state()
        assert link(api, customer, other).status_code == 403
        assert state() == before

    def test_former_owner_of_a_released_claim_is_403(self, api, salesperson, office):
        customer = customer_of(office, salesperson, days_ago=9)
        other = customer_of(office)
        api.force_authenticate(salesperson)
        assert link(api, customer, other).status_code == 403

    def test_director_links(self, api, director, office):
        assert link_ok(api, director, office)

    def test_manager_of_another_office_gets_404(self, api, other_manager, salesperson, office):
        customer = customer_of(office, salesperson)
        other = customer_of(office)
        api.force_authenticate(other_manager)
        assert link(api, customer, other).status_code == 404
        assert HouseholdLink.objects.count() == 0

    def test_anonymous_is_401(self, api, salesperson, office):
        customer = customer_of(office, salesperson)
        assert link(api, customer, customer_of(office)).status_code == 401


def link_ok(api, user, office) -> bool:
    customer, other = customer_of(office, days_ago=2), customer_of(office)
    api.force_authenticate(user)
    return link(api, customer, other).status_code == 201


def timeline_url(customer):
    return f"/api/v1/customers/{customer.pk}/timeline/"


class TestTimelineR56:
    @pytest.fixture
    def story(self, api, office, secretary, salesperson, frozen):
        """10:00 the desk registers a walk-in who names the salesperson (registration, visit,
        claim start); 11:30 the salesperson logs a call; next day the manager links the wife."""
        frozen.move_to(datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI))
        visit, _ = visit_register(
            office=office,
            actor=secretary,
            phone="13800138000",
            name="陈先生",
            source_channel=channel(),
            named_salesperson=salesperson,
            now=datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI),
        )
        frozen.move_to(datetime(2026, 3, 2, 11, 30, tzinfo=SHANGHAI))
        api.force_authenticate(salesperson)
        logged = api.post(
            "/api/v1/followups/",
            {"customer": visit.customer_id, "kind": "call", "note": "约周六看样板间"},
            format="json",
        )
        assert logged.status_code == 201, logged.json()
        api.force_authenticate(None)
        frozen.move_to(NOW)
        return visit.customer

    def test_registration_visit_followup_and_claim_events_in_order(
        self, api, salesperson, secretary, story
    ):
        api.force_authenticate(salesperson)
        response = api.get(timeline_url(story))
        assert response.status_code == 200, response.json()
        entries = response.json()
        assert isinstance(entries, list)  # the whole history, not paginated
        assert [e["kind"] for e in entries] == [
            "registration",
            "visit",
            "claim_started",
            "followup",
            "claim_contact",
        ]
        assert [e["at"] for e in entries] == [
            "2026-03-02T10:00:00+08:00",
            "2026-03-02T10:00:00+08:00",
            "2026-03-02T10:00:00+08:00",
            "2026-03-02T11:30:00+08:00",
            "2026-03-02T11:30:00+08:00",
        ]
        registration, visit, started, followup, contact = entries
        assert registration["actor"] == str(secretary)
        assert visit["detail"]["rule"] == "named"
        assert started["detail"]["owner"] == str(salesperson)
        assert (followup["actor"], followup["detail"]["note"]) == (
            str(salesperson),
            "约周六看样板间",
        )
        assert followup["detail"]["voided"] is False
        assert contact["detail"]["followup"] == followup["detail"]["followup"]

    def test_a_linked_members_history_joins_the_household_timeline(
        self, api, manager, salesperson, office, story
    ):
        wife = customer_of(office, days_ago=0)
        api.force_authenticate(manager)
        assert link(api, story, wife).status_code == 201
        kinds = [e["kind"] for e in api.get(timeline_url(wife)).json()]
        assert kinds.count("registration") == 2
        assert kinds[-1] == "household_link"
        assert "followup" in kinds

    @pytest.mark.parametrize("role", ["salesperson", "manager", "director"])
    def test_owner_manager_director_may_read(self, request, api, story, role):
        api.force_authenticate(request.getfixturevalue(role))
        assert api.get(timeline_url(story)).status_code == 200

    @pytest.mark.parametrize("role", ["other_salesperson", "secretary", "finance"])
    def test_others_are_403(self, request, api, story, role):
        api.force_authenticate(request.getfixturevalue(role))
        assert api.get(timeline_url(story)).status_code == 403

    def test_another_office_is_404(self, api, other_manager, story):
        api.force_authenticate(other_manager)
        assert api.get(timeline_url(story)).status_code == 404

    def test_anonymous_is_401(self, api, story):
        assert api.get(timeline_url(story)).status_code == 401

    def test_salesperson_of_another_office_holding_nothing_is_404(self, api, other_office, story):
        riverside = UserFactory(username="sp-river", roles=["salesperson"], offices=[other_office])
        api.force_authenticate(riverside)
        assert api.get(timeline_url(story)).status_code == 404
