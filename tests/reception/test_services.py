"""The assignment service, case by case of R-2.1 / R-2.3 / R-2.5, against PostgreSQL."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from attribution.choices import ClaimStatus
from attribution.models import Claim, ClaimEvent
from common.errors import DomainError
from leads.factories import CustomerFactory, channel
from leads.models import Customer
from notifications.models import Notification
from reception import services
from reception.choices import DutyStatus, ResearchStatus
from reception.factories import roster_for
from reception.models import DutyState, Roster, Visit
from staff.choices import Role
from staff.factories import UserFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=SH)  # a Saturday morning
TODAY = NOW.date()


@pytest.fixture
def team(office, manager):
    people = [
        UserFactory(username=f"sp{i}", roles=[Role.SALESPERSON], offices=[office])
        for i in range(1, 4)
    ]
    return people


def register(office, secretary, phone, minutes=0, **kw):
    visit, _ = services.visit_register(
        office=office,
        actor=secretary,
        phone=phone,
        source_channel=channel(),
        now=NOW + datetime.timedelta(minutes=minutes),
        **kw,
    )
    return visit


def claim_for(owner, office, days_ago=1):
    customer = CustomerFactory(office=office, registered_by=owner)
    from attribution.services import claim_start

    claim_start(
        household=customer.household,
        owner=owner,
        now=NOW - datetime.timedelta(days=days_ago),
        actor=owner,
        detail={},
    )
    return customer


class TestAssignmentOrder:
    def test_r_2_1_case_1_active_claim_goes_to_owner_and_extends_protection(
        self, office, secretary, manager, team
    ):
        roster_for(office, TODAY, team, manager=manager)
        customer = claim_for(team[2], office, days_ago=3)
        visit = register(office, secretary, customer.phone, named_salesperson=team[0])
        assert visit.rule == "owner"
        assert visit.assigned_to == team[2]
        assert visit.named_salesperson == team[0]  # a possible dispute, recorded
        claim = visit.claim
        claim.refresh_from_db()
        assert claim.last_contact_at == NOW  # a visit received by the owner counts
        assert claim.protected_until == datetime.datetime(2026, 12, 6, 0, 0, tzinfo=SH)
        assert Roster.objects.get(office=office, date=TODAY).pointer == 1  # no turn used
        assert Notification.objects.filter(recipient=team[2], kind="visit_assigned").count() == 1

    def test_r_2_1_case_2_named_salesperson_gets_claim_without_turn(
        self, office, secretary, manager, team
    ):
        roster_for(office, TODAY, team, manager=manager)
        visit = register(office, secretary, "13800000001", named_salesperson=team[1])
        assert (visit.rule, visit.assigned_to) == ("named", team[1])
        assert visit.claim.owner == team[1]
        assert visit.claim.started_at == NOW
        assert Roster.objects.get(office=office, date=TODAY).pointer == 1

    def test_r_2_1_case_3_referral_in_person_goes_to_referrers_owner(
        self, office, secretary, manager, team
    ):
        roster_for(office, TODAY, team, manager=manager)
        referrer = claim_for(team[2], office)
        visit = register(office, secretary, "13800000002", referrer=referrer)
        assert (visit.rule, visit.assigned_to) == ("referral", team[2])

    def test_r_4_3_pre_registered_referral(self, office, secretary, manager, team):
        roster_for(office, TODAY, team, manager=manager)
        referrer = claim_for(team[1], office)
        services.referral_register(
            office=office,
            actor=secretary,
            referrer=referrer,
            phone="138 0000 0003",
            name="小王",
            now=NOW - datetime.timedelta(days=1),
        )
        visit = register(office, secretary, "13800000003")
        assert (visit.rule, visit.assigned_to, visit.referrer) == ("referral", team[1], referrer)

    def test_r_4_3_referrer_without_owner_is_treated_as_new(self, office, secretary, manager, team):
        roster_for(office, TODAY, team, manager=manager)
        referrer = CustomerFactory(office=office)  # never claimed
        visit = register(office, secretary, "13800000004", referrer=referrer)
        assert (visit.rule, visit.assigned_to) == ("rotation", team[0])

    def test_r_3_4_released_customer_goes_to_rotation(self, office, secretary, manager, team):
        roster_for(office, TODAY, team, manager=manager)
        customer = claim_for(team[2], office, days_ago=9)  # protection ended
        visit = register(office, secretary, customer.phone)
        assert (visit.rule, visit.assigned_to) == ("rotation", team[0])
        old = Claim.objects.get(household=customer.household, owner=team[2])
        assert old.status == ClaimStatus.RELEASED
        assert ClaimEvent.objects.filter(claim=old, kind="released").count() == 1


class TestRotation:
    def test_r_2_3_three_walk_ins_go_round_in_order(self, office, secretary, manager, team):
        roster_for(office, TODAY, team, manager=manager)
        got = [
            register(office, secretary, f"1370000000{i}", minutes=i).assigned_to for i in range(4)
        ]
        assert got == [team[0], team[1], team[2], team[0]]
        assert Roster.objects.get(office=office, date=TODAY).pointer == 2

    def test_r_2_3_business_absence_is_owed_and_repaid(self, office, secretary, manager, team):
        roster_for(
            office, TODAY, team, manager=manager, statuses={team[0]: DutyStatus.AWAY_BUSINESS}
        )
        first = register(office, secretary, "13700000001")
        assert first.assigned_to == team[1]
        assert first.skipped == [{"salesperson": team[0].pk, "reason": "away_business"}]
        assert DutyState.objects.get(salesperson=team[0]).owed_turns == 1
        services.duty_status_set(office=office, salesperson=team[0], status="available", now=NOW)
        second = register(office, secretary, "13700000002", minutes=1)
        third = register(office, secretary, "13700000003", minutes=2)
        assert second.assigned_to == team[2]
        # pointer back at team[0], who has an owed turn: they get it and keep the pointer
        assert (third.assigned_to, third.owed_turn_used) == (team[0], True)
        fourth = register(office, secretary, "13700000004", minutes=3)
        assert (fourth.assigned_to, fourth.owed_turn_used) == (team[0], False)
        assert DutyState.objects.get(salesperson=team[0]).owed_turns == 0

    def test_r_2_3_private_absence_loses_the_turn(self, office, secretary, manager, team):
        roster_for(
            office, TODAY, team, manager=manager, statuses={team[0]: DutyStatus.AWAY_PRIVATE}
        )
        visit = register(office, secretary, "13700000001")
        assert visit.assigned_to == team[1]
        assert DutyState.objects.get(salesperson=team[0]).owed_turns == 0

    def test_r_2_2_owed_turns_carry_over_to_the_next_day(self, office, secretary, manager, team):
        roster_for(office, TODAY, team, manager=manager, owed={team[2]: 1})
        tomorrow = TODAY + datetime.timedelta(days=1)
        services.roster_set(
            office=office, date=tomorrow, salespeople=[team[2], team[0]], actor=manager
        )
        visit, _ = services.visit_register(
            office=office,
            actor=secretary,
            phone="13700000009",
            source_channel=channel(),
            now=NOW + datetime.timedelta(days=1),
        )
        assert (visit.assigned_to, visit.owed_turn_used) == (team[2], True)

    def test_r_2_3_nobody_available_waits_unassigned(self, office, secretary, manager, team):
        busy = {p: DutyStatus.BUSY for p in team}
        roster_for(office, TODAY, team, manager=manager, statuses=busy)
        visit = register(office, secretary, "13700000001")
        assert (visit.rule, visit.assigned_to, visit.unassigned_reason) == (
            "unassigned",
            None,
            "nobody_available",
        )
        assert visit.claim is None
        assert sum(DutyState.objects.values_list("owed_turns", flat=True)) == 0
        assert Notification.objects.filter(recipient=manager, kind="visit_waiting").exists()

    def test_no_roster_today_waits_for_manager(self, office, secretary, manager):
        visit = register(office, secretary, "13700000001")
        assert (visit.rule, visit.unassigned_reason) == ("unassigned", "no_roster")

    def test_r_2_5_large_party_not_one_household_goes_to_manager(
        self, office, secretary, manager, team
    ):
        roster_for(office, TODAY, team, manager=manager)
        visit = register(office, secretary, "13700000001", party_size=6, one_household=False)
        assert (visit.rule, visit.unassigned_reason) == ("unassigned", "large_party")
        assert Roster.objects.get(office=office, date=TODAY).pointer == 1
        family = register(office, secretary, "13700000002", party_size=6, one_household=True)
        assert family.rule == "rotation"


class TestOverridesAndResearch:
    def test_r_2_4_manager_assigns_waiting_visit_with_reason(
        self, office, secretary, manager, team
    ):
        roster_for(office, TODAY, team, manager=manager)
        visit = register(office, secretary, "13700000001", party_size=8, one_household=False)
        services.visit_reassign(
            visit=visit, salesperson=team[1], reason="团购客户，熟悉流程", actor=manager, now=NOW
        )
        visit.refresh_from_db()
        assert (visit.rule, visit.assigned_to) == ("manager", team[1])
        assert visit.claim.owner == team[1]
        event = visit.timeline.get(kind="override")
        assert event.detail["reason"] == "团购客户，熟悉流程"
        assert event.actor == manager

    def test_r_2_4_override_moves_the_claim_the_visit_started(
        self, office, secretary, manager, team
    ):
        roster_for(office, TODAY, team, manager=manager)
        visit = register(office, secretary, "13700000001")
        services.visit_reassign(
            visit=visit, salesperson=team[2], reason="客户要求", actor=manager, now=NOW
        )
        claim = Claim.objects.get(household=visit.customer.household, status="active")
        assert claim.owner == team[2]
        assert claim.timeline.filter(kind="reassigned").count() == 1

    def test_override_needs_a_reason(self, office, secretary, manager, team):
        roster_for(office, TODAY, team, manager=manager)
        visit = register(office, secretary, "13700000001")
        with pytest.raises(ValidationError):
            services.visit_reassign(
                visit=visit, salesperson=team[2], reason="  ", actor=manager, now=NOW
            )

    def test_r_2_6_research_flag_confirm_approve_gives_owed_turn(
        self, office, secretary, manager, director, team
    ):
        roster_for(office, TODAY, team, manager=manager)
        visit = register(office, secretary, "13700000001")
        receiver = visit.assigned_to
        with pytest.raises(DomainError):  # only the director approves
            services.visit_research_step(visit=visit, step="approve", actor=secretary, now=NOW)
        services.visit_research_step(visit=visit, step="flag", actor=receiver, now=NOW)
        services.visit_research_step(visit=visit, step="confirm", actor=secretary, now=NOW)
        with pytest.raises(DomainError):
            services.visit_research_step(visit=visit, step="approve", actor=manager, now=NOW)
        services.visit_research_step(visit=visit, step="approve", actor=director, now=NOW)
        visit.refresh_from_db()
        assert visit.research_status == ResearchStatus.APPROVED
        assert DutyState.objects.get(salesperson=receiver).owed_turns == 1


class TestBadInput:
    @pytest.mark.parametrize("phone", ["", "abc", "1380000"])
    def test_bad_phone_saves_nothing(self, office, secretary, phone):
        with pytest.raises(ValidationError) as exc:
            register(office, secretary, phone)
        assert "phone" in exc.value.message_dict
        assert Customer.objects.count() == 0
        assert Visit.objects.count() == 0

    @pytest.mark.parametrize("size", [0, 500])
    def test_bad_party_size_saves_nothing(self, office, secretary, size):
        with pytest.raises(ValidationError) as exc:
            register(office, secretary, "13800000001", party_size=size)
        assert "party_size" in exc.value.message_dict
        assert Customer.objects.count() == 0

    def test_named_salesperson_of_another_office(
        self, office, secretary, other_manager, other_office
    ):
        stranger = UserFactory(username="far", roles=[Role.SALESPERSON], offices=[other_office])
        with pytest.raises(ValidationError) as exc:
            register(office, secretary, "13800000001", named_salesperson=stranger)
        assert "named_salesperson" in exc.value.message_dict

    def test_roster_with_non_salesperson_or_duplicate(self, office, manager, secretary, team):
        with pytest.raises(ValidationError):
            services.roster_set(
                office=office, date=TODAY, salespeople=[team[0], secretary], actor=manager
            )
        with pytest.raises(ValidationError):
            services.roster_set(
                office=office, date=TODAY, salespeople=[team[0], team[0]], actor=manager
            )
        assert not Roster.objects.exists()

    def test_duty_status_for_someone_not_on_roster(self, office, manager, team):
        roster_for(office, TODAY, team[:2], manager=manager)
        with pytest.raises(ValidationError):
            services.duty_status_set(office=office, salesperson=team[2], status="busy", now=NOW)

    def test_double_submission_within_window_is_409(self, office, secretary, manager, team):
        roster_for(office, TODAY, team, manager=manager)
        register(office, secretary, "13800000001")
        with pytest.raises(DomainError) as exc:
            register(office, secretary, "138-0000-0001", minutes=1)
        assert exc.value.code == "duplicate"
        assert Visit.objects.count() == 1

    def test_same_idempotency_key_returns_the_first_visit(self, office, secretary, manager, team):
        roster_for(office, TODAY, team, manager=manager)
        first = register(office, secretary, "13800000001", idempotency_key="k1")
        again, created = services.visit_register(
            office=office,
            actor=secretary,
            phone="13800000001",
            source_channel=channel(),
            now=NOW,
            idempotency_key="k1",
        )
        assert (again.pk, created) == (first.pk, False)


class TestCalls:
    def test_r_2_7_claimed_caller_is_put_through_to_owner(self, office, secretary, team):
        customer = claim_for(team[0], office)
        call = services.call_register(
            office=office,
            actor=secretary,
            kind="customer",
            phone=customer.phone,
            content="问价格",
            now=NOW,
        )
        assert call.put_through_to == team[0]
        assert Notification.objects.filter(recipient=team[0], kind="call_put_through").exists()

    def test_r_2_7_new_caller_becomes_unowned_customer(self, office, secretary):
        call = services.call_register(
            office=office,
            actor=secretary,
            kind="customer",
            phone="13900000001",
            name="李先生",
            content="问户型",
            now=NOW,
        )
        assert call.is_new_customer and call.put_through_to is None
        assert call.customer.source_channel.code == "phone"
        assert not Claim.objects.filter(household=call.customer.household).exists()

    def test_r_2_7_non_customer_call_needs_caller_and_content(self, office, secretary):
        with pytest.raises(ValidationError):
            services.call_register(
                office=office, actor=secretary, kind="non_customer", content="x", now=NOW
            )
        call = services.call_register(
            office=office,
            actor=secretary,
            kind="non_customer",
            caller="物业公司",
            content="停车位",
            now=NOW,
        )
        assert call.customer is None
