"""The director's page: one row per office with the figures that need attention today, each
number linking to the page that lists it (filtered by the office), in a fixed number of queries
whatever the number of offices; the market-research approvals below. Counted by hand from
records made through the real services, with a frozen clock."""

import datetime
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attribution.models import Claim
from attribution.rules import protection_left
from attribution.services import claim_start, dispute_open
from deals import services as deals
from deals.factories import UnitFactory
from leads.factories import CustomerFactory, channel
from reception import services as reception
from reception.factories import roster_for
from reports import meetings
from reports.figures.dashboard import manager_dashboard
from staff.choices import Role
from staff.factories import OfficeFactory, UserFactory
from workspace.selectors import office_rows

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 27, 15, 0, tzinfo=SH)  # a Friday
TODAY = NOW.date()
PAGE = "/w/director/"
FIGURES = (
    "visits_today",
    "waiting_unassigned",
    "claims_ending",
    "disputes_open",
    "holds_lapsing_today",
    "subscriptions_month",
    "escalations_open",
)


def at(day, hour=10, minute=0, month=11):
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=SH)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


class World:
    """One office's staff and the services that make its records."""

    def __init__(self, office, name):
        self.office = office
        self.secretary = UserFactory(
            username=f"sec-{name}", roles=[Role.SECRETARY], offices=[office]
        )
        self.s1 = UserFactory(username=f"s1-{name}", roles=[Role.SALESPERSON], offices=[office])
        self.s2 = UserFactory(username=f"s2-{name}", roles=[Role.SALESPERSON], offices=[office])
        self.manager = UserFactory(username=f"m-{name}", roles=[Role.MANAGER], offices=[office])

    def visit(self, phone, when, **kw):
        return reception.visit_register(
            office=self.office,
            actor=self.secretary,
            phone=phone,
            source_channel=channel("newspaper"),
            now=when,
            **kw,
        )[0]

    def claimed(self, since):
        """A customer of s1 whose claim started at `since` (protected through since + 7)."""
        customer = CustomerFactory(office=self.office, registered_by=self.s1, registered_at=since)
        claim_start(
            household=customer.household, owner=self.s1, now=since, actor=self.s1, detail={}
        )
        return customer

    def hold(self, customer, when):
        unit = UnitFactory(office=self.office)
        return deals.hold_create(unit=unit, customer=customer, actor=self.s1, now=when)

    def subscribe(self, customer, when):
        unit = UnitFactory(office=self.office, list_price=Decimal("1000000.00"))
        return deals.subscription_create(
            unit=unit, customer=customer, deposit="5000", actor=self.s1, now=when
        )

    def problem(self, when, *, escalate=True):
        return meetings.problem_raise(
            office=self.office,
            date=when.date(),
            text="停车位不够",
            escalate=escalate,
            by=self.secretary,
            now=when,
        )


def sunny_world(office, prefix="138"):
    """Office A on Friday 2026-11-27 at 15:00; the counts are in EXPECTED."""
    w = World(office, office.code)
    office.monthly_subscription_target = 4
    office.save()
    # claims ending: through today (28th 00:00) and tomorrow (29th); not: through the 29th
    k1, k2 = w.claimed(at(20)), w.claimed(at(21))
    w.claimed(at(22))
    # a visit yesterday waits (no roster); today: two by rotation, one large party waiting,
    # and a customer of s1 returning, received by s1 and disputed by s2
    w.visit(f"{prefix}00000010", at(26))
    roster_for(office, TODAY, [w.s1, w.s2], manager=w.manager)
    p1 = w.visit(f"{prefix}00000001", at(27, 9)).customer
    p2 = w.visit(f"{prefix}00000002", at(27, 10)).customer
    w.visit(f"{prefix}00000003", at(27, 11), party_size=6, one_household=False)
    disputed = w.claimed(at(23))
    w.visit(disputed.phone, at(27, 11, 30), named_salesperson=w.s2)  # s2 named: may dispute
    dispute_open(customer=disputed, opener=w.s2, reason="客户说是我接待的", now=at(27, 12))
    # holds lapsing today (16:00, 23:59); not today (28th 00:30)
    w.hold(k1, at(24, 16))
    w.hold(k2, at(24, 23, 59))
    w.hold(w.claimed(at(24)), at(25, 0, 30))
    # subscriptions this month: two, and one withdrawn; one in October
    w.subscribe(p1, at(27, 13))
    w.subscribe(p2, at(27, 13, 10))
    gone = w.subscribe(w.claimed(at(25)), at(27, 13, 20))
    deals.subscription_withdraw(subscription=gone, actor=w.manager, now=at(27, 13, 30))
    w.subscribe(w.claimed(at(30, month=10)), at(31, month=10))
    # escalations: two open (one from an earlier day), one closed, one never escalated
    w.problem(at(24, 18))
    w.problem(at(27, 12))
    closed = w.problem(at(26, 18))
    meetings.problem_close(problem=closed, resolution="已解决", by=w.manager, now=at(27, 9))
    w.problem(at(27, 12), escalate=False)
    return w


