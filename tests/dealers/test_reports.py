"""Reports 9 and 11 (R-17.4): dealers' purchases and the monthly dealer summary — numbers of the
hand-counted fixture, the Excel file read back, who is missing a stock check, the scope of each
reader, a fixed number of queries."""

import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from dealers import services

from .conftest import NOW, at, check_stock, dealer_of

pytestmark = pytest.mark.django_db
MARCH = {"period": "month", "date": "2026-03-10"}


def _get(client, user, key, **params):
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        return client.get(reverse("deptreports:report", kwargs={"key": key}), {**MARCH, **params})


def _rows(client, user, key, sheet_index=0, **params):
    r = _get(client, user, key, format="xlsx", **params)
    assert r.status_code == 200
    book = load_workbook(io.BytesIO(r.content))
    sheet = book.worksheets[sheet_index]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(values) if row and row[0] in ("经销商", "人员"))
    return [dict(zip(values[header], row, strict=True)) for row in values[header + 1 :]]


def test_purchases_report_numbers_and_excel(world, dealer, manager, client):
    rows = _rows(client, manager, "dealer-purchases")
    mine = next(r for r in rows if r["经销商"] == "东方经销商")
    values = [v for v in mine.values() if isinstance(v, (int, float, Decimal))]
    assert Decimal("2000") in [Decimal(str(v)) for v in values]
    assert Decimal("1000") in [Decimal(str(v)) for v in values]
    assert Decimal("1") in [Decimal(str(v)) for v in values]  # +100 %
    products = _rows(client, manager, "dealer-purchases", sheet_index=1)
    assert sorted(r["产品"] for r in products if r["经销商"] == "东方经销商") == [
        "DJ-100 电机",
        "DL-200 电缆",
    ]
    missing = _rows(client, manager, "dealer-purchases", sheet_index=2)
    names = {(r["人员"], r["未提交"]) for r in missing}
    assert len(names) == 2  # 西城 (the salesperson's) and 南山 (the colleague's), not 东方


def test_summary_report_numbers(world, dealer, manager, client):
    rows = _rows(client, manager, "dealer-summary")
    mine = next(r for r in rows if r["经销商"] == "东方经销商")
    numbers = [Decimal(str(v)) for v in list(mine.values())[3:]]
    # signed, shipped, checks, short, receivable, overdue, opened, open, settled
    assert numbers == [
        Decimal("2000"),
        Decimal("2000"),
        Decimal("2"),
        Decimal("2"),
        Decimal("2700"),
        Decimal("700"),
        Decimal("1"),
        Decimal("1"),
        Decimal("1"),
    ]
    json = _get(client, manager, "dealer-summary", format="json").json()
    assert json["charts"][0]["labels"][0] == "东方经销商"


def test_scope_of_each_reader(world, salesperson, other_manager, director, client):
    mine = {r["经销商"] for r in _rows(client, salesperson, "dealer-summary")} - {"合计", None}
    assert mine == {"东方经销商", "西城经销商"}
    missing = _rows(client, salesperson, "dealer-summary", sheet_index=1)
    assert [r["未提交"] for r in missing] == ["西城经销商的库存检查"]
    assert _rows(client, other_manager, "dealer-summary") == [] or all(
        r["经销商"] in ("合计", None) for r in _rows(client, other_manager, "dealer-summary")
    )
    everyone = {r["经销商"] for r in _rows(client, director, "dealer-summary")}
    assert {"东方经销商", "西城经销商", "南山经销商"} <= everyone


@pytest.mark.parametrize("key", ["dealer-purchases", "dealer-summary"])
def test_fixed_number_of_queries(
    world,
    key,
    office,
    salesperson,
    other_salesperson,
    manager,
    client,
    django_assert_max_num_queries,
    motor,
):
    client.force_login(manager)

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx, time_machine.travel(NOW, tick=False):
            r = client.get(reverse("deptreports:report", kwargs={"key": key}), MARCH)
        assert r.status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for n in range(6):
        owner = salesperson if n % 2 else other_salesperson
        extra = dealer_of(office, owner, f"新经销商{n}")
        check_stock(extra, owner, "2026-03-05", [{"product": motor.pk, "quantity": "0"}])
        services.dispute_record(actor=owner, dealer=extra, description="x", now=at("2026-03-05"))
    with django_assert_max_num_queries(small):
        assert count() <= small
