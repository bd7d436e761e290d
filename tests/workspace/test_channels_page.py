"""The sales assistant's page: today's front-desk counts by channel (R-2.8) and this month's
funnel of the new customers by channel (R-7.6, the report's own function), with the links to
the full reports; and both work pages read in Chinese without English words, and in English."""

import datetime
import re
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deals import services as deals
from deals.factories import UnitFactory
from leads.factories import channel
from reception import services as reception
from reception.choices import CallKind
from reports.figures.channels import channel_figures
from reports.periods import month_of
from staff.choices import Role
from staff.factories import UserFactory

from .test_director_page import riverside_world, sunny_world

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 27, 15, 0, tzinfo=SH)
PAGE = "/w/channels/"


def at(day, hour=10, minute=0, month=11):
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=SH)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def month(office, other_office, secretary, salesperson):
    """November up to Friday the 27th at 15:00."""

    def visit(phone, when, code):
        return reception.visit_register(
            office=office,
            actor=secretary,
            phone=phone,
            source_channel=channel(code),
            now=when,
            named_salesperson=salesperson,
        )[0]

    # earlier this month: a newspaper customer who held and subscribed, an online one
    early = visit("13800000001", at(3), "newspaper").customer
    hold = deals.hold_create(
        unit=UnitFactory(office=office), customer=early, actor=salesperson, now=at(3, 11)
    )
    deals.subscription_create(
        unit=hold.unit, customer=early, deposit="5000", actor=salesperson, now=at(4)
    )
    visit("13800000002", at(10), "online")
    # today: two new from the newspaper, the early customer back, one online
    visit("13800000003", at(27, 9), "newspaper")
    visit("13800000004", at(27, 10), "newspaper")
    visit("13800000001", at(27, 11), "newspaper")
    visit("13800000005", at(27, 12), "online")
    reception.call_register(
        office=office,
        actor=secretary,
        kind=CallKind.CUSTOMER,
        content="问价",
        phone="13800000006",
        source_channel=channel("newspaper"),
        now=at(27, 13),
    )
    reception.call_register(
        office=office,
        actor=secretary,
        kind=CallKind.NON_CUSTOMER,
        content="推销",
        caller="广告公司",
        now=at(27, 14),
    )
    # yesterday, and another office today: not counted
    visit("13800000007", at(26), "online")
    reception.visit_register(
        office=other_office,
        actor=UserFactory(username="sec-r", roles=[Role.SECRETARY], offices=[other_office]),
        phone="13800000008",
        source_channel=channel("newspaper"),
        now=at(27, 9),
    )
    return office


def english(client):
    client.cookies["django_language"] = "en"


def cells(table_html: str) -> dict[str, dict[str, str]]:
    """{first cell: {column key: text}} of a rendered table's body and foot rows."""
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table_html, re.S):
        found = re.findall(r'<td class="\w+" data-label="[^"]*" data-key="(\w+)">([^<]*)</td>', row)
        if found:
            rows[found[0][1]] = dict(found[1:])
    return rows


def section(body: str, element_id: str) -> str:
    return re.search(rf'<section[^>]*id="{element_id}".*?</section>', body, re.S).group(0)


def test_today_counts_by_channel(client, month, assistant, office):
    client.force_login(assistant)
    english(client)
    response = client.get(PAGE)
    assert response.status_code == 200
    today = cells(section(response.content.decode(), "today-counts"))
    keys = ("walk_in_parties", "new_customers", "returning_customers", "customer_calls")
    keys += ("non_customer_calls",)
    assert {name: tuple(int(row[k]) for k in keys) for name, row in today.items()} == {
        "Newspaper": (3, 2, 1, 1, 0),
        "Online ad": (1, 1, 0, 0, 0),
        "No channel": (0, 0, 0, 0, 1),
        "Total": (4, 3, 1, 1, 1),
    }
    body = response.content.decode()
    assert (
        f'href="/reports/front-desk/?office={office.pk}&amp;period=day&amp;date=2026-11-27"' in body
    )


