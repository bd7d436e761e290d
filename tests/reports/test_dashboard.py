"""The manager's dashboard with a frozen clock: today's reception, rotation fairness, claims
ending soon (R-3.5), released this week (R-3.3), disputes open (R-5.6), holds lapsing today
(R-6.2) and the month's subscriptions against the target — counted by hand from records made
through the real services; the page, its links, its chart data and Excel, and who may open
it."""

import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attribution.services import claim_start, claims_expire_stale, dispute_open
from deals import services as deals
from deals.factories import UnitFactory
from leads.factories import CustomerFactory, channel
from reception import services as reception
from reception.factories import roster_for
from reports.figures.dashboard import manager_dashboard

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 27, 15, 0, tzinfo=SH)  # a Friday; the week is 23–29
TODAY = NOW.date()
PAGE = "/reports/dashboard/"


def at(day, hour=10, minute=0, month=11):
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=SH)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def claimed(office, owner, since):
    """A customer whose claim (owner) started at `since`: protected through since's day + 7."""
    customer = CustomerFactory(office=office, registered_by=owner, registered_at=since)
    claim_start(household=customer.household, owner=owner, now=since, actor=owner, detail={})
    return customer


def hold(office, customer, owner, when):
    unit = UnitFactory(office=office)
    return deals.hold_create(unit=unit, customer=customer, actor=owner, now=when)


def subscribe(office, customer, owner, when, price):
    unit = UnitFactory(office=office, list_price=Decimal(price))
    return deals.subscription_create(
        unit=unit, customer=customer, deposit="5000", actor=owner, now=when
    )


@pytest.fixture
def week(office, other_office, secretary, salesperson, other_salesperson, manager):
    """The office on Friday 2026-11-27 at 15:00, counted by hand in the tests below."""
    office.monthly_subscription_target = 4
    office.save()
    s1, s2 = salesperson, other_salesperson

    def visit(phone, when, **kw):
        return reception.visit_register(
            office=office,
            actor=secretary,
            phone=phone,
            source_channel=channel("newspaper"),
            now=when,
            **kw,
        )[0]

    # claims of s1: ending within 2 days (protected until 28th and 29th 00:00), not ending
    # (30th), released on read this week (27th 00:00), swept this week (24th), swept last week
    k1 = claimed(office, s1, at(20))
    k2 = claimed(office, s1, at(21))
    k3 = claimed(office, s1, at(22))
    claimed(office, s1, at(19))
    claimed(office, s1, at(16))
    claimed(office, s1, at(10))
    claims_expire_stale(now=at(24, 1))
    r = claimed(office, s1, at(25))
    # earlier visits: this month (s2, named), last month (s1), yesterday (no roster: waiting)
    visit("13800000010", at(10), named_salesperson=s2)
    visit("13800000011", at(30, month=10), named_salesperson=s1)
    visit("13800000012", at(26))
    # today, with a roster (s2 is owed 2 turns)
    roster_for(office, TODAY, [s1, s2], manager=manager, owed={s2: 2})
    p1 = visit("13800000001", at(27, 10)).customer  # rotation → s1
    p2 = visit("13800000002", at(27, 11), named_salesperson=s2).customer  # named → s2
    visit(r.phone, at(27, 12), named_salesperson=s2)  # returning: the owner s1 receives
    visit("13800000004", at(27, 13), party_size=6, one_household=False)  # waits
    dispute_open(customer=r, opener=s2, reason="客户说是我接待的", now=at(27, 12, 30))
    # holds: lapsing today at 16:00 and 23:59; not today (28th 00:30)
    hold(office, k3, s1, at(24, 16))
    hold(office, k2, s1, at(24, 23, 59))
    hold(office, k1, s1, at(25, 0, 30))
    # subscriptions this month: two, one withdrawn; one in October
    subscribe(office, p1, s1, at(27, 14), "1000000.00")
    subscribe(office, p2, s2, at(27, 14, 10), "2000000.50")
    gone = subscribe(office, r, s1, at(27, 14, 20), "3000000.00")
    deals.subscription_withdraw(subscription=gone, actor=manager, now=at(27, 14, 30))
    october = claimed(office, s1, at(29, month=10))
    subscribe(office, october, s1, at(31, month=10), "9000000.00")
    # another office: a claim ending soon, a hold lapsing today
    other_owner = claimed(other_office, s1, at(20))
    hold(other_office, other_owner, s1, at(24, 16))
    return office


def test_dashboard_numbers_against_hand_counts(week, salesperson, other_salesperson):
    board = manager_dashboard(office=week, now=NOW)
    assert (board.visits_today, board.new_today, board.returning_today) == (4, 3, 1)
    assert board.waiting_unassigned == 2  # today's large party and yesterday's visit
    assert board.claims_ending_soon == 2  # within the office's 2 warning days
    assert board.released_this_week == 2  # swept on the 24th, released on read today
    assert board.disputes_open == 1
    assert board.holds_lapsing_today == 2  # 16:00 and 23:59 today
    assert (board.subscriptions_month, board.amount_month) == (2, Decimal("3000000.50"))
    assert (board.target, board.target_rate, board.target_left) == (4, Decimal("0.5000"), 2)
    assert [
        (r["salesperson_id"], r["week"], r["week_rotation"], r["month"], r["month_rotation"])
        + (r["owed_turns"],)
        for r in sorted(board.fairness, key=lambda r: r["salesperson_id"])
    ] == [
        (salesperson.pk, 2, 1, 2, 1, 0),
        (other_salesperson.pk, 1, 0, 2, 0, 2),
    ]


