"""Races at the front desk, with real threads against PostgreSQL (R-1.1, R-2.1–R-2.5, R-3.1,
R-5.3).

Each thread has its own database connection, waits at a barrier so that all start together,
calls the service layer as a view would (with its own `now`) or, in the last tests, the HTTP
API through Django's test client, and closes its connection. Every test asserts the exact
outcome: how many rows, who got what, which error each loser saw.
"""

import datetime
import threading
import time
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, transaction
from django.test import Client

from attribution.choices import ClaimEventKind, ClaimStatus
from attribution.models import Claim, ClaimEvent, Collision
from attribution.services import customer_register_own
from common.errors import DomainError
from leads.factories import CustomerFactory, channels_restored
from leads.models import Customer, Household, SourceChannel
from reception import services
from reception.choices import DutyStatus, Rule
from reception.factories import roster_for
from reception.models import DutyState, Roster, Visit
from staff.choices import Role
from staff.factories import UserFactory

from .harness import Outcome, run_together

pytestmark = pytest.mark.django_db(transaction=True)

SH = ZoneInfo("Asia/Shanghai")
BASE = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=SH)  # a Saturday morning, office-local
TODAY = BASE.date()
THREADS = 20
RACE_WINDOW = 0.01  # seconds, see widen_race_windows

# The managed list of channels comes from a data migration, and a transactional test's flush
# empties it: put it back for each test.


def at(i: int, *, minutes: int = 0) -> datetime.datetime:
    """Thread i's `now`: all within one instant of office time, distinct by microseconds."""
    return BASE + datetime.timedelta(minutes=minutes, microseconds=i)


def errors(outcomes: list[Outcome]) -> Counter:
    """(exception class, code) → how many threads raised it."""
    return Counter(
        (type(o.error).__name__, getattr(o.error, "code", None)) for o in outcomes if o.error
    )


def describe(outcomes: list[Outcome]) -> str:
    return "; ".join(f"{i}: {o.error!r}" for i, o in enumerate(outcomes) if o.error)


def successes(outcomes: list[Outcome]) -> list[Any]:
    return [o.value for o in outcomes if o.error is None]


@pytest.fixture(autouse=True)
def channels(transactional_db):
    channels_restored()


@pytest.fixture(autouse=True)
def widen_race_windows(monkeypatch):
    """Hold each read-then-write open a little longer, between the read and the write it
    decides (the rotation walk, the look-up of the active claim), so that the threads overlap
    there instead of running one after the other: without this, a transaction of a few
    milliseconds often commits before the next thread reads, and a missing lock would go
    unnoticed. Behaviour is unchanged; the sleep releases the GIL."""
    from attribution import services as claims
    from reception import rules

    def slowed(function):
        def call(*args, **kwargs):
            time.sleep(RACE_WINDOW)
            return function(*args, **kwargs)

        return call

    monkeypatch.setattr(rules, "rotate", slowed(rules.rotate))
    monkeypatch.setattr(claims, "claim_active", slowed(claims.claim_active))


@pytest.fixture
def walk_in():
    return SourceChannel.objects.get(code="passing")


@pytest.fixture
def team(office):
    """Five salespeople, in roster order."""
    return [
        UserFactory(username=f"sp{i}", roles=[Role.SALESPERSON], offices=[office])
        for i in range(1, 6)
    ]


def register_visit(office, secretary, walk_in, phone, now, **kwargs):
    return lambda: services.visit_register(
        office=office, actor=secretary, phone=phone, source_channel=walk_in, now=now, **kwargs
    )


def phones(n: int, prefix: str = "1380013") -> list[str]:
    return [f"{prefix}{i:04d}" for i in range(n)]


# ------------------------------------------------------------------ a. one new phone, 20 times


