"""Ownership services against PostgreSQL: follow-ups (R-3.2, R-3.3), voiding (R-3.8),
households (R-4.1, R-4.2) and disputes (R-5.6)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from attribution.choices import ClaimEventKind, ClaimStatus, DisputeStatus
from attribution.models import Claim, ClaimEvent, Dispute, FollowUp, HouseholdLink
from attribution.services import (
    NoRelation,
    NotYourCustomer,
    claim_active,
    claim_reassign_released,
    claim_start,
    claim_transfer,
    claims_expire_stale,
    collision_record,
    dispute_open,
    dispute_rule,
    followup_log,
    followup_void,
    household_link,
)
from common.errors import DomainError
from leads.factories import CustomerFactory, channel
from leads.models import Customer, Household
from notifications.messages import render as render_notification
from notifications.models import Notification
from reception import services as reception
from staff.choices import Role
from staff.factories import UserFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SH)


# The worked example: last contact Mon 2026-03-02 15:00 → protected through Mon
# 2026-03-09 23:59:59 → released 2026-03-10 00:00.
MONDAY = at(2026, 3, 2, 15, 0)
RELEASE = at(2026, 3, 10, 0, 0)
TICK = datetime.timedelta(microseconds=1)


def customer_in(office, *, registered_at=None, **kwargs) -> Customer:
    return CustomerFactory(
        office=office, registered_at=registered_at or at(2026, 2, 1, 9, 0), **kwargs
    )


def claimed(office, owner, start: datetime.datetime, **kwargs) -> tuple[Customer, Claim]:
    """A customer whose household `owner` claimed at `start` (their registration, R-3.1)."""
    customer = customer_in(office, **kwargs)
    claim = claim_start(
        household=customer.household, owner=owner, now=start, actor=owner, detail={}
    )
    return customer, claim


def log(customer, author, now, **kwargs) -> FollowUp:
    kwargs.setdefault("kind", "call")
    kwargs.setdefault("note", "谈了首付比例")
    return followup_log(customer=customer, author=author, now=now, **kwargs)


def events(claim, kind=None) -> list[ClaimEvent]:
    qs = ClaimEvent.objects.filter(claim=claim).order_by("pk")
    return list(qs.filter(kind=kind) if kind else qs)


def snapshot(claim: Claim) -> tuple:
    claim.refresh_from_db()
    return (
        claim.status,
        claim.owner_id,
        claim.household_id,
        claim.last_contact_at,
        claim.protected_until,
        ClaimEvent.objects.filter(claim=claim).count(),
    )


# ---------------------------------------------------------------- follow-ups


class TestFollowUp:
    def test_r_3_2_worked_example_protected_through_d_plus_7_released_at_00_00_of_d_plus_8(
        self, office, salesperson
    ):
        customer, claim = claimed(office, salesperson, at(2026, 2, 27, 10, 0))

        followup = log(customer, salesperson, MONDAY)

        claim.refresh_from_db()
        assert followup.claim_id == claim.pk and followup.at == MONDAY
        assert claim.last_contact_at == MONDAY
        assert claim.protected_until == RELEASE
        contact = events(claim, ClaimEventKind.CONTACT)[-1]
        assert contact.detail["followup"] == followup.pk and contact.actor == salesperson
        household = customer.household
        assert claim_active(household=household, now=at(2026, 3, 9, 23, 59, 59)) == claim
        assert claim_active(household=household, now=RELEASE - TICK) == claim
        assert claim_active(household=household, now=RELEASE) is None
        assert claims_expire_stale(now=RELEASE - TICK) == 0
        assert claims_expire_stale(now=RELEASE) == 1
        claim.refresh_from_db()
        assert claim.status == ClaimStatus.RELEASED and claim.ended_at == RELEASE

    def test_r_3_2_the_local_day_of_the_contact_decides_not_the_hour(self, office, salesperson):
        customer, claim = claimed(office, salesperson, at(2026, 2, 27, 10, 0))
        log(customer, salesperson, at(2026, 3, 2, 0, 0, 1))  # just after midnight
        claim.refresh_from_db()
        assert claim.protected_until == RELEASE
        log(customer, salesperson, at(2026, 3, 2, 23, 59, 59))  # the same day, later
        claim.refresh_from_db()
        assert claim.protected_until == RELEASE

    def test_r_3_2_a_backdated_follow_up_older_than_the_last_contact_does_not_shorten(
        self, office, salesperson
    ):
        customer, claim = claimed(office, salesperson, at(2026, 2, 27, 10, 0))
        log(customer, salesperson, MONDAY)

        old = log(customer, salesperson, at(2026, 3, 3, 10, 0), at=at(2026, 2, 28, 9, 0))

        claim.refresh_from_db()
        assert FollowUp.objects.filter(pk=old.pk, at=at(2026, 2, 28, 9, 0)).exists()  # kept
        assert claim.last_contact_at == MONDAY
        assert claim.protected_until == RELEASE

    def test_r_3_2_a_backdated_follow_up_extends_from_when_it_happened_not_when_logged(
        self, office, salesperson
    ):
        customer, claim = claimed(office, salesperson, at(2026, 2, 27, 10, 0))
        log(customer, salesperson, at(2026, 3, 4, 9, 0), at=MONDAY)
        claim.refresh_from_db()
        assert claim.last_contact_at == MONDAY and claim.protected_until == RELEASE

    def test_r_3_2_a_phone_clock_ahead_across_midnight_does_not_win_a_day(
        self, office, salesperson
    ):
        """Logged at 23:59:30 by the server, `at` 00:00:30 by a phone one minute fast (within
        the accepted skew): the contact happened on day D, so protection ends after D+7."""
        customer, claim = claimed(office, salesperson, at(2026, 2, 27, 10, 0))
        now = at(2026, 3, 2, 23, 59, 30)

        log(customer, salesperson, now, at=at(2026, 3, 3, 0, 0, 30))

        claim.refresh_from_db()
        assert claim.last_contact_at <= now
        assert claim.protected_until == RELEASE

    @pytest.mark.parametrize(
        "rule, change, field",
        [
            ("R-3.2 a follow-up needs a written note", {"note": ""}, "note"),
            ("R-3.2 a note of blanks is no note", {"note": "  \n "}, "note"),
            ("R-3.2 call, visit, message or meeting", {"kind": "lunch"}, "kind"),
            (
                "a follow-up cannot be in the future (beyond the clock skew)",
                {"at": MONDAY + datetime.timedelta(minutes=3)},
                "at",
            ),
        ],
    )
    def test_invalid_follow_up_is_refused_and_nothing_is_saved(
        self, office, salesperson, rule, change, field
    ):
        customer, claim = claimed(office, salesperson, at(2026, 2, 27, 10, 0))
        before = snapshot(claim)

        with pytest.raises(ValidationError) as caught:
            log(customer, salesperson, MONDAY, **change)

        assert field in caught.value.message_dict, rule
        assert FollowUp.objects.count() == 0, rule
        assert snapshot(claim) == before, rule

    def test_not_the_owner_is_refused_with_403(self, office, salesperson, other_salesperson):
        customer, claim = claimed(office, salesperson, at(2026, 2, 27, 10, 0))
        before = snapshot(claim)

        with pytest.raises(NotYourCustomer) as caught:
            log(customer, other_salesperson, MONDAY)

        assert caught.value.status_code == 403 and caught.value.code == "not_owner"
        assert FollowUp.objects.count() == 0
        assert snapshot(claim) == before

    def test_unclaimed_customer_is_not_yours(self, office, salesperson):
        with pytest.raises(NotYourCustomer):
            log(customer_in(office), salesperson, MONDAY)
        assert FollowUp.objects.count() == 0

    def test_r_3_3_claim_released_by_the_job_refuses_the_follow_up(self, office, salesperson):
        customer, claim = claimed(office, salesperson, MONDAY)
        assert claims_expire_stale(now=RELEASE) == 1
        before = snapshot(claim)

        with pytest.raises(DomainError) as caught:
            log(customer, salesperson, RELEASE + datetime.timedelta(hours=9))

        assert caught.value.code == "claim_released"
        assert FollowUp.objects.count() == 0
        assert snapshot(claim) == before

    def test_r_3_3_claim_past_protection_is_released_on_read_before_any_job(
        self, office, salesperson
    ):
        customer, claim = claimed(office, salesperson, MONDAY)
        before = snapshot(claim)
        assert before[0] == ClaimStatus.ACTIVE  # no job has run

        with pytest.raises(DomainError) as caught:
            log(customer, salesperson, RELEASE)  # the very instant of release

        assert caught.value.code == "claim_released"
        assert FollowUp.objects.count() == 0
        assert snapshot(claim) == before

    def test_r_3_3_one_instant_before_release_the_follow_up_extends(self, office, salesperson):
        customer, claim = claimed(office, salesperson, MONDAY)
        log(customer, salesperson, RELEASE - TICK)
        claim.refresh_from_db()
        assert claim.status == ClaimStatus.ACTIVE
        assert claim.protected_until == at(2026, 3, 17, 0, 0)  # last contact on 03-09

    def test_r_3_3_claim_active_evaluates_release_on_read(self, office, salesperson):
        customer, claim = claimed(office, salesperson, MONDAY)
        household = customer.household
        assert claim_active(household=household, now=RELEASE - TICK) == claim
        assert claim_active(household=household, now=RELEASE) is None
        assert claim_active(household=household, now=RELEASE + datetime.timedelta(days=30)) is None
        claim.refresh_from_db()
        assert claim.status == ClaimStatus.ACTIVE  # reading changed nothing

    def test_r_3_7_a_deal_takes_follow_ups_and_never_expires(self, office, salesperson):
        customer, claim = claimed(office, salesperson, MONDAY)
        Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.DEAL)
        later = RELEASE + datetime.timedelta(days=20)
        followup = log(customer, salesperson, later)
        assert followup.claim_id == claim.pk
        assert claims_expire_stale(now=later + datetime.timedelta(days=30)) == 0
        claim.refresh_from_db()
        assert claim.status == ClaimStatus.DEAL


# ---------------------------------------------------------------- voiding


class TestVoid:
    def test_r_3_8_protection_is_recomputed_from_the_remaining_contacts(
        self, office, salesperson, secretary, manager
    ):
        customer, claim = claimed(office, salesperson, at(2026, 3, 1, 10, 0))
        early = log(customer, salesperson, at(2026, 3, 3, 11, 0))
        # a visit received by the owner is a qualifying contact: the desk records it
        visit, _ = reception.visit_register(
            office=office,
            actor=secretary,
            phone=customer.phone,
            source_channel=channel(),
            now=at(2026, 3, 5, 16, 0),
        )
        assert visit.claim_id == claim.pk and visit.assigned_to == salesperson
        late = log(customer, salesperson, at(2026, 3, 9, 10, 0))
        claim.refresh_from_db()
        assert claim.protected_until == at(2026, 3, 17, 0, 0)

        followup_void(followup=late, actor=manager, reason="没打通", now=at(2026, 3, 10, 9, 0))

        claim.refresh_from_db()
        assert claim.status == ClaimStatus.ACTIVE
        assert claim.last_contact_at == at(2026, 3, 5, 16, 0)  # the visit
        assert claim.protected_until == at(2026, 3, 13, 0, 0)
        [voided] = events(claim, ClaimEventKind.CONTACT_VOIDED)
        assert voided.detail == {"followup": late.pk, "reason": "没打通"}
        assert voided.actor == manager
        assert events(claim, ClaimEventKind.RELEASED) == []
        late.refresh_from_db()
        assert late.voided_at == at(2026, 3, 10, 9, 0) and late.voided_by == manager

        # voiding an older follow-up: the visit still stands
        followup_void(followup=early, actor=manager, reason="重复", now=at(2026, 3, 10, 9, 5))
        claim.refresh_from_db()
        assert claim.protected_until == at(2026, 3, 13, 0, 0)
        assert claim.status == ClaimStatus.ACTIVE

    def test_r_3_8_protection_falls_into_the_past_and_the_claim_is_released(
        self, office, salesperson, manager
    ):
        customer, claim = claimed(office, salesperson, MONDAY)
        only = log(customer, salesperson, at(2026, 3, 8, 10, 0))
        void_at = at(2026, 3, 12, 9, 0)

        followup_void(followup=only, actor=manager, reason="编造的记录", now=void_at)

        claim.refresh_from_db()
        assert claim.status == ClaimStatus.RELEASED
        assert claim.ended_at == void_at
        assert claim.last_contact_at == MONDAY  # the start is all that remains
        assert claim.protected_until == RELEASE
        kinds = [e.kind for e in events(claim)]
        assert kinds[-2:] == [ClaimEventKind.CONTACT_VOIDED, ClaimEventKind.RELEASED]
        [released] = events(claim, ClaimEventKind.RELEASED)
        assert released.detail == {"reason": "contact_voided"} and released.at == void_at
        assert claim_active(household=customer.household, now=void_at) is None
        # the job finds nothing more to release: one release event, ever
        assert claims_expire_stale(now=void_at) == 0
        assert len(events(claim, ClaimEventKind.RELEASED)) == 1

    def test_r_3_8_voiding_twice_is_refused(self, office, salesperson, manager):
        customer, claim = claimed(office, salesperson, at(2026, 3, 1, 10, 0))
        followup = log(customer, salesperson, MONDAY)
        followup_void(followup=followup, actor=manager, reason="错录", now=MONDAY)
        before = snapshot(claim)

        with pytest.raises(DomainError) as caught:
            followup_void(followup=followup, actor=manager, reason="再来", now=MONDAY)

        assert caught.value.code == "already_void"
        assert snapshot(claim) == before
        followup.refresh_from_db()
        assert followup.void_reason == "错录"

    def test_voiding_needs_a_reason(self, office, salesperson, manager):
        customer, claim = claimed(office, salesperson, at(2026, 3, 1, 10, 0))
        followup = log(customer, salesperson, MONDAY)
        with pytest.raises(ValidationError):
            followup_void(followup=followup, actor=manager, reason=" ", now=MONDAY)
        followup.refresh_from_db()
        assert followup.voided_at is None


# ---------------------------------------------------------------- households


def household_of(customer) -> int:
    return Customer.objects.values_list("household", flat=True).get(pk=customer.pk)


class TestHousehold:
    NOW = at(2026, 3, 5, 10, 0)

    def test_r_4_1_members_share_the_household_of_the_earlier_registration(self, office, manager):
        husband = customer_in(office, registered_at=at(2026, 1, 5, 9, 0))
        wife = customer_in(office, registered_at=at(2026, 2, 5, 9, 0))
        wife_household = wife.household

        link = household_link(
            customer=wife, member=husband, relation="spouse", actor=manager, now=self.NOW
        )

        assert household_of(wife) == household_of(husband) == husband.household_id
        wife_household.refresh_from_db()
        assert wife_household.merged_into_id == husband.household_id
        assert (link.customer, link.member, link.relation, link.by) == (
            wife,
            husband,
            "spouse",
            manager,
        )

    def test_r_4_2_two_active_claims_different_owners_earlier_keeps_later_merged_with_dispute(
        self, office, manager, salesperson, other_salesperson
    ):
        father, kept = claimed(
            office, salesperson, at(2026, 3, 1, 10, 0), registered_at=at(2026, 3, 1, 10, 0)
        )
        son, gone = claimed(
            office, other_salesperson, at(2026, 3, 2, 10, 0), registered_at=at(2026, 3, 2, 10, 0)
        )

        household_link(customer=son, member=father, relation="parent", actor=manager, now=self.NOW)

        kept.refresh_from_db()
        gone.refresh_from_db()
        assert household_of(son) == household_of(father) == kept.household_id
        assert kept.status == ClaimStatus.ACTIVE and kept.owner == salesperson
        assert gone.status == ClaimStatus.MERGED and gone.ended_at == self.NOW
        [merged] = events(gone, ClaimEventKind.MERGED)
        assert merged.detail == {"into_claim": kept.pk, "owner_kept": salesperson.pk}
        assert merged.actor == manager and merged.owner == other_salesperson
        [dispute] = Dispute.objects.all()
        assert dispute.automatic is True and dispute.opened_by is None
        assert dispute.claimant == other_salesperson and dispute.customer == son
        assert dispute.status == DisputeStatus.OPEN and dispute.office == office
        assert claim_active(household=father.household, now=self.NOW) == kept

    def test_r_4_2_registration_order_decides_not_the_direction_of_the_link(
        self, office, manager, salesperson, other_salesperson
    ):
        father, kept = claimed(
            office, salesperson, at(2026, 3, 1, 10, 0), registered_at=at(2026, 3, 1, 10, 0)
        )
        son, gone = claimed(
            office, other_salesperson, at(2026, 3, 2, 10, 0), registered_at=at(2026, 3, 2, 10, 0)
        )
        household_link(customer=father, member=son, relation="child", actor=manager, now=self.NOW)
        gone.refresh_from_db()
        assert gone.status == ClaimStatus.MERGED
        assert household_of(son) == father.household_id
        assert Dispute.objects.get().claimant == other_salesperson

    def test_r_4_2_same_owner_merged_without_dispute(self, office, manager, salesperson):
        father, kept = claimed(
            office, salesperson, at(2026, 3, 1, 10, 0), registered_at=at(2026, 3, 1, 10, 0)
        )
        son, gone = claimed(
            office, salesperson, at(2026, 3, 2, 10, 0), registered_at=at(2026, 3, 2, 10, 0)
        )

        household_link(customer=son, member=father, relation="parent", actor=manager, now=self.NOW)

        gone.refresh_from_db()
        assert gone.status == ClaimStatus.MERGED
        assert len(events(gone, ClaimEventKind.MERGED)) == 1
        assert Dispute.objects.count() == 0
        assert claim_active(household=father.household, now=self.NOW) == kept

    def test_r_4_2_only_the_later_household_claimed_the_claim_follows_its_customers(
        self, office, manager, salesperson
    ):
        father = customer_in(office, registered_at=at(2026, 2, 1, 10, 0))
        son, claim = claimed(
            office, salesperson, at(2026, 3, 2, 10, 0), registered_at=at(2026, 3, 2, 10, 0)
        )

        household_link(customer=son, member=father, relation="parent", actor=manager, now=self.NOW)

        claim.refresh_from_db()
        assert claim.household_id == father.household_id == household_of(son)
        assert claim.status == ClaimStatus.ACTIVE and claim.owner == salesperson
        assert events(claim, ClaimEventKind.MERGED) == []
        assert claim_active(household=father.household, now=self.NOW) == claim
        assert Dispute.objects.count() == 0

    def test_r_4_2_a_lapsed_claim_of_the_kept_household_gives_way_to_the_active_one(
        self, office, manager, salesperson, other_salesperson
    ):
        """The kept household's claim is past protection but no job has released it yet
        (R-3.3): the other household's active claim follows into the household."""
        father, lapsed = claimed(
            office, salesperson, at(2026, 2, 1, 10, 0), registered_at=at(2026, 2, 1, 10, 0)
        )
        son, claim = claimed(
            office, other_salesperson, at(2026, 3, 2, 10, 0), registered_at=at(2026, 3, 2, 10, 0)
        )

        household_link(customer=son, member=father, relation="parent", actor=manager, now=self.NOW)

        claim.refresh_from_db()
        lapsed.refresh_from_db()
        assert claim.household_id == father.household_id
        assert claim.status == ClaimStatus.ACTIVE
        assert claim_active(household=father.household, now=self.NOW) == claim
        assert lapsed.status == ClaimStatus.RELEASED
        assert len(events(lapsed, ClaimEventKind.RELEASED)) == 1
        assert Dispute.objects.count() == 0

    def _unchanged(self, *customers, links=0):
        return (
            [household_of(c) for c in customers],
            list(Household.objects.order_by("pk").values_list("pk", "merged_into")),
            list(Claim.objects.order_by("pk").values_list("pk", "status", "household")),
            HouseholdLink.objects.count(),
            ClaimEvent.objects.count(),
            Dispute.objects.count(),
        )

    def test_link_to_self_is_refused(self, office, manager, salesperson):
        customer, _claim = claimed(office, salesperson, at(2026, 3, 1, 10, 0))
        before = self._unchanged(customer)
        with pytest.raises(ValidationError) as caught:
            household_link(
                customer=customer, member=customer, relation="spouse", actor=manager, now=self.NOW
            )
        assert "member" in caught.value.message_dict
        assert self._unchanged(customer) == before

    def test_link_across_offices_is_refused(self, office, other_office, manager, salesperson):
        customer, _claim = claimed(office, salesperson, at(2026, 3, 1, 10, 0))
        stranger = customer_in(other_office)
        before = self._unchanged(customer, stranger)
        with pytest.raises(ValidationError) as caught:
            household_link(
                customer=customer, member=stranger, relation="spouse", actor=manager, now=self.NOW
            )
        assert "member" in caught.value.message_dict
        assert self._unchanged(customer, stranger) == before

    def test_unknown_relation_is_refused(self, office, manager):
        a, b = customer_in(office), customer_in(office)
        before = self._unchanged(a, b)
        with pytest.raises(ValidationError):
            household_link(customer=a, member=b, relation="cousin", actor=manager, now=self.NOW)
        assert self._unchanged(a, b) == before

    def test_linking_again_is_already_linked(self, office, manager):
        a = customer_in(office, registered_at=at(2026, 1, 1, 9, 0))
        b = customer_in(office, registered_at=at(2026, 1, 2, 9, 0))
        household_link(customer=a, member=b, relation="spouse", actor=manager, now=self.NOW)
        before = self._unchanged(a, b)
        for customer, member in [(a, b), (b, a)]:
            with pytest.raises(DomainError) as caught:
                household_link(
                    customer=customer, member=member, relation="spouse", actor=manager, now=self.NOW
                )
            assert caught.value.code == "already_linked"
        assert self._unchanged(a, b) == before


