"""The channel evaluation (R-7.6) and the front desk's counts page (R-2.8): figures counted by
hand from records made through the real services, the page, its chart data and its Excel
download, who may open them, and a constant number of queries."""

import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from deals import services as deals
from deals.factories import UnitFactory
from leads.factories import CustomerFactory, channel
from reception import services as reception
from reception.choices import CallKind, ResearchStep
from reports.figures.channels import channel_figures, channel_tables, rate
from reports.periods import Period, month_of
from staff.choices import Role
from staff.factories import UserFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=SH)
NOVEMBER = month_of(datetime.date(2026, 11, 1))
CHANNELS, FRONT_DESK = "/reports/channels/", "/reports/front-desk/"


def at(day, hour=10, minute=0, second=0, month=11):
    return datetime.datetime(2026, month, day, hour, minute, second, tzinfo=SH)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


class Desk:
    """Visits, holds and subscriptions of one office made through the services."""

    def __init__(self, office, secretary, salesperson, manager):
        self.office, self.secretary = office, secretary
        self.salesperson, self.manager = salesperson, manager

    def visit(self, phone, when, code="newspaper", named=True):
        return reception.visit_register(
            office=self.office,
            actor=self.secretary,
            phone=phone,
            source_channel=channel(code),
            now=when,
            named_salesperson=self.salesperson if named else None,
        )[0]

    def hold(self, customer, when, price="1000000.00"):
        unit = UnitFactory(office=self.office, list_price=Decimal(price))
        return deals.hold_create(unit=unit, customer=customer, actor=self.salesperson, now=when)

    def subscribe(self, customer, when, price="1000000.00", unit=None):
        unit = unit or UnitFactory(office=self.office, list_price=Decimal(price))
        return deals.subscription_create(
            unit=unit, customer=customer, deposit="5000", actor=self.salesperson, now=when
        )


@pytest.fixture
def desk(office, secretary, salesperson, manager):
    return Desk(office, secretary, salesperson, manager)


@pytest.fixture
def november(desk, office, other_office, salesperson, secretary, director):
    """November 2026, counted by hand in EXPECTED."""
    # newspaper: A (new, hold → subscription 1,000,000), A again, B (hold that lapses),
    # C (subscribed then withdrawn), H at the month's last second
    a = desk.visit("13800000001", at(1, 0)).customer
    hold = desk.hold(a, at(2))
    desk.subscribe(a, at(3), unit=hold.unit)
    desk.visit("13800000001", at(15), named=False)  # returning
    b = desk.visit("13800000002", at(10)).customer
    desk.hold(b, at(10, 11))
    c = desk.visit("13800000003", at(30)).customer
    withdrawn = desk.subscribe(c, at(30, 11), price="2000000.00")
    deals.subscription_withdraw(subscription=withdrawn, actor=desk.manager, now=at(30, 12))
    desk.visit("13800000008", at(30, 23, 59, 59))
    # D registered (and visited) in October, subscribed in November: a November subscription
    d = desk.visit("13800000004", at(31, 23, 59, 59, month=10)).customer
    desk.subscribe(d, at(5), price="500000.00")
    # online: E (new, subscription 1,500,000.50), F voided, G an approved market researcher
    e = desk.visit("13800000005", at(20), "online").customer
    desk.subscribe(e, at(21), price="1500000.50")
    f = CustomerFactory(office=office, source_channel=channel("online"), registered_at=at(5))
    f.voided_at, f.void_reason = at(6), "登记错误"
    f.save()
    g = desk.visit("13800000007", at(25), "online")
    reception.visit_research_step(visit=g, step=ResearchStep.FLAG, actor=salesperson, now=at(25))
    reception.visit_research_step(visit=g, step=ResearchStep.CONFIRM, actor=secretary, now=at(25))
    reception.visit_research_step(visit=g, step=ResearchStep.APPROVE, actor=director, now=at(26))
    # December, and another office: not counted
    desk.visit("13800000009", at(1, 0, month=12))
    other = Desk(
        other_office,
        UserFactory(username="sec-r", roles=[Role.SECRETARY], offices=[other_office]),
        UserFactory(username="sp-r", roles=[Role.SALESPERSON], offices=[other_office]),
        None,
    )
    x = other.visit("13800000001", at(10)).customer
    other.subscribe(x, at(11))


