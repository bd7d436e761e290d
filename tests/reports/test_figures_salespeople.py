"""The salespeople's compiled figures (R-7.4): reception and performance parts counted in SQL
against a hand-counted week, in the office's local time, in a constant number of queries."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from attribution.services import (
    claims_expire_stale,
    customer_register_own,
    followup_log,
    followup_void,
)
from deals.factories import UnitFactory
from deals.services import hold_create, subscription_create, subscription_withdraw
from leads.factories import channel
from reception.services import call_register, visit_register
from reports.figures.salespeople import (
    daily_visits,
    report_tables,
    salespeople_figures,
    team_totals,
)
from reports.periods import Period, week_of
from staff.choices import Role
from staff.factories import UserFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
WEEK = Period("week", datetime.date(2026, 3, 9), datetime.date(2026, 3, 15))  # Mon–Sun


def at(month, day, hour=10, minute=0):
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=SH)


def visit(office, secretary, salesperson, phone, when):
    """R-2.1 case 2: the customer names the salesperson (no rotation needed)."""
    v, _created = visit_register(
        office=office,
        actor=secretary,
        phone=phone,
        source_channel=channel(),
        now=when,
        named_salesperson=salesperson,
    )
    return v


def follow(customer, author, kind, when):
    return followup_log(customer=customer, author=author, kind=kind, note="聊了户型", now=when)


@pytest.fixture(autouse=True)
def clock():
    # the report is read a week after the period: every release and deal is in the past
    with time_machine.travel(at(3, 22), tick=False):
        yield


@pytest.fixture
def week(office, other_office, secretary, salesperson, other_salesperson, manager):
    """The hand-counted week of sales1 (S) and sales2 (T); the comments give each record's
    effect on S's row."""
    S, T = salesperson, other_salesperson
    S.offices.add(other_office)
    other_secretary = UserFactory(
        username="secretary-riverside", roles=[Role.SECRETARY], offices=[other_office]
    )
    # before the period: claim0 starts Sunday 23:59 (not a visit of the week, not started)
    c0 = visit(office, secretary, S, "13900000000", at(3, 8, 23, 59)).customer
    # claim5 started 03-01, no contact: released at 03-09 00:00, in the period
    visit(office, secretary, S, "13900000005", at(3, 1))
    # claim6 started 02-20: released 02-28, before the period
    visit(office, secretary, S, "13900000006", at(2, 20))
    # in the period: visits 3 (new 2, returning 1)
    c1 = visit(office, secretary, S, "13900000001", at(3, 9, 0, 0)).customer  # local midnight
    follow(c1, S, "message", at(3, 10, 9))
    c2 = visit(office, secretary, S, "13900000002", at(3, 10)).customer
    follow(c2, S, "call", at(3, 10, 12))
    visit(office, secretary, S, "13900000001", at(3, 11))  # returning: the owner receives
    unit1 = UnitFactory(office=office, list_price=Decimal("1000000.00"))
    hold_create(unit=unit1, customer=c1, actor=secretary, now=at(3, 11, 15))  # hold 1
    unit2 = UnitFactory(office=office, list_price=Decimal("800000.00"))
    hold_create(unit=unit2, customer=c2, actor=S, now=at(3, 12))  # hold 2
    call_register(  # put through to the owner
        office=office,
        actor=secretary,
        kind="customer",
        content="问价格",
        phone="13900000001",
        now=at(3, 12, 11),
    )
    call_register(  # not a customer: put through to nobody
        office=office,
        actor=secretary,
        kind="non_customer",
        content="推销",
        caller="某公司",
        now=at(3, 12, 12),
    )
    follow(c1, S, "call", at(3, 12, 14))
    c7, _claim7 = customer_register_own(  # claim7: started in the period, no visit
        office=office,
        salesperson=S,
        phone="13900000007",
        name="周先生",
        source_channel=channel(),
        now=at(3, 12, 16),
    )
    follow(c0, S, "call", at(3, 13))
    follow(c0, S, "call", at(3, 14))  # claim0: 2 calls in the last 7 days, meets the target
    subscription_create(  # counted: list price 1,000,000.00, deposit 20,000.00; claim1 → deal
        unit=unit1, customer=c1, deposit=Decimal("20000.00"), actor=S, now=at(3, 13, 15)
    )
    voided = follow(c2, S, "call", at(3, 14, 9))
    followup_void(followup=voided, actor=manager, reason="没打通", now=at(3, 14, 18))
    unit3 = UnitFactory(office=office, list_price=Decimal("500000.00"))
    withdrawn = subscription_create(  # claim7 → deal (counted); the subscription is withdrawn
        unit=unit3, customer=c7, deposit=Decimal("5000.00"), actor=S, now=at(3, 14, 11)
    )
    subscription_withdraw(subscription=withdrawn, actor=manager, now=at(3, 15, 10))
    # T: one new visit at 23:59 on Sunday, the last minute of the period
    visit(office, secretary, T, "13900000003", at(3, 15, 23, 59))
    # after the period (Monday 00:00 local): none counted
    c4 = visit(office, secretary, S, "13900000004", at(3, 16, 0, 0)).customer
    follow(c4, S, "call", at(3, 16, 0, 30))
    call_register(
        office=office,
        actor=secretary,
        kind="customer",
        content="再问",
        phone="13900000002",
        now=at(3, 16, 0, 1),
    )
    hold_create(unit=UnitFactory(office=office), customer=c0, actor=S, now=at(3, 16, 9))
    # another office, in the period: none counted
    other = visit(other_office, other_secretary, S, "13900000009", at(3, 12))
    follow(other.customer, S, "call", at(3, 12, 10))
    return S, T