# ---------------------------------------------------------------- disputes


class TestDispute:
    NOW = at(2026, 3, 5, 10, 0)

    @pytest.fixture
    def contested(self, office, salesperson, other_salesperson):
        """`salesperson` holds the claim; `other_salesperson` collided with it (R-5.3)."""
        customer, claim = claimed(office, salesperson, at(2026, 3, 1, 10, 0))
        collision_record(
            customer=customer, salesperson=other_salesperson, claim=claim, now=self.NOW
        )
        return customer, claim

    def open(self, customer, opener, reason="是我先接待的"):
        return dispute_open(customer=customer, opener=opener, reason=reason, now=self.NOW)

    def test_r_5_6_no_recorded_relation_cannot_dispute(self, office, salesperson, contested):
        customer, _claim = contested
        stranger = UserFactory(roles=[Role.SALESPERSON], offices=[office])
        with pytest.raises(NoRelation) as caught:
            self.open(customer, stranger)
        assert caught.value.status_code == 403 and caught.value.code == "no_relation"
        assert Dispute.objects.count() == 0

    def test_r_5_6_a_visit_named_for_you_is_a_relation(
        self, office, secretary, salesperson, other_salesperson
    ):
        customer, _claim = claimed(office, salesperson, at(2026, 3, 1, 10, 0))
        reception.visit_register(
            office=office,
            actor=secretary,
            phone=customer.phone,
            source_channel=channel(),
            now=self.NOW,
            named_salesperson=other_salesperson,
        )
        assert self.open(customer, other_salesperson).claimant == other_salesperson

    def test_r_5_6_one_open_dispute_per_claimant(self, contested, other_salesperson):
        customer, _claim = contested
        self.open(customer, other_salesperson)
        with pytest.raises(DomainError) as caught:
            self.open(customer, other_salesperson, reason="再说一次")
        assert caught.value.code == "duplicate"
        assert Dispute.objects.count() == 1

    def test_a_dispute_needs_a_reason(self, contested, other_salesperson):
        customer, _claim = contested
        with pytest.raises(ValidationError):
            self.open(customer, other_salesperson, reason="  ")
        assert Dispute.objects.count() == 0

    def test_r_5_6_rule_keep(self, contested, salesperson, other_salesperson, manager):
        customer, claim = contested
        dispute = self.open(customer, other_salesperson)
        before = snapshot(claim)

        ruled = dispute_rule(
            dispute=dispute, actor=manager, decision="keep", reason="登记在先", now=self.NOW
        )

        assert (ruled.status, ruled.decision, ruled.ruling_reason) == ("ruled", "keep", "登记在先")
        assert ruled.ruled_by == manager and ruled.ruled_at == self.NOW
        assert ruled.new_owner is None
        assert snapshot(claim) == before
        notified = Notification.objects.filter(kind="dispute_ruled")
        assert sorted(notified.values_list("recipient", flat=True)) == sorted(
            [salesperson.pk, other_salesperson.pk]
        )

    def test_r_5_6_rule_move_changes_the_owner_on_record(
        self, contested, salesperson, other_salesperson, manager
    ):
        customer, claim = contested
        dispute = self.open(customer, other_salesperson)

        dispute_rule(
            dispute=dispute,
            actor=manager,
            decision="move",
            reason="客户指认",
            now=self.NOW,
            new_owner=other_salesperson,
        )

        claim.refresh_from_db()
        assert claim.owner == other_salesperson and claim.status == ClaimStatus.ACTIVE
        [ruled] = events(claim, ClaimEventKind.RULED)
        assert ruled.detail == {
            "dispute": dispute.pk,
            "reason": "客户指认",
            "previous_owner": salesperson.pk,
        }
        assert ruled.owner == other_salesperson and ruled.actor == manager
        dispute.refresh_from_db()
        assert dispute.new_owner == other_salesperson
        # both sides hear of it: the winner, and the salesperson who lost the claim
        notified = Notification.objects.filter(kind="dispute_ruled")
        assert sorted(notified.values_list("recipient", flat=True)) == sorted(
            [salesperson.pk, other_salesperson.pk]
        )
        assert claim_active(household=customer.household, now=self.NOW) == claim

    def test_r_5_6_rule_move_of_a_lapsed_claim_gives_the_new_owner_an_active_claim(
        self, office, salesperson, other_salesperson, manager
    ):
        """Past protection with no job run yet is released (R-3.3): the ruling must give the
        same result as after the job — an active claim for the new owner."""
        customer, lapsed = claimed(office, salesperson, at(2026, 2, 1, 10, 0))
        collision_record(
            customer=customer, salesperson=other_salesperson, claim=lapsed, now=self.NOW
        )
        dispute = self.open(customer, other_salesperson)

        dispute_rule(
            dispute=dispute,
            actor=manager,
            decision="move",
            reason="原归属已过保护期",
            now=self.NOW,
            new_owner=other_salesperson,
        )

        active = claim_active(household=customer.household, now=self.NOW)
        assert active is not None and active.owner == other_salesperson
        assert active.protected_until == at(2026, 3, 13, 0, 0)
        lapsed.refresh_from_db()
        assert lapsed.status == ClaimStatus.RELEASED and lapsed.owner == salesperson

    def test_r_5_6_rulings_are_final(self, contested, other_salesperson, manager):
        customer, claim = contested
        dispute = self.open(customer, other_salesperson)
        dispute_rule(dispute=dispute, actor=manager, decision="keep", reason="维持", now=self.NOW)
        before = snapshot(claim)

        with pytest.raises(DomainError) as caught:
            dispute_rule(
                dispute=dispute,
                actor=manager,
                decision="move",
                reason="改判",
                now=self.NOW,
                new_owner=other_salesperson,
            )

        assert caught.value.code == "already_ruled"
        assert snapshot(claim) == before
        dispute.refresh_from_db()
        assert dispute.decision == "keep"

    @pytest.mark.parametrize("who", ["secretary", "salesperson of another office", "nobody"])
    def test_move_to_someone_not_a_salesperson_of_the_office_is_refused(
        self, contested, other_salesperson, manager, secretary, other_office, who
    ):
        customer, claim = contested
        dispute = self.open(customer, other_salesperson)
        target = {
            "secretary": secretary,
            "salesperson of another office": UserFactory(
                roles=[Role.SALESPERSON], offices=[other_office]
            ),
            "nobody": None,
        }[who]
        before = snapshot(claim)

        with pytest.raises(ValidationError) as caught:
            dispute_rule(
                dispute=dispute,
                actor=manager,
                decision="move",
                reason="移交",
                now=self.NOW,
                new_owner=target,
            )

        assert "new_owner" in caught.value.message_dict
        assert snapshot(claim) == before
        dispute.refresh_from_db()
        assert dispute.status == DisputeStatus.OPEN
        assert Notification.objects.filter(kind="dispute_ruled").count() == 0