EXPECTED = {
    # channel: new customers, visits, holds, subscriptions, amount (the period's activity)
    "Newspaper": (4, 5, 2, 2, Decimal("1500000.00")),
    "Online ad": (1, 1, 0, 1, Decimal("1500000.50")),
    "Billboard": (0, 0, 0, 0, Decimal("0.00")),
}
TOTALS = (5, 6, 2, 3, Decimal("3000000.50"))
KEYS = ("new_customers", "visits", "holds", "subscriptions", "amount")
# The funnel of November's new customers: newspaper A, B, C, H came; A and B held; A subscribed
# (C withdrew; D registered in October is not of the cohort). Online E subscribed directly:
# it passed the hold step. new, came, held, subscribed, and the three rates.
FUNNEL = {
    "Newspaper": (4, 4, 2, 1, Decimal("1.0000"), Decimal("0.5000"), Decimal("0.5000")),
    "Online ad": (1, 1, 1, 1, Decimal("1.0000"), Decimal("1.0000"), Decimal("1.0000")),
    "Billboard": (0, 0, 0, 0, None, None, None),
    "Total": (5, 5, 3, 2, Decimal("1.0000"), Decimal("0.6000"), Decimal("0.6667")),
}
FUNNEL_KEYS = (
    "new_customers",
    "reached_visit",
    "reached_hold",
    "reached_subscription",
    "visit_rate",
    "hold_rate",
    "subscription_rate",
)


def by_channel(rows):
    return {row["channel"]: tuple(row[k] for k in KEYS) for row in rows}


def test_r_7_6_figures_per_channel_against_hand_counts(office, november):
    with translation.override("en"):
        rows = channel_figures(office, NOVEMBER)
    figures = by_channel(rows)
    for name, expected in EXPECTED.items():
        assert figures[name] == expected, name
    # every active channel is listed, in the managed list's order; no "no channel" row
    assert list(figures) == [
        "Newspaper",
        "Online ad",
        "Billboard",
        "Referral",
        "Passing by",
        "Phone",
        "Other",
    ]
    assert all(figures[n][:4] == (0, 0, 0, 0) for n in ("Referral", "Passing by", "Other"))


def test_totals_and_the_funnel_of_the_new_customers_per_channel(office, november):
    with translation.override("en"):
        per_channel, funnel = channel_tables(channel_figures(office, NOVEMBER))
        funnel_rows = {str(r["channel"]): r for r in [*funnel.rows, funnel.totals]}
    assert tuple(per_channel.totals[k] for k in KEYS) == TOTALS
    assert "visit_hold_rate" not in per_channel.totals  # activity counts: no rate between them
    for name, expected in FUNNEL.items():
        assert tuple(funnel_rows[name][k] for k in FUNNEL_KEYS) == expected, name


def steps(row):
    return [row[k] for k in FUNNEL_KEYS[:4]]


def test_funnel_steps_are_subsets_the_hold_in_one_channel_and_the_subscription_in_another(
    office, desk
):
    """The user test: a hold from the newspaper, a subscription from online with no hold.
    The total's hold → subscription rate cannot be 100 %: online's direct subscription passed
    the hold step, and the newspaper's hold did not convert."""
    held = desk.visit("13800000001", at(3), "newspaper").customer
    desk.hold(held, at(3, 12))
    subscribed = desk.visit("13800000002", at(4), "online").customer
    desk.subscribe(subscribed, at(4, 12))
    with translation.override("en"):
        _per_channel, funnel = channel_tables(channel_figures(office, NOVEMBER))
        rows = {str(r["channel"]): r for r in [*funnel.rows, funnel.totals]}
    assert steps(rows["Newspaper"]) == [1, 1, 1, 0]
    assert rows["Newspaper"]["subscription_rate"] == Decimal("0.0000")
    assert steps(rows["Online ad"]) == [1, 1, 1, 1]
    assert steps(rows["Total"]) == [2, 2, 2, 1]
    assert rows["Total"]["subscription_rate"] == Decimal("0.5000")
    for row in rows.values():  # every step a subset of the one before: no rate above 100 %
        assert steps(row) == sorted(steps(row), reverse=True), row["channel"]
        for key in FUNNEL_KEYS[4:]:
            assert row[key] is None or row[key] <= 1, (row["channel"], key)


