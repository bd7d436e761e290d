"""Households (R-4.1) and the merge of two claimed households (R-4.2), against PostgreSQL."""

import pytest
from django.core.exceptions import ValidationError

from attribution.choices import ClaimEventKind, ClaimStatus, DisputeStatus
from attribution.models import Claim, ClaimEvent, Dispute, HouseholdLink
from attribution.services import (
    claim_active,
    household_link,
)
from common.errors import DomainError
from leads.models import Household

from .ownership import at, claimed, customer_in, events, household_of

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- households


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