# ---------------------------------------------------------------- reassigning a released customer


class TestReassignReleased:
    """R-3.4: the manager gives a released household to a salesperson, with a reason."""

    LATER = RELEASE + datetime.timedelta(days=2)  # the claim below ended at RELEASE, unswept

    @pytest.fixture
    def released(self, office, salesperson):
        return claimed(office, salesperson, MONDAY, name="王先生")

    def reassign(self, customer, new_owner, actor, reason="客户要求换人", now=None):
        return claim_reassign_released(
            household=customer.household,
            new_owner=new_owner,
            actor=actor,
            reason=reason,
            now=now or self.LATER,
        )

    def _unchanged(self):
        return (
            list(Claim.objects.order_by("pk").values_list("pk", "status", "owner")),
            ClaimEvent.objects.count(),
            Notification.objects.count(),
        )

    def test_r_3_4_starts_a_claim_for_the_new_owner_with_the_reason_on_record(
        self, released, manager, other_salesperson
    ):
        customer, old = released

        new = self.reassign(customer, other_salesperson, manager)

        assert new.owner == other_salesperson and new.status == ClaimStatus.ACTIVE
        assert claim_active(household=customer.household, now=self.LATER) == new
        assert new.protected_until == at(2026, 3, 20, 0, 0)  # from today, 03-12
        [started] = events(new, ClaimEventKind.STARTED)
        assert started.actor == manager and started.owner == other_salesperson
        assert started.detail == {
            "rule": "manager",
            "reason": "客户要求换人",
            "released_claim": old.pk,
        }
        old.refresh_from_db()
        assert old.status == ClaimStatus.RELEASED  # its release made permanent
        [note] = Notification.objects.filter(kind="claim_assigned")
        assert note.recipient == other_salesperson
        assert note.url == f"/attribution/customers/{customer.pk}/"
        with translation.override("en"):
            assert "王先生" in render_notification(note)

    @pytest.mark.parametrize("held", ["active", "deal"])
    def test_refused_with_claimed_while_someone_holds_the_household(
        self, office, manager, salesperson, other_salesperson, held
    ):
        customer, claim = claimed(office, salesperson, self.LATER - datetime.timedelta(days=1))
        if held == "deal":
            Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.DEAL)
        before = self._unchanged()

        with pytest.raises(DomainError) as caught:
            self.reassign(customer, other_salesperson, manager)

        assert caught.value.code == "claimed" and caught.value.status_code == 409
        assert self._unchanged() == before

    def test_a_reason_is_required(self, released, manager, other_salesperson):
        customer, _old = released
        before = self._unchanged()
        with pytest.raises(ValidationError) as caught:
            self.reassign(customer, other_salesperson, manager, reason="  ")
        assert "reason" in caught.value.message_dict
        assert self._unchanged() == before

    @pytest.mark.parametrize("who", ["secretary", "salesperson of another office", "nobody"])
    def test_only_to_a_salesperson_of_the_office(
        self, released, manager, secretary, other_office, who
    ):
        customer, _old = released
        target = {
            "secretary": secretary,
            "salesperson of another office": UserFactory(
                roles=[Role.SALESPERSON], offices=[other_office]
            ),
            "nobody": None,
        }[who]
        before = self._unchanged()
        with pytest.raises(ValidationError) as caught:
            self.reassign(customer, target, manager)
        assert "new_owner" in caught.value.message_dict
        assert self._unchanged() == before

    def test_a_customer_never_claimed_is_not_released(self, office, manager, salesperson):
        with pytest.raises(DomainError) as caught:
            self.reassign(customer_in(office), salesperson, manager)
        assert caught.value.code == "not_released"
        assert Claim.objects.count() == 0 and Notification.objects.count() == 0