def test_rates_are_none_when_there_is_nothing_to_convert():
    assert rate(0, 0) is None
    assert rate(1, 3) == Decimal("0.3333")
    assert rate(3, 2) == Decimal("1.5000")


def test_an_inactive_channel_shows_only_with_records(office, desk):
    desk.visit("13800000001", at(3), "billboard")
    billboard = channel("billboard")
    billboard.is_active = False
    billboard.save()
    october = month_of(datetime.date(2026, 10, 1))
    with translation.override("en"):
        assert by_channel(channel_figures(office, NOVEMBER))["Billboard"][:2] == (1, 1)
        assert "Billboard" not in by_channel(channel_figures(office, october))


def test_figures_take_five_queries_whatever_the_volume(office, desk, django_assert_num_queries):
    with django_assert_num_queries(5):
        channel_figures(office, NOVEMBER)
    for n in range(4):
        customer = desk.visit(f"1370000000{n}", at(3 + n), "online").customer
        desk.subscribe(customer, at(3 + n, 12))
    with django_assert_num_queries(5):
        rows = channel_figures(office, NOVEMBER)
    assert by_channel(rows)["网络广告"][3] == 4


# ---------------------------------------------------------------- the pages


def english(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def november_query(office, **extra):
    return {"office": office.pk, "period": "month", "date": "2026-11-01", **extra}


def test_channels_page_shows_the_table_with_totals(client, office, assistant, november):
    response = english(client, assistant).get(CHANNELS, november_query(office))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="table-channels"' in body and 'id="table-funnel"' in body
    assert "3,000,000.50" in body and "66.7%" in body  # held → subscribed, 2 of 3
    assert response.context["period"] == NOVEMBER


def test_channels_page_defaults_to_this_month(client, office, manager):
    client.force_login(manager)
    response = client.get(CHANNELS)
    assert response.status_code == 200
    assert response.context["period"] == month_of(NOW.date())


def test_channels_json_has_the_bar_chart_and_the_funnel_in_stage_order(
    client, office, assistant, november
):
    response = english(client, assistant).get(CHANNELS, november_query(office, format="json"))
    charts = {c["key"]: c for c in response.json()["charts"]}
    bars = charts["channels"]
    assert bars["kind"] == "bar"
    assert bars["labels"][:3] == ["Newspaper", "Online ad", "Billboard"]
    data = {d["key"]: d["data"] for d in bars["datasets"]}
    assert list(data) == ["new_customers", "visits", "holds", "subscriptions"]
    assert data["visits"][:3] == [5, 1, 0]
    funnel = charts["funnel"]
    assert funnel["kind"] == "funnel"
    assert funnel["labels"] == [
        "New customers",
        "Came to the office",
        "Held a unit or went further",
        "Subscribed",
    ]
    assert funnel["datasets"][0]["data"] == [5, 5, 3, 2]


def sheet_rows(response, title):
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book[title].iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] in ("Source channel", "Date"))
    return rows[header], rows[header + 1 :]