@pytest.mark.parametrize("keys", ["no key", "distinct keys"])
def test_r_1_1_twenty_desk_registrations_of_one_new_phone_make_one_customer_and_one_visit(
    office, secretary, manager, team, walk_in, keys
):
    roster_for(office, TODAY, team, manager=manager)
    phone = "13800138000"
    calls = [
        register_visit(
            office,
            secretary,
            walk_in,
            phone,
            at(i),
            idempotency_key=f"form-{i}" if keys == "distinct keys" else "",
        )
        for i in range(THREADS)
    ]

    outcomes = run_together(calls)

    assert errors(outcomes) == {("DomainError", "duplicate"): THREADS - 1}, describe(outcomes)
    [(visit, created)] = successes(outcomes)
    assert created is True
    customer = Customer.objects.get(office=office, phone=phone)
    assert Customer.objects.count() == 1
    assert Household.objects.count() == 1  # the losers' households were rolled back
    assert Visit.objects.get().pk == visit.pk
    assert visit.customer_id == customer.pk and visit.is_new_customer is True
    assert visit.rule == Rule.ROTATION and visit.assigned_to == team[0]
    claim = Claim.objects.get()
    assert claim.status == ClaimStatus.ACTIVE and claim.owner == team[0]
    assert claim.household_id == customer.household_id and visit.claim_id == claim.pk
    assert Roster.objects.get(office=office, date=TODAY).pointer == 2  # one turn used, once


def test_r_5_3_twenty_salespeople_registering_one_new_phone_make_one_claim_and_19_collisions(
    office, walk_in
):
    people = [
        UserFactory(username=f"own{i}", roles=[Role.SALESPERSON], offices=[office])
        for i in range(THREADS)
    ]
    phone = "13900139000"
    calls = [
        lambda person=person, i=i: customer_register_own(
            office=office,
            salesperson=person,
            phone=phone,
            name="陈先生",
            source_channel=walk_in,
            now=at(i),
        )
        for i, person in enumerate(people)
    ]

    outcomes = run_together(calls)

    assert errors(outcomes) == {("ClaimedError", "claimed"): THREADS - 1}, describe(outcomes)
    [(customer, claim)] = successes(outcomes)
    assert Customer.objects.get().pk == customer.pk
    assert Household.objects.count() == 1
    assert Claim.objects.get().pk == claim.pk
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ACTIVE
    winner = claim.owner
    # every loser was told the winner's name, and the attempt is on record
    assert {o.error.extra["owner"] for o in outcomes if o.error} == {winner.pk}
    collisions = Collision.objects.filter(customer=customer, claim=claim)
    assert collisions.count() == THREADS - 1
    assert set(collisions.values_list("salesperson", flat=True)) == {
        p.pk for p in people if p != winner
    }
    assert ClaimEvent.objects.filter(claim=claim).count() == 1  # started, once


# ------------------------------------------------------------------ b, c. the rotation under load


def test_r_2_3_twenty_simultaneous_walk_ins_rotate_four_rounds_over_five_salespeople(
    office, secretary, manager, team, walk_in
):
    roster_for(office, TODAY, team, manager=manager)
    calls = [
        register_visit(office, secretary, walk_in, phone, at(i))
        for i, phone in enumerate(phones(THREADS))
    ]

    outcomes = run_together(calls)

    assert errors(outcomes) == {}, describe(outcomes)
    visits = list(Visit.objects.order_by("pk"))  # rows are inserted under the roster lock
    assert len(visits) == THREADS
    assert all(v.rule == Rule.ROTATION for v in visits)
    assert all(v.skipped == [] and not v.owed_turn_used for v in visits)
    # serialized by the roster lock: exactly the roster order, four times over
    assert [v.assigned_to_id for v in visits] == [p.pk for p in team] * 4
    assert Roster.objects.get(office=office, date=TODAY).pointer == 1
    assert set(DutyState.objects.values_list("owed_turns", flat=True)) == {0}
    assert set(DutyState.objects.values_list("status", flat=True)) == {DutyStatus.AVAILABLE}
    claims = Claim.objects.filter(status=ClaimStatus.ACTIVE)
    assert claims.count() == THREADS
    assert Counter(claims.values_list("owner", flat=True)) == {p.pk: 4 for p in team}