# ---------------------------------------------------------------- disputes: who hears, who rules


class TestDisputeNotifiesAndRefuses:
    NOW = at(2026, 3, 5, 10, 0)

    @pytest.fixture
    def contested(self, office, salesperson, other_salesperson):
        customer, claim = claimed(office, salesperson, at(2026, 3, 1, 10, 0), name="赵女士")
        collision_record(
            customer=customer, salesperson=other_salesperson, claim=claim, now=self.NOW
        )
        return customer, claim

    def open(self, customer, opener, reason="是我先接待的"):
        return dispute_open(customer=customer, opener=opener, reason=reason, now=self.NOW)

    def test_r_5_6_opening_tells_the_offices_managers_with_a_link_to_the_dispute(
        self, contested, other_salesperson, manager, director, other_manager
    ):
        customer, _claim = contested
        second = UserFactory(roles=[Role.MANAGER], offices=[customer.office])

        dispute = self.open(customer, other_salesperson)

        notes = Notification.objects.filter(kind="dispute_opened")
        assert sorted(notes.values_list("recipient", flat=True)) == sorted([manager.pk, second.pk])
        assert {n.url for n in notes} == {f"/attribution/disputes/{dispute.pk}/"}
        with translation.override("en"):
            text = render_notification(notes[0])
        assert "赵女士" in text and str(other_salesperson) in text

    def test_a_refused_dispute_tells_nobody(self, contested, other_salesperson, manager):
        customer, _claim = contested
        self.open(customer, other_salesperson)
        with pytest.raises(DomainError):
            self.open(customer, other_salesperson, reason="再说一次")  # duplicate
        with pytest.raises(ValidationError):
            self.open(customer, other_salesperson, reason=" ")
        assert Notification.objects.filter(kind="dispute_opened").count() == 1

    @pytest.mark.parametrize(
        "who", ["salesperson", "other_salesperson", "secretary", "other_manager"]
    )
    def test_r_5_6_only_the_offices_manager_rules_whoever_calls_the_service(
        self, request, contested, other_salesperson, who
    ):
        customer, claim = contested
        dispute = self.open(customer, other_salesperson)
        before = snapshot(claim)

        with pytest.raises(DomainError) as caught:
            dispute_rule(
                dispute=dispute,
                actor=request.getfixturevalue(who),
                decision="move",
                reason="给我",
                now=self.NOW,
                new_owner=other_salesperson,
            )

        assert caught.value.status_code == 403 and caught.value.code == "forbidden"
        assert snapshot(claim) == before
        dispute.refresh_from_db()
        assert dispute.status == DisputeStatus.OPEN
        assert Notification.objects.filter(kind="dispute_ruled").count() == 0

    def test_the_director_rules(self, contested, other_salesperson, director):
        customer, _claim = contested
        dispute = self.open(customer, other_salesperson)
        ruled = dispute_rule(
            dispute=dispute, actor=director, decision="keep", reason="维持", now=self.NOW
        )
        assert ruled.status == DisputeStatus.RULED and ruled.ruled_by == director