def test_channels_excel_equals_the_table(client, office, assistant, november):
    response = english(client, assistant).get(CHANNELS, november_query(office, format="xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    header, body = sheet_rows(response, "Channel evaluation")
    assert header[:6] == (
        "Source channel",
        "New customers",
        "Visits",
        "Holds",
        "Subscriptions",
        "Amount",
    )
    sheet = {row[0]: row[1:] for row in body}
    for name, expected in EXPECTED.items():
        assert sheet[name][:4] == expected[:4]
        assert Decimal(str(sheet[name][4])) == expected[4]
    assert sheet["Total"][:4] == TOTALS[:4]
    assert Decimal(str(sheet["Total"][4])) == TOTALS[4]


def test_front_desk_page_defaults_to_today_and_serves_day_lines(
    client, office, assistant, secretary
):
    reception.visit_register(
        office=office,
        actor=secretary,
        phone="13800000001",
        source_channel=channel("online"),
        now=NOW - datetime.timedelta(hours=1),
    )
    response = english(client, assistant).get(FRONT_DESK)
    assert response.status_code == 200
    assert response.context["period"] == Period("day", NOW.date(), NOW.date())
    tables = {t.key: t for t in response.context["tables"]}
    assert [(r["channel"], r["walk_in_parties"]) for r in tables["channels"].rows] == [
        ("Online ad", 1)
    ]
    assert tables["channels"].totals["new_customers"] == 1


def test_front_desk_week_chart_and_excel(client, office, assistant, secretary):
    for day, phone in ((30, "13800000001"), (30, "13800000002"), (2, "13800000003")):
        month = 11 if day == 30 else 12
        reception.visit_register(
            office=office,
            actor=secretary,
            phone=phone,
            source_channel=channel("newspaper"),
            now=at(day, month=month),
        )
    reception.call_register(
        office=office,
        actor=secretary,
        kind=CallKind.NON_CUSTOMER,
        content="推销",
        caller="广告公司",
        now=at(1, month=12),
    )
    query = {"office": office.pk, "period": "week", "date": "2026-12-02"}
    client = english(client, assistant)
    charts = client.get(FRONT_DESK, {**query, "format": "json"}).json()["charts"]
    line = next(c for c in charts if c["key"] == "days")
    assert line["kind"] == "line"
    assert line["labels"] == ["2026-11-30"] + [f"2026-12-0{d}" for d in range(1, 7)]
    assert line["datasets"][0]["data"] == [2, 0, 1, 0, 0, 0, 0]
    response = client.get(FRONT_DESK, {**query, "format": "xlsx"})
    header, body = sheet_rows(response, "Counts by source channel")
    assert header == (
        "Source channel",
        "Walk-in parties",
        "New customers",
        "Returning customers",
        "Customer calls",
        "Non-customer calls",
    )
    assert body == [
        ("Newspaper", 3, 3, 0, 0, 0),
        ("No channel", 0, 0, 0, 0, 1),
        ("Total", 3, 3, 0, 0, 1),
    ]
    header, body = sheet_rows(response, "Counts by day")
    assert body[0] == ("2026-11-30", 2, 2, 0, 0, 0)
    assert body[-1] == ("Total", 3, 3, 0, 0, 1)


def test_an_invalid_period_is_422_and_shows_the_default(client, office, assistant):
    response = english(client, assistant).get(
        FRONT_DESK, {"office": office.pk, "period": "range", "start": "2026-12-02"}
    )
    assert response.status_code == 422
    assert response.context["period"] == Period("day", NOW.date(), NOW.date())


@pytest.mark.parametrize("page", [CHANNELS, FRONT_DESK])
def test_who_may_open_the_pages(
    client,
    page,
    office,
    other_office,
    salesperson,
    secretary,
    finance,
    assistant,
    manager,
    director,
    other_manager,
):
    for user in (salesperson, secretary, finance):
        client.force_login(user)
        assert client.get(page).status_code == 403, user.username
    for user in (assistant, manager, director):
        client.force_login(user)
        assert client.get(page, {"office": office.pk}).status_code == 200, user.username
    client.force_login(manager)
    assert client.get(page, {"office": other_office.pk}).status_code == 404
    client.force_login(director)
    assert client.get(page, {"office": other_office.pk}).status_code == 200
    client.logout()
    assert client.get(page).status_code == 302


def page_queries(client, page, query) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(page, query).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", [CHANNELS, FRONT_DESK])
def test_pages_take_the_same_queries_for_small_and_larger_data(
    client, page, office, assistant, desk
):
    client.force_login(assistant)
    query = november_query(office)
    desk.visit("13700000000", at(3), "online")
    small = page_queries(client, page, query)
    for n in range(1, 6):
        visit = desk.visit(f"1370000000{n}", at(3 + n), ("online", "billboard")[n % 2])
        desk.subscribe(visit.customer, at(3 + n, 12))
        reception.call_register(
            office=office,
            actor=desk.secretary,
            kind=CallKind.NON_CUSTOMER,
            content="推销",
            caller="x",
            now=at(3 + n, 13),
        )
    assert page_queries(client, page, query) == small
