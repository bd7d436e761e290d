"""Races of ownership, with real threads against PostgreSQL (R-3.3, R-4.2).

As in test_reception_races: each thread has its own connection, waits at a barrier, calls
the service layer with its own `now`, and closes its connection; a lock that is never released
errors out after LOCK_TIMEOUT instead of hanging, and a deadlock fails the test.
"""

import datetime
import time
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from attribution import rules
from attribution.choices import ClaimEventKind, ClaimStatus
from attribution.models import Claim, ClaimEvent, FollowUp, HouseholdLink
from attribution.services import (
    claim_active,
    claim_start,
    claims_expire_stale,
    followup_log,
    household_link,
)
from attribution.services import followups as followup_service
from common.errors import DomainError
from leads.factories import CustomerFactory, channels_restored
from leads.models import Customer, Household
from staff.choices import Role
from staff.factories import UserFactory

from .harness import Outcome, run_together

pytestmark = pytest.mark.django_db(transaction=True)

SH = ZoneInfo("Asia/Shanghai")

# The worked example: last contact Mon 2026-03-02 15:00, released 2026-03-10 00:00.
CONTACT = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=SH)
T = datetime.datetime(2026, 3, 10, 0, 0, tzinfo=SH)
TICK = datetime.timedelta(microseconds=1)


def describe(outcomes: list[Outcome]) -> str:
    return "; ".join(f"{i}: {o.error!r}" for i, o in enumerate(outcomes) if o.error)


@pytest.fixture(autouse=True)
def channels(transactional_db):
    channels_restored()


# ------------------------------------------------------------------ a. follow-up vs release


HOLD = 0.15  # seconds one side holds its row lock, in the rounds that order the two
HEAD_START = 0.05  # seconds the other side waits, so that it arrives while the lock is held


class Pacing:
    """Per round, who (if anyone) holds the claim's row lock a little while the other comes.

    - "race": no pacing, whoever gets there first;
    - "follow-up first": the follow-up sleeps after its claim is locked and checked, before it
      writes; the job starts meanwhile and must wait for that lock, then re-check its WHERE on
      the extended row (so it releases nothing);
    - "job first": the job's transaction stays open a moment after its UPDATE; the follow-up
      starts meanwhile, waits for the claim's lock and must see the claim released.
    """

    def __init__(self):
        self.mode = "race"

    def is_protected(self, protected_until, now):
        result = rules.is_protected(protected_until, now)
        if self.mode == "follow-up first":
            time.sleep(HOLD)
        return result


@pytest.fixture
def pacing(monkeypatch):
    pace = Pacing()

    class Rules:  # the follow-up service's view of attribution.rules, with the pause
        is_protected = staticmethod(pace.is_protected)
        followup_earliest = staticmethod(rules.followup_earliest)

    monkeypatch.setattr(followup_service, "rules", Rules)
    return pace


def stale_at_t(office, owner) -> tuple[Customer, Claim]:
    customer = CustomerFactory(office=office, registered_by=owner, registered_at=CONTACT)
    claim = claim_start(
        household=customer.household, owner=owner, now=CONTACT, actor=owner, detail={}
    )
    assert claim.protected_until == T
    return customer, claim


