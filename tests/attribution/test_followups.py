"""Follow-ups (R-3.2, R-3.3) and voiding them (R-3.8), against PostgreSQL."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from attribution.choices import ClaimEventKind, ClaimStatus
from attribution.models import Claim, FollowUp
from attribution.services import (
    NotYourCustomer,
    claim_active,
    claims_expire_stale,
    followup_void,
)
from common.errors import DomainError
from leads.factories import channel
from reception import services as reception

from .ownership import MONDAY, RELEASE, TICK, at, claimed, customer_in, events, log, snapshot

pytestmark = pytest.mark.django_db


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

        # logged the next day (the furthest back a follow-up may go)
        old = log(customer, salesperson, at(2026, 3, 3, 10, 0), at=at(2026, 3, 2, 9, 0))

        claim.refresh_from_db()
        assert FollowUp.objects.filter(pk=old.pk, at=at(2026, 3, 2, 9, 0)).exists()  # kept
        assert claim.last_contact_at == MONDAY
        assert claim.protected_until == RELEASE

    def test_r_3_2_a_backdated_follow_up_extends_from_when_it_happened_not_when_logged(
        self, office, salesperson
    ):
        customer, claim = claimed(office, salesperson, at(2026, 2, 27, 10, 0))
        log(customer, salesperson, at(2026, 3, 3, 9, 0), at=MONDAY)  # the day after
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