# ---------------------------------------------------------------- one way to move a claim


class TestTransfer:
    NOW = at(2026, 3, 5, 10, 0)

    def test_an_override_is_a_reassignment_with_the_previous_owner(
        self, office, manager, salesperson, other_salesperson
    ):
        _customer, claim = claimed(office, salesperson, at(2026, 3, 1, 10, 0))

        claim_transfer(
            claim=claim, new_owner=other_salesperson, now=self.NOW, actor=manager, reason="请假"
        )

        claim.refresh_from_db()
        assert claim.owner == other_salesperson
        [moved] = events(claim, ClaimEventKind.REASSIGNED)
        assert moved.detail == {"reason": "请假", "previous_owner": salesperson.pk}
        assert moved.actor == manager and moved.owner == other_salesperson

    def test_the_kind_and_the_callers_detail_are_kept_but_cannot_hide_the_previous_owner(
        self, office, manager, salesperson, other_salesperson
    ):
        _customer, claim = claimed(office, salesperson, at(2026, 3, 1, 10, 0))

        claim_transfer(
            claim=claim,
            new_owner=other_salesperson,
            now=self.NOW,
            actor=manager,
            reason="裁决",
            kind=ClaimEventKind.RULED,
            detail={"dispute": 7, "previous_owner": None},
        )

        [ruled] = events(claim, ClaimEventKind.RULED)
        assert ruled.detail == {"dispute": 7, "reason": "裁决", "previous_owner": salesperson.pk}
        assert events(claim, ClaimEventKind.REASSIGNED) == []

    def test_r_5_6_a_move_ruling_moves_the_claim_through_claim_transfer(
        self, monkeypatch, office, manager, salesperson, other_salesperson
    ):
        """One code path moves a claim, so an override and a ruling cannot drift apart."""
        from attribution.services import disputes as module

        calls = []

        def spy(**kwargs):
            calls.append(kwargs)
            return claim_transfer(**kwargs)

        monkeypatch.setattr(module, "claim_transfer", spy)
        customer, claim = claimed(office, salesperson, at(2026, 3, 1, 10, 0))
        collision_record(
            customer=customer, salesperson=other_salesperson, claim=claim, now=self.NOW
        )
        dispute = dispute_open(
            customer=customer, opener=other_salesperson, reason="先接待", now=self.NOW
        )

        dispute_rule(
            dispute=dispute,
            actor=manager,
            decision="move",
            reason="客户指认",
            now=self.NOW,
            new_owner=other_salesperson,
        )

        [call] = calls
        assert call["kind"] == ClaimEventKind.RULED and call["detail"] == {"dispute": dispute.pk}
        claim.refresh_from_db()
        assert claim.owner == other_salesperson
