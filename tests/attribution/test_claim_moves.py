"""Moving a claim: reassigning a released customer (R-3.4) and the one transfer every move goes
through (R-2.4, R-5.6), against PostgreSQL."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from attribution.choices import ClaimEventKind, ClaimStatus
from attribution.models import Claim, ClaimEvent
from attribution.services import (
    claim_active,
    claim_reassign_released,
    claim_transfer,
    collision_record,
    dispute_open,
    dispute_rule,
)
from common.errors import DomainError
from notifications.messages import render as render_notification
from notifications.models import Notification
from staff.choices import Role
from staff.factories import UserFactory

from .ownership import MONDAY, RELEASE, at, claimed, customer_in, events

pytestmark = pytest.mark.django_db


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