def test_a_claim_ending_soon_is_counted_until_its_protection_ends(office, salesperson):
    claimed(office, salesperson, at(20))  # protected until 2026-11-28 00:00
    just_before = datetime.datetime(2026, 11, 27, 23, 59, 59, tzinfo=SH)
    assert manager_dashboard(office=office, now=just_before).claims_ending_soon == 1
    midnight = datetime.datetime(2026, 11, 28, 0, 0, tzinfo=SH)
    board = manager_dashboard(office=office, now=midnight)
    assert (board.claims_ending_soon, board.released_this_week) == (0, 1)
    office.warning_days = 0
    assert manager_dashboard(office=office, now=NOW).claims_ending_soon == 0


def test_the_target_is_none_when_the_office_sets_no_target(office):
    office.monthly_subscription_target = 0
    board = manager_dashboard(office=office, now=NOW)
    assert (board.target_rate, board.target_left, board.amount_month) == (None, 0, Decimal("0"))


def test_figures_take_six_queries_whatever_the_volume(
    week, office, salesperson, django_assert_num_queries
):
    with django_assert_num_queries(6):
        manager_dashboard(office=office, now=NOW)
    for n in range(4):
        customer = claimed(office, salesperson, at(20 + n, 9))
        hold(office, customer, salesperson, at(24, 17 + n))
    with django_assert_num_queries(6):
        board = manager_dashboard(office=office, now=NOW)
    assert board.holds_lapsing_today == 2 + 4


# ---------------------------------------------------------------- the page


def test_page_shows_the_cards_with_links(client, week, manager):
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    response = client.get(PAGE)
    assert response.status_code == 200
    body = response.content.decode()
    office = week.pk
    for link in (
        f"/attribution/claims/?office={office}&amp;status=active&amp;ending=2",
        f"/attribution/claims/?office={office}&amp;tab=released",
        f"/attribution/disputes/?office={office}",
        f"/deals/board/?office={office}",
        f"/reception/unassigned/?office={office}",
    ):
        assert link in body, link
    assert 'id="card-claims_ending_soon"' in body
    assert 'data-count="2" data-target="4"' in body
    assert "3,000,000.50" in body
    assert 'id="table-fairness"' in body


def test_page_json_and_excel_carry_the_fairness_table(
    client, week, manager, salesperson, other_salesperson
):
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    chart = client.get(PAGE, {"format": "json"}).json()["charts"][0]
    names = {str(salesperson): (2, 2), str(other_salesperson): (1, 2)}
    assert chart["kind"] == "bar"
    assert sorted(chart["labels"]) == sorted(names)
    week_data, month_data = (d["data"] for d in chart["datasets"])
    assert {
        label: (w, m) for label, w, m in zip(chart["labels"], week_data, month_data, strict=True)
    } == names
    response = client.get(PAGE, {"format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book["Rotation fairness"].iter_rows(values_only=True))
    header = rows.index(next(r for r in rows if r[0] == "Salesperson"))
    body = {r[0]: r[1:] for r in rows[header + 1 :]}
    assert body[str(salesperson)] == (2, 1, 2, 1, 0)
    assert body[str(other_salesperson)] == (1, 0, 2, 0, 2)
    assert body["Total"] == (3, 1, 4, 1, 2)


def test_who_may_open_the_dashboard(
    client,
    office,
    other_office,
    salesperson,
    secretary,
    assistant,
    manager,
    director,
    other_manager,
):
    for user in (salesperson, secretary, assistant):
        client.force_login(user)
        assert client.get(PAGE).status_code == 403, user.username
    client.force_login(manager)
    assert client.get(PAGE).status_code == 200
    assert client.get(PAGE, {"office": other_office.pk}).status_code == 404
    client.force_login(director)
    assert client.get(PAGE, {"office": other_office.pk}).status_code == 200
    response = client.get(PAGE, {"office": office.pk})
    assert response.context["board"].office == office
    client.force_login(other_manager)
    assert client.get(PAGE, {"office": office.pk}).status_code == 404
    client.logout()
    assert client.get(PAGE).status_code == 302


def page_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(PAGE).status_code == 200
    return len(ctx.captured_queries)


def test_page_takes_the_same_queries_for_small_and_larger_data(
    client, office, manager, salesperson, secretary
):
    client.force_login(manager)
    claimed(office, salesperson, at(20))
    small = page_queries(client)
    for n in range(5):
        customer = claimed(office, salesperson, at(20 + n % 3, 9 + n))
        hold(office, customer, salesperson, at(24, 17 + n))
        reception.visit_register(
            office=office,
            actor=secretary,
            phone=f"1370000000{n}",
            source_channel=channel("online"),
            now=at(27, 9, n),
            named_salesperson=salesperson,
        )
    assert page_queries(client) == small