def test_r_3_3_a_follow_up_at_the_moment_of_release_either_extends_or_is_refused(
    office, salesperson, pacing
):
    rounds = ["race"] * 10 + ["follow-up first"] * 10 + ["job first"] * 10
    outcomes_seen: Counter = Counter()
    job_waited = 0

    for n, mode in enumerate(rounds):
        customer, claim = stale_at_t(office, salesperson)
        pacing.mode = mode

        def job(mode=mode):
            if mode == "follow-up first":
                time.sleep(HEAD_START)
            with transaction.atomic():  # the job's own transaction, held open a moment
                released = claims_expire_stale(now=T)
                if mode == "job first":
                    time.sleep(HOLD)
                return released

        def follow_up(mode=mode, customer=customer, n=n):
            if mode == "job first":
                time.sleep(HEAD_START)
            return followup_log(
                customer=customer,
                author=salesperson,
                kind="call",
                note=f"第{n}轮回访",
                now=T - TICK,  # inside protection when it starts
            )

        released, logged = run_together([job, follow_up])

        assert released.error is None, describe([released, logged])
        claim.refresh_from_db()
        release_events = ClaimEvent.objects.filter(claim=claim, kind=ClaimEventKind.RELEASED)
        followups = FollowUp.objects.filter(claim=claim)
        if logged.error is None:
            outcome = "extended"
            assert released.value == 0, (n, mode)
            assert followups.get().pk == logged.value.pk, (n, mode)
            assert claim.status == ClaimStatus.ACTIVE, (n, mode)
            assert claim.last_contact_at == T - TICK, (n, mode)
            assert claim.protected_until == datetime.datetime(
                2026, 3, 17, 0, 0, tzinfo=SH
            )  # D+8 of 03-09
            assert not release_events.exists(), (n, mode)
            assert claim_active(household=customer.household, now=T) == claim
            if mode == "follow-up first" and released.seconds - HEAD_START > HOLD / 3:
                job_waited += 1  # the job's UPDATE waited for the follow-up's row lock
        else:
            outcome = "refused"
            assert isinstance(logged.error, DomainError), describe([released, logged])
            assert logged.error.code == "claim_released", (n, mode)
            assert released.value == 1, (n, mode)
            assert not followups.exists(), (n, mode)
            assert claim.status == ClaimStatus.RELEASED and claim.ended_at == T, (n, mode)
            assert release_events.count() == 1, (n, mode)
            assert claim.protected_until == T, (n, mode)
        outcomes_seen[(mode, outcome)] += 1

    print(f"\nR-3.3 follow-up vs release, {len(rounds)} rounds: {dict(outcomes_seen)}")
    print(f"the job waited for the follow-up's row lock in {job_waited} round(s)")
    extended = sum(v for (_m, o), v in outcomes_seen.items() if o == "extended")
    refused = sum(v for (_m, o), v in outcomes_seen.items() if o == "refused")
    assert extended + refused == len(rounds)
    # both orders really happened: the lock decided each time, not luck
    assert outcomes_seen[("follow-up first", "extended")] >= 1, outcomes_seen
    assert outcomes_seen[("job first", "refused")] >= 1, outcomes_seen
    assert job_waited >= 1, outcomes_seen


# ------------------------------------------------------------------ b. the job against itself


def test_r_3_3_the_job_run_three_times_at_once_releases_each_claim_once(office, salesperson):
    households = Household.objects.bulk_create(
        Household(office=office, created_at=CONTACT) for _ in range(200)
    )
    Claim.objects.bulk_create(
        Claim(
            office=office,
            household=household,
            owner=salesperson,
            started_at=CONTACT,
            last_contact_at=CONTACT,
            protected_until=T,
        )
        for household in households
    )

    outcomes = run_together([lambda: claims_expire_stale(now=T)] * 3)

    assert not describe(outcomes), describe(outcomes)
    counts = [o.value for o in outcomes]
    print(f"\nreleased per concurrent run: {counts}")
    assert sum(counts) == 200
    assert Claim.objects.filter(status=ClaimStatus.RELEASED).count() == 200
    per_claim = Counter(
        ClaimEvent.objects.filter(kind=ClaimEventKind.RELEASED).values_list("claim", flat=True)
    )
    assert len(per_claim) == 200 and set(per_claim.values()) == {1}


# ------------------------------------------------------------------ c. links in opposite orders


def test_r_4_2_two_managers_link_the_same_pair_in_opposite_orders(office, salesperson):
    managers = [
        UserFactory(username=f"mgr{i}", roles=[Role.MANAGER], offices=[office]) for i in (1, 2)
    ]
    other = UserFactory(username="sales-b", roles=[Role.SALESPERSON], offices=[office])
    rounds = 10
    for n in range(rounds):
        a = CustomerFactory(office=office, registered_at=CONTACT)
        b = CustomerFactory(office=office, registered_at=CONTACT + datetime.timedelta(hours=1))
        kept = claim_start(
            household=a.household, owner=salesperson, now=CONTACT, actor=None, detail={}
        )
        gone = claim_start(household=b.household, owner=other, now=CONTACT, actor=None, detail={})
        now = CONTACT + datetime.timedelta(days=1)

        outcomes = run_together(
            [
                lambda a=a, b=b, now=now: household_link(
                    customer=a, member=b, relation="spouse", actor=managers[0], now=now
                ),
                lambda a=a, b=b, now=now: household_link(
                    customer=b, member=a, relation="spouse", actor=managers[1], now=now
                ),
            ]
        )

        errors = [o.error for o in outcomes if o.error]
        assert len(errors) == 1, (n, describe(outcomes))
        assert isinstance(errors[0], DomainError) and errors[0].code == "already_linked", (
            n,
            describe(outcomes),
        )
        [link] = HouseholdLink.objects.filter(customer__in=[a, b])
        assert {link.customer_id, link.member_id} == {a.pk, b.pk}
        a.refresh_from_db()
        b.refresh_from_db()
        assert a.household_id == b.household_id == kept.household_id
        kept.refresh_from_db()
        gone.refresh_from_db()
        assert (kept.status, gone.status) == (ClaimStatus.ACTIVE, ClaimStatus.MERGED)
        assert ClaimEvent.objects.filter(claim=gone, kind=ClaimEventKind.MERGED).count() == 1