def test_r_2_3_away_on_business_is_skipped_and_owed_a_turn_each_time_the_rotation_passes(
    office, secretary, manager, team, walk_in
):
    away = team[2]
    roster_for(office, TODAY, team, manager=manager, statuses={away: DutyStatus.AWAY_BUSINESS})
    available = [p for p in team if p != away]
    calls = [
        register_visit(office, secretary, walk_in, phone, at(i))
        for i, phone in enumerate(phones(THREADS))
    ]

    outcomes = run_together(calls)

    assert errors(outcomes) == {}, describe(outcomes)
    visits = list(Visit.objects.order_by("pk"))
    assert len(visits) == THREADS
    assert all(v.rule == Rule.ROTATION and not v.owed_turn_used for v in visits)
    assert Counter(v.assigned_to_id for v in visits) == {p.pk: 5 for p in available}
    assert away.pk not in {v.assigned_to_id for v in visits}
    # the explanation: the skip is recorded on the visit that passed over them,
    # and nowhere else
    skip = [{"salesperson": away.pk, "reason": "away_business"}]
    for visit in visits:
        assert visit.skipped == (skip if visit.assigned_to == team[3] else []), visit.pk
    skips = sum(len(v.skipped) for v in visits)
    assert skips == 5
    owed = dict(DutyState.objects.values_list("salesperson", "owed_turns"))
    assert owed == {**{p.pk: 0 for p in available}, away.pk: skips}
    assert [v.assigned_to_id for v in visits] == [p.pk for p in available] * 5
    assert Roster.objects.get(office=office, date=TODAY).pointer == 1


# ------------------------------------------------------------------ d. a double click


@pytest.mark.parametrize("customer_kind", ["new", "existing"])
def test_r_2_1_double_click_with_one_idempotency_key_makes_one_visit(
    office, secretary, manager, team, walk_in, customer_kind
):
    roster_for(office, TODAY, team, manager=manager)
    phone = "13700137000"
    if customer_kind == "existing":
        CustomerFactory(
            office=office,
            phone=phone,
            registered_by=secretary,
            registered_at=BASE - datetime.timedelta(days=30),
        )
    calls = [
        register_visit(office, secretary, walk_in, phone, at(i), idempotency_key="desk-click-1")
        for i in range(2)
    ]

    outcomes = run_together(calls)

    visit = Visit.objects.get()
    assert errors(outcomes) in (Counter(), Counter({("DomainError", "duplicate"): 1})), describe(
        outcomes
    )
    results = successes(outcomes)
    assert (visit.pk, True) in [(v.pk, created) for v, created in results]
    # the other click is the same visit returned again, or a 409 duplicate
    assert all(v.pk == visit.pk for v, _created in results)
    assert [created for _v, created in results].count(True) == 1
    assert Customer.objects.count() == 1
    assert Claim.objects.count() == 1
    assert Roster.objects.get(office=office, date=TODAY).pointer == 2  # one turn, not two


# ------------------------------------------------------------------ e. lock order


@pytest.fixture
def two_households(office, secretary, team, walk_in):
    """Household 1 is claimed by team[4] since yesterday; household 2 is registered (a hotline
    call, R-2.7) but unclaimed. Each has ten members, one per thread."""
    yesterday = BASE - datetime.timedelta(days=1)
    head1, _claim = customer_register_own(
        office=office,
        salesperson=team[4],
        phone="13600136000",
        name="刘先生",
        source_channel=walk_in,
        now=yesterday,
    )
    call = services.call_register(
        office=office,
        actor=secretary,
        kind="customer",
        content="询问户型",
        phone="13500135000",
        name="孙女士",
        now=yesterday,
    )
    head2 = call.customer
    members = {}
    for head, prefix in ((head1, "1361"), (head2, "1351")):
        members[head.household_id] = [head] + [
            CustomerFactory(
                office=office,
                household=head.household,
                phone=f"{prefix}000{i:04d}",
                registered_by=secretary,
                registered_at=yesterday,
            )
            for i in range(1, 10)
        ]
    return head1.household, head2.household, members