def riverside_world(office, prefix="139"):
    """Office B: a visit today by rotation, a claim ending tomorrow, a hold lapsing today, one
    subscription against the default target of 10, one escalation."""
    w = World(office, office.code)
    roster_for(office, TODAY, [w.s1], manager=w.manager)
    visitor = w.visit(f"{prefix}00000001", at(27, 9)).customer
    k = w.claimed(at(21))
    w.hold(k, at(24, 20))
    w.subscribe(visitor, at(27, 14))
    w.problem(at(27, 12))
    return w


EXPECTED = {
    # visits today, waiting, claims ending, disputes, holds lapsing, subscriptions, escalations
    "sunny": (4, 2, 2, 1, 2, 2, 2),
    "riverside": (1, 0, 1, 0, 1, 1, 1),
}


@pytest.fixture
def world(office, other_office, director):
    return sunny_world(office), riverside_world(other_office)


def figures(row):
    return tuple(getattr(row, key) for key in FIGURES)


def test_rows_against_hand_counts(world, director, office, other_office):
    rows = office_rows(user=director, now=NOW)
    assert [r.office for r in rows] == [other_office, office]  # by name: 江畔, 阳光花园
    assert {r.office.code: figures(r) for r in rows} == EXPECTED
    assert {r.office.code: r.target for r in rows} == {"sunny": 4, "riverside": 10}


def test_rows_agree_with_each_office_dashboard(world, director):
    """The director's figures are the manager's dashboard's, office by office."""
    for row in office_rows(user=director, now=NOW):
        board = manager_dashboard(office=row.office, now=NOW)
        assert (
            row.visits_today,
            row.waiting_unassigned,
            row.claims_ending,
            row.disputes_open,
            row.holds_lapsing_today,
            row.subscriptions_month,
        ) == (
            board.visits_today,
            board.waiting_unassigned,
            board.claims_ending_soon,
            board.disputes_open,
            board.holds_lapsing_today,
            board.subscriptions_month,
        )


@pytest.mark.parametrize(
    "now",
    [
        NOW,
        datetime.datetime(2026, 11, 27, 0, 0, tzinfo=SH),
        datetime.datetime(2026, 11, 27, 23, 59, 59, tzinfo=SH),
        datetime.datetime(2026, 11, 28, 0, 0, tzinfo=SH),
    ],
)
def test_claims_ending_are_those_protection_left_says(world, director, now):
    """R-3.5: "ending within the warning days" is the last protected day being today or one of
    the next warning_days - 1 days (rules.protection_left), whatever the hour."""
    expected: dict[str, int] = {}
    for claim in Claim.objects.filter(status="active").select_related("office"):
        office = claim.office
        today = now.astimezone(office.tzinfo).date()
        left = protection_left(claim.protected_until, tz=office.tzinfo, today=today)
        if 0 <= left.days_left < office.warning_days and now < claim.protected_until:
            expected[office.code] = expected.get(office.code, 0) + 1
    rows = office_rows(user=director, now=now)
    assert {r.office.code: r.claims_ending for r in rows if r.claims_ending} == expected