def test_this_months_funnel_is_the_reports(client, month, assistant, office):
    client.force_login(assistant)
    english(client)
    response = client.get(PAGE)
    funnel = cells(section(response.content.decode(), "month-funnel"))
    steps = ("new_customers", "reached_visit", "reached_hold", "reached_subscription")
    # by hand: newspaper 4 new customers this month (the early one, two today, today's caller),
    # 3 came, the early one held and subscribed; online 3 new (yesterday's too), all came
    assert tuple(int(funnel["Newspaper"][k]) for k in steps) == (4, 3, 1, 1)
    assert tuple(int(funnel["Online ad"][k]) for k in steps) == (3, 3, 0, 0)
    assert (funnel["Newspaper"]["visit_rate"], funnel["Newspaper"]["hold_rate"]) == (
        "75.0%",
        "33.3%",
    )
    assert funnel["Total"]["new_customers"] == "7"
    # the same numbers as the report's function for the month
    figures = channel_figures(office, month_of(NOW.date()))
    for row in figures:
        shown = funnel[str(row["channel"])]
        assert tuple(int(shown[k]) for k in steps) == tuple(row[k] for k in steps)
    body = response.content.decode()
    assert (
        f'href="/reports/channels/?office={office.pk}&amp;period=month&amp;date=2026-11-27"' in body
    )


def test_the_links_open_the_full_reports(client, month, assistant, office):
    client.force_login(assistant)
    context = client.get(PAGE).context
    for url in (context["front_desk_url"], context["channels_url"]):
        response = client.get(url)
        assert response.status_code == 200
        assert response.context["office"] == office


def test_an_assistant_of_two_offices_picks_one(client, month, office, other_office):
    assistant = UserFactory(username="a2", roles=[Role.ASSISTANT], offices=[office, other_office])
    client.force_login(assistant)
    english(client)
    response = client.get(PAGE, {"office": other_office.pk})
    assert response.context["office"] == other_office
    today = cells(section(response.content.decode(), "today-counts"))
    assert today["Newspaper"]["walk_in_parties"] == "1"
    assert 'class="office-picker"' in response.content.decode()


def test_an_assistant_without_office_is_told(client, db):
    client.force_login(UserFactory(username="a0", roles=[Role.ASSISTANT], offices=[]))
    response = client.get(PAGE)
    assert response.status_code == 200
    assert response.context["offices"] == []


def test_the_page_takes_the_same_queries_for_a_quiet_and_a_busy_day(
    client, office, assistant, secretary
):
    def visit(n):
        reception.visit_register(
            office=office,
            actor=secretary,
            phone=f"1370000000{n}",
            source_channel=channel(("online", "newspaper")[n % 2]),
            now=at(27, 9, n),
        )

    client.force_login(assistant)
    visit(0)
    with CaptureQueriesContext(connection) as quiet:
        client.get(PAGE)
    for n in range(1, 6):
        visit(n)
    with CaptureQueriesContext(connection) as busy:
        client.get(PAGE)
    assert len(busy.captured_queries) == len(quiet.captured_queries)


# ---------------------------------------------------------------- both pages, both languages


class _Visible(HTMLParser):
    """What a reader sees: the text, and the attributes shown on hover or by the phone's
    stacked table (title, aria-label, data-label, placeholder)."""

    SHOWN = ("title", "aria-label", "data-label", "placeholder", "alt")

    def __init__(self):
        super().__init__()
        self.chunks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        self.chunks += [v for k, v in attrs if k in self.SHOWN and v]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.chunks.append(data)


def visible(response) -> str:
    """The page's own content (the navigation is every page's, tested with it)."""
    assert response.status_code == 200
    main = re.search(r"<main.*?</main>", response.content.decode(), re.S).group(0)
    parser = _Visible()
    parser.feed(main)
    return " ".join(" ".join(parser.chunks).split())


@pytest.fixture
def both_worlds(office, other_office, month):
    sunny_world(office, prefix="135")
    riverside_world(other_office, prefix="136")


@pytest.mark.parametrize(
    ("role", "page", "chinese", "english_words"),
    [
        ("director", "/w/director/", ["全部售楼处", "今日来访", "合计"], ["All offices", "Total"]),
        (
            "assistant",
            "/w/channels/",
            ["今日前台统计（按渠道）", "本月各渠道转化漏斗", "报纸"],
            ["Front-desk counts and channels", "This month's funnel by channel", "Newspaper"],
        ),
    ],
)
def test_pages_read_in_chinese_without_english_and_in_english(
    client, request, both_worlds, role, page, chinese, english_words
):
    client.force_login(request.getfixturevalue(role))
    text = visible(client.get(page))
    for words in chinese:
        assert words in text, words
    # staff names and numbers aside, no Latin word on the Chinese page (nor a rule code)
    assert re.findall(r"[A-Za-z]{2,}", text) == []
    english(client)
    text = visible(client.get(page))
    for words in english_words:
        assert words in text, words
    assert not re.search(r"\bR-\d", text)