def test_household_locks_two_households_in_opposite_orders_finish_without_deadlock(
    office, secretary, manager, team, walk_in, two_households
):
    """Ten threads each register a member of household 1 then of household 2, or the other
    way round, each visit its own transaction: every visit goes through, the rotation runs
    once (household 2's first visit) and each household keeps one claim."""
    roster_for(office, TODAY, team[:4], manager=manager)
    h1, h2, members = two_households

    def both(i: int) -> list[Visit]:
        pair = [members[h1.pk][i], members[h2.pk][i]]
        if i % 2:
            pair.reverse()
        return [
            services.visit_register(
                office=office,
                actor=secretary,
                phone=customer.phone,
                source_channel=walk_in,
                now=at(i, minutes=j),
            )[0]
            for j, customer in enumerate(pair)
        ]

    outcomes = run_together([lambda i=i: both(i) for i in range(10)])

    assert errors(outcomes) == {}, describe(outcomes)
    assert Visit.objects.count() == 20
    v1 = Visit.objects.filter(customer__household=h1)
    assert v1.count() == 10
    assert {(v.rule, v.assigned_to_id) for v in v1} == {(Rule.OWNER, team[4].pk)}
    v2 = list(Visit.objects.filter(customer__household=h2).order_by("pk"))
    # exactly one of household 2's members started the claim, by rotation; the rest found it
    assert [v.rule for v in v2] == [Rule.ROTATION] + [Rule.OWNER] * 9
    assert [v.started_claim for v in v2] == [True] + [False] * 9
    assert {v.assigned_to_id for v in v2} == {team[0].pk}
    assert len({v.claim_id for v in v2}) == 1
    for household, contacts in ((h1, 10), (h2, 9)):
        claim = Claim.objects.get(household=household)
        assert claim.status == ClaimStatus.ACTIVE
        kinds = Counter(ClaimEvent.objects.filter(claim=claim).values_list("kind", flat=True))
        assert kinds == {ClaimEventKind.STARTED: 1, ClaimEventKind.CONTACT: contacts}
    assert Roster.objects.get(office=office, date=TODAY).pointer == 2


def test_household_locks_two_customers_in_opposite_orders_one_visit_each_no_deadlock(
    office, secretary, manager, team, walk_in, two_households
):
    """The same two customers from ten threads, all within the double-submission window:
    one visit per customer, every other attempt a 409 duplicate, none a deadlock."""
    roster_for(office, TODAY, team[:4], manager=manager)
    h1, h2, members = two_households
    first, second = members[h1.pk][0], members[h2.pk][0]

    def both(i: int) -> list[str]:
        pair = [first, second] if i % 2 == 0 else [second, first]
        results = []
        for j, customer in enumerate(pair):
            try:
                services.visit_register(
                    office=office,
                    actor=secretary,
                    phone=customer.phone,
                    source_channel=walk_in,
                    now=at(i * 2 + j),
                )
                results.append("created")
            except DomainError as exc:
                results.append(exc.code)
        return results

    outcomes = run_together([lambda i=i: both(i) for i in range(10)])

    assert errors(outcomes) == {}, describe(outcomes)
    assert Counter(r for rs in successes(outcomes) for r in rs) == {
        "created": 2,
        "duplicate": 18,
    }
    assert Visit.objects.filter(customer=first).count() == 1
    assert Visit.objects.filter(customer=second).count() == 1
    assert Claim.objects.filter(status=ClaimStatus.ACTIVE).count() == 2


# ------------------------------------------------------------------ f. a roster change mid-walk-in