def test_page_shows_each_number_linked_to_its_list(client, world, director, office):
    client.force_login(director)
    client.cookies["django_language"] = "en"
    response = client.get(PAGE)
    assert response.status_code == 200
    body = response.content.decode()
    row = re.search(rf'<tr id="office-{office.pk}".*?</tr>', body, re.S).group(0)
    o = office.pk
    cells = {
        key: (href, value)
        for key, href, value in re.findall(
            r'data-key="(\w+)"><a href="([^"]+)"[^>]*>([^<]+)</a>', row
        )
    }
    assert cells == {
        "visits_today": (
            f"/reports/front-desk/?office={o}&amp;period=day&amp;date=2026-11-27",
            "4",
        ),
        "waiting_unassigned": (f"/reception/unassigned/?office={o}", "2"),
        "claims_ending": (f"/attribution/claims/?office={o}&amp;status=active&amp;ending=2", "2"),
        "disputes_open": (f"/attribution/disputes/?office={o}", "1"),
        "holds_lapsing_today": (f"/deals/board/?office={o}", "2"),
        "subscriptions_month": (f"/reports/dashboard/?office={o}", "2 / 4"),
        "escalations_open": ("/reports/escalations/", "2"),
    }
    assert 'title="Claims ending within 2 days"' in row
    # the totals over both offices, and the approvals kept below the table
    totals = re.search(r"<tfoot>.*?</tfoot>", body, re.S).group(0)
    assert re.findall(r'data-key="\w+">([^<]+)</td>', totals) == [
        "5",
        "2",
        "3",
        "1",
        "3",
        "3 / 14",
        "3",
    ]
    assert body.index('id="offices-title"') < body.index('id="research-title"')


def test_each_link_opens_the_list_with_the_same_count(client, world, director, office):
    """The pages the numbers open show that office, and the claims list the same claims."""
    client.force_login(director)
    rows = {r["row"].office.pk: r for r in client.get(PAGE).context["table"]["rows"]}
    for cell in rows[office.pk]["cells"]:
        response = client.get(cell["url"])
        assert response.status_code == 200, cell["url"]
        if "office" in response.context:
            assert response.context["office"] == office, cell["url"]
        if cell["column"].key == "claims_ending":
            assert len(response.context["claims"]) == 2
        if cell["column"].key == "waiting_unassigned":
            assert len(response.context["unassigned"]) == 2


def test_a_director_sees_every_office_even_without_membership(client, world, office):
    director = UserFactory(username="boss", roles=[Role.DIRECTOR], offices=[])
    client.force_login(director)
    rows = client.get(PAGE).context["table"]["rows"]
    assert {r["row"].office.code for r in rows} == {"sunny", "riverside"}


def test_only_a_director_opens_the_page(client, office, manager, assistant, salesperson):
    for user in (manager, assistant, salesperson):
        client.force_login(user)
        assert client.get(PAGE).status_code == 403


def _page_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(PAGE).status_code == 200
    return len(ctx.captured_queries)


def test_same_queries_for_two_and_five_offices(client, office, other_office, director):
    riverside_world(office, prefix="137")
    riverside_world(other_office)
    client.force_login(director)
    two = _page_queries(client)
    for n in range(3):
        riverside_world(OfficeFactory(code=f"extra{n}", name=f"新城{n}"), prefix=f"15{n}")
    five_rows = client.get(PAGE).context["table"]["rows"]
    assert len(five_rows) == 5
    assert all(figures(r["row"]) == EXPECTED["riverside"] for r in five_rows)
    assert _page_queries(client) == two


def test_no_office_yet(client, db):
    director = UserFactory(username="boss", roles=[Role.DIRECTOR], offices=[])
    client.force_login(director)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert response.context["table"]["rows"] == []