S_ROW = {
    "visits": 3,
    "new_customers": 2,
    "returning": 1,
    "calls_put_through": 1,
    "followups": 5,  # claim0 2 calls, claim1 message + call, claim2 1 call (1 voided)
    "followup_calls": 4,
    "claims_active": 2,  # claim0, claim2 (claim1, claim7 deals; claim5 released)
    "claims_meeting_call_target": 1,  # claim0
    "call_rate": Decimal("0.5000"),
    "claims_started": 3,  # claim1, claim2, claim7
    "claims_released": 1,  # claim5
    "claims_deal": 2,  # claim1, claim7
    "holds": 2,
    "subscriptions": 1,
    "amount": Decimal("1000000.00"),
    "deposits": Decimal("20000.00"),
}
T_ROW = {
    "visits": 1,
    "new_customers": 1,
    "returning": 0,
    "calls_put_through": 0,
    "followups": 0,
    "followup_calls": 0,
    "claims_active": 1,
    "claims_meeting_call_target": 0,
    "call_rate": Decimal("0.0000"),
    "claims_started": 1,
    "claims_released": 0,
    "claims_deal": 0,
    "holds": 0,
    "subscriptions": 0,
    "amount": Decimal("0.00"),
    "deposits": Decimal("0.00"),
}


def figures_only(row):
    return {key: row[key] for key in S_ROW}


@pytest.mark.parametrize("expired", [False, True], ids=["released-on-read", "job-ran"])
def test_hand_counted_week(office, week, expired):
    """R-7.4 figures in office-local time; R-3.3: a release counts whether or not the hourly
    job has made it permanent."""
    S, T = week
    if expired:
        assert claims_expire_stale(now=at(3, 22)) >= 1
    rows = salespeople_figures(office, WEEK)
    assert [r["salesperson_id"] for r in rows] == sorted(
        [S.pk, T.pk], key=lambda pk: str(S if pk == S.pk else T)
    )
    by_id = {r["salesperson_id"]: r for r in rows}
    assert figures_only(by_id[S.pk]) == S_ROW
    assert figures_only(by_id[T.pk]) == T_ROW


def test_team_totals_recompute_the_rate_from_the_sums(office, week):
    totals = team_totals(salespeople_figures(office, WEEK), office)
    assert totals["visits"] == 4
    assert totals["amount"] == Decimal("1000000.00")
    assert (totals["claims_active"], totals["claims_meeting_call_target"]) == (3, 1)
    assert totals["call_rate"] == Decimal("0.3333")  # 1/3, not the mean of 0.5 and 0


def test_only_the_given_salespeople(office, week):
    S, _T = week
    rows = salespeople_figures(office, WEEK, [S.pk])
    assert [figures_only(r) for r in rows] == [S_ROW]


def test_the_running_week_counts_the_claims_held_now(office, salesperson, secretary):
    """While the period runs, "at the period's end" means now: a claim that lapses before
    Sunday midnight is still tracked on Thursday."""
    visit(office, secretary, salesperson, "13900000001", at(3, 6, 9))  # released 03-14 00:00
    week = week_of(datetime.date(2026, 3, 12), office)
    rows = salespeople_figures(office, week, now=at(3, 12, 18))
    assert (rows[0]["claims_active"], rows[0]["claims_released"]) == (1, 0)
    rows = salespeople_figures(office, week, now=at(3, 22))
    assert (rows[0]["claims_active"], rows[0]["claims_released"]) == (0, 1)


def test_daily_visits_by_office_local_day(office, week):
    S, T = week
    days = daily_visits(office, WEEK, [S.pk, T.pk])
    assert [d["day"] for d in days] == [d.isoformat() for d in WEEK.days]
    assert [d["visits"] for d in days] == [1, 1, 1, 0, 0, 0, 1]
    assert [d["new_customers"] for d in days] == [1, 1, 0, 0, 0, 0, 1]


def test_tables_carry_the_figures(office, week):
    rows = salespeople_figures(office, WEEK)
    tables = {t.key: t for t in report_tables(rows, office, daily=[])}
    assert tables["reception"].totals["visits"] == 4
    assert tables["performance"].totals["subscriptions"] == 1
    assert tables["daily"].rows == []


def _busy_salespeople(office, secretary, manager, n):
    people = [
        UserFactory(username=f"busy{i}", roles=[Role.SALESPERSON], offices=[office])
        for i in range(n)
    ]
    for i, person in enumerate(people):
        customer = visit(office, secretary, person, f"1380000{i:04d}", at(3, 10, 9, i)).customer
        follow(customer, person, "call", at(3, 11, 9, i))
        follow(customer, person, "call", at(3, 12, 9, i))
        unit = UnitFactory(office=office)
        hold_create(unit=unit, customer=customer, actor=person, now=at(3, 12, 10, i))
        subscription_create(
            unit=unit, customer=customer, deposit=Decimal("6000.00"), actor=person, now=at(3, 13)
        )
        call_register(
            office=office,
            actor=secretary,
            kind="customer",
            content="问",
            phone=f"1380000{i:04d}",
            now=at(3, 14, 9, i),
        )
    return people


@pytest.mark.parametrize("n", [1, 5])
def test_constant_number_of_queries(office, secretary, manager, n, django_assert_num_queries):
    """One query for the salespeople and one per source table, whatever their number."""
    _busy_salespeople(office, secretary, manager, n)
    with django_assert_num_queries(7):
        rows = salespeople_figures(office, WEEK)
    assert len(rows) == n
    assert all((r["visits"], r["holds"], r["subscriptions"]) == (1, 1, 1) for r in rows)
    assert all(r["claims_meeting_call_target"] == 0 for r in rows)  # deals are not tracked
    with django_assert_num_queries(1):
        daily_visits(office, WEEK, [r["salesperson_id"] for r in rows])
