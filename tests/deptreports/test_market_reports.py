"""7. Weekly and 8. monthly market situation (R-17.4) on the hand-counted visit records of
conftest_market: themes per branch, the competitors named most, price feedback by product, the
latest notes, dealer stock shortages; the Excel file, who gave no market information, who
reads which rows, and a query count that does not grow with the data."""

import datetime
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext
from openpyxl import load_workbook

from contracts.factories import approved_account
from staff.choices import Role
from staff.factories import UserFactory
from visits.models import DealerStock, VisitRecord

from .conftest_market import *  # noqa: F403
from .conftest_market import LATER, MONTH, NOW, WEEK, login, sheet_matches, table, url

pytestmark = pytest.mark.django_db

THEMES = ("records", "quality", "price", "competitor", "demand", "new_product", "stock_short")


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(LATER, tick=False):
        yield


def themes(response) -> dict[str, tuple]:
    return {r["office"]: tuple(r[k] for k in THEMES) for r in table(response, "market-themes").rows}


def named(response) -> dict[str, tuple]:
    return {
        r["name"]: (r["records"], r["accounts"]) for r in table(response, "market-competitors").rows
    }


def test_the_week_by_theme_and_branch(client, people, department):
    response = login(client, people["director"]).get(url("market-weekly"), WEEK)
    assert response.status_code == 200
    #                      rec q  p  c  d  n  short
    assert themes(response) == {
        "阳光花园售楼处": (3, 1, 2, 3, 1, 1, 1),
        "江畔售楼处": (1, 1, 0, 1, 0, 0, 0),
    }
    totals = table(response, "market-themes").totals
    assert (totals["records"], totals["competitor"]) == (4, 4)


def test_the_competitors_named_most(client, people, department):
    director = login(client, people["director"])
    week = director.get(url("market-weekly"), WEEK)
    # "西门子, ABB、汇川", "西门子；ABB", "西门子 / 施耐德", "ABB，西门子": split and trimmed
    assert named(week) == {"西门子": (4, 4), "ABB": (3, 3), "汇川": (1, 1), "施耐德": (1, 1)}
    assert [r["name"] for r in table(week, "market-competitors").rows[:2]] == ["西门子", "ABB"]
    month = director.get(url("market-monthly"), MONTH)
    assert named(month)["汇川"] == (2, 1)  # r5 on 20 March names it again, same account


def test_price_feedback_by_product_and_stock_shortages(client, people, department):
    response = login(client, people["director"]).get(url("market-weekly"), WEEK)
    prices = {r["product"]: r for r in table(response, "market-prices").rows}
    assert set(prices) == {"DJ-100 电机", "DL-200 电缆"}
    assert prices["DJ-100 电机"]["records"] == 1
    assert prices["DJ-100 电机"]["note"] == "电机价格比西门子贵5%"
    assert prices["DL-200 电缆"]["note"] == "电缆太贵"
    (stock,) = table(response, "market-stock").rows
    assert (stock["product"], stock["short"], stock["dealers"]) == ("DJ-100 电机", 1, 1)
    assert stock["note"] == "缺货，下周补货"


def test_the_latest_notes_per_theme(client, people, department):
    response = login(client, people["director"]).get(url("market-weekly"), WEEK)
    notes: dict[str, list] = {}
    for row in table(response, "market-notes").rows:
        notes.setdefault(row["theme"], []).append(row["note"])
    assert notes[gettext("Quality")] == ["质量很好", "包装破损"]  # newest first
    assert notes[gettext("Competitors")] == [
        "ABB，西门子",
        "西门子 / 施耐德",
        "西门子；ABB",
        "西门子, ABB、汇川",
    ]
    assert notes[gettext("New products")] == ["询问变频器"]


def test_at_most_five_notes_per_theme(client, people, department, office):
    account = department["a1"]
    for d in range(1, 8):
        VisitRecord.objects.create(
            account=account,
            office=office,
            salesperson=people["sales1"],
            date=datetime.date(2026, 3, d),
            kind="call",
            quality_feedback=f"第{d}条",
            created_at=NOW,
        )
    response = login(client, people["director"]).get(url("market-monthly"), MONTH)
    rows = table(response, "market-notes").rows
    quality = [r["note"] for r in rows if r["theme"] == gettext("Quality")]
    assert quality == ["质量很好", "包装破损", "第7条", "第6条", "第5条"]


def test_who_gave_no_market_information(client, people, department):
    director = login(client, people["director"])
    response = director.get(url("market-weekly"), WEEK)
    assert [m["person"] for m in response.context["missing"]] == ["赵六"]
    # an empty visit record is no market information
    VisitRecord.objects.create(
        account=department["b1"],
        office=department["b1"].office,
        salesperson=people["sales4"],
        date=datetime.date(2026, 3, 13),
        kind="return",
        quality_feedback="  ",
        created_at=NOW,
    )
    response = director.get(url("market-weekly"), WEEK)
    assert [m["person"] for m in response.context["missing"]] == ["赵六"]


def test_the_excel_file_holds_the_same_numbers(client, people, department):
    director = login(client, people["director"])
    page = director.get(url("market-weekly"), WEEK)
    response = director.get(url("market-weekly"), {**WEEK, "format": "xlsx"})
    book = load_workbook(io.BytesIO(response.content))
    for key in ("market-themes", "market-competitors", "market-prices", "market-stock"):
        sheet_matches(book, table(page, key))


def test_a_salesperson_reads_only_their_own_records(client, people, department):
    response = login(client, people["sales1"]).get(url("market-weekly"), WEEK)
    assert themes(response) == {"阳光花园售楼处": (2, 1, 1, 2, 1, 0, 1)}
    assert named(response) == {"西门子": (2, 2), "ABB": (2, 2), "汇川": (1, 1)}
    assert response.context["missing"] == []


def test_a_manager_reads_the_branch_and_not_another(client, people, department, office):
    response = login(client, people["manager"]).get(url("market-weekly"), WEEK)
    assert set(themes(response)) == {"阳光花园售楼处"}
    assert "王五" not in {m["person"] for m in response.context["missing"]}
    client.logout()
    response = login(client, people["other_manager"]).get(
        url("market-weekly"), {**WEEK, "office": office.pk}
    )
    assert response.status_code == 422
    assert themes(response) == {"江畔售楼处": (1, 1, 0, 1, 0, 0, 0)}
    assert named(response) == {"ABB": (1, 1), "西门子": (1, 1)}


@pytest.mark.parametrize("key", ["market-weekly", "market-monthly"])
def test_the_query_count_does_not_grow_with_the_data(
    client, people, department, office, key, django_assert_max_num_queries
):
    director = login(client, people["director"])
    with CaptureQueriesContext(connection) as small:
        assert director.get(url(key), WEEK).status_code == 200
    for i in range(15):
        person = UserFactory(username=f"more{i}", roles=[Role.SALESPERSON], offices=[office])
        account = approved_account(office, person, name=f"加量客户{i}", kind="dealer")
        record = VisitRecord.objects.create(
            account=account,
            office=office,
            salesperson=person,
            date=datetime.date(2026, 3, 10),
            kind="return",
            competitors=f"对手{i}、西门子",
            price_feedback="电机涨价",
            quality_feedback="好",
            created_at=NOW,
        )
        DealerStock.objects.create(
            record=record, product=department["motor"], quantity=0, note="缺货"
        )
    with django_assert_max_num_queries(len(small)):
        response = director.get(url(key), WEEK)
    assert named(response)["西门子"] == (19, 19)
