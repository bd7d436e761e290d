"""Disputes (R-5.6): opening, ruling, who hears and who may rule, against PostgreSQL."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from attribution.choices import ClaimEventKind, ClaimStatus, DisputeStatus
from attribution.models import Dispute
from attribution.services import (
    NoRelation,
    claim_active,
    collision_record,
    dispute_open,
    dispute_rule,
)
from common.errors import DomainError
from leads.factories import channel
from notifications.messages import render as render_notification
from notifications.models import Notification
from reception import services as reception
from staff.choices import Role
from staff.factories import UserFactory

from .ownership import at, claimed, events, snapshot

pytestmark = pytest.mark.django_db


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