def waiting_on_locks() -> int:
    """Backends of this database that wait for a lock right now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def test_r_2_2_manager_changes_todays_roster_while_a_walk_in_is_assigned_without_deadlock(
    office, secretary, manager, team, walk_in
):
    """R-2.2: the manager puts a newcomer (no duty state in this office yet) on today's roster
    while the desk registers a walk-in. A fixed interleaving: the manager's transaction holds
    the roster until the walk-in waits for it, then commits. Both must go through, and the
    walk-in is assigned by the new order."""
    roster_for(office, TODAY, team[:4], manager=manager)
    newcomer = team[4]
    assert not DutyState.objects.filter(salesperson=newcomer).exists()
    new_order = [team[1], team[0], newcomer, team[2], team[3]]
    roster_held = threading.Event()
    seen = {}

    def manager_sets_roster():
        with transaction.atomic():
            services.roster_set(office=office, date=TODAY, salespeople=new_order, actor=manager)
            roster_held.set()
            deadline = time.monotonic() + 10
            while not waiting_on_locks() and time.monotonic() < deadline:
                time.sleep(0.01)
            seen["walk_in_waited"] = bool(waiting_on_locks())
        return "committed"

    def desk_registers_walk_in():
        assert roster_held.wait(10), "the manager never got the roster"
        return services.visit_register(
            office=office, actor=secretary, phone="13300133000", source_channel=walk_in, now=at(0)
        )

    outcomes = run_together([manager_sets_roster, desk_registers_walk_in])

    assert errors(outcomes) == {}, describe(outcomes)
    assert seen["walk_in_waited"], "the interleaving under test did not happen"
    visit, created = outcomes[1].value
    assert created and visit.rule == Rule.ROTATION
    # the pointer was on team[0]; the new order keeps it on them (position 2) and the walk-in
    # moves it on to the next in the new order
    assert visit.assigned_to == team[0]
    roster = Roster.objects.get(office=office, date=TODAY)
    assert list(roster.entries.values_list("salesperson", flat=True)) == [p.pk for p in new_order]
    assert roster.pointer == 3
    assert DutyState.objects.filter(office=office, salesperson=newcomer, owed_turns=0).exists()


# ------------------------------------------------------------------ g. the same races over HTTP


def clients_of(users) -> list[Client]:
    clients = []
    for user in users:
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def test_r_1_1_twenty_desk_posts_of_one_new_phone_over_http_one_201_and_409_duplicates(
    office, secretary, manager, team, walk_in
):
    """POST /api/v1/visits/ twenty times at once (the desk's form sent from twenty tabs):
    one 201, nineteen 409 `duplicate`, never a 500 (R-1.1)."""
    body = {
        "office": office.pk,
        "phone": "+86 138-0013-8001",
        "name": "周先生",
        "source_channel": "passing",
        "party_size": 2,
    }
    with time_machine.travel(BASE, tick=True):  # the views take timezone.now()
        roster_for(office, TODAY, team, manager=manager)
        clients = clients_of([secretary] * THREADS)
        outcomes = run_together(
            [
                lambda c=c: c.post("/api/v1/visits/", body, content_type="application/json")
                for c in clients
            ]
        )

    assert errors(outcomes) == {}, describe(outcomes)
    responses = successes(outcomes)
    assert Counter(r.status_code for r in responses) == {201: 1, 409: THREADS - 1}
    [created] = [r.json() for r in responses if r.status_code == 201]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"duplicate"}
    assert (created["rule"], created["assigned_to"]) == (Rule.ROTATION, team[0].pk)
    customer = Customer.objects.get()
    assert customer.phone == "13800138001"
    assert Visit.objects.get().pk == created["id"]
    assert Claim.objects.get(status=ClaimStatus.ACTIVE).owner == team[0]


def test_r_5_3_twenty_salespeople_post_one_new_phone_over_http_one_201_and_409_claimed(
    office, walk_in
):
    """POST /api/v1/customers/ by twenty salespeople at once: one claim; every other one is
    told whose claim it is (409 `claimed`, with the owner) and the collision is on record."""
    people = [
        UserFactory(username=f"http{i}", roles=[Role.SALESPERSON], offices=[office])
        for i in range(THREADS)
    ]
    body = {
        "office": office.pk,
        "phone": "13900139001",
        "name": "郑女士",
        "source_channel": "online",
    }
    with time_machine.travel(BASE, tick=True):
        clients = clients_of(people)
        outcomes = run_together(
            [
                lambda c=c: c.post("/api/v1/customers/", body, content_type="application/json")
                for c in clients
            ]
        )

    assert errors(outcomes) == {}, describe(outcomes)
    responses = successes(outcomes)
    assert Counter(r.status_code for r in responses) == {201: 1, 409: THREADS - 1}
    claim = Claim.objects.get()
    assert claim.status == ClaimStatus.ACTIVE
    refused = [r.json() for r in responses if r.status_code == 409]
    assert {(r["code"], r["owner"]) for r in refused} == {("claimed", claim.owner_id)}
    assert Collision.objects.filter(claim=claim).count() == THREADS - 1
    assert Customer.objects.count() == 1
