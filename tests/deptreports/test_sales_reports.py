"""Reports 3, 4 and 10 of R-17.4 (销售情况周/月统计表, 区域销售情况统计表) on the hand-counted world
of conftest_sales: the numbers, the Excel file read back, who has not submitted what, who sees
what, and a fixed number of queries whatever the data."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.factories import approved_account, line, signed
from receivables.models import UnpaidReport
from shipping.factories import ship_everything
from tests.deptreports.conftest_sales import MAR, TODAY, target, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

MONTHLY = "/reports/department/sales-monthly/"
WEEKLY = "/reports/department/sales-weekly/"
REGIONAL = "/reports/department/regional-sales/"
MARCH = {"period": "month", "date": "2026-03-10"}
D = Decimal


def tables_of(client, user, url, params) -> dict:
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    return {t.key: t for t in response.context["tables"]}


def rows_by(table, key="label") -> dict:
    return {row[key]: row for row in table.rows}


def measures(row, keys=("signed", "shipped", "invoiced", "collected")) -> tuple:
    return tuple(row[k] for k in keys)


def test_monthly_statistics_by_product_account_and_branch(client, world, director, office):
    tables = tables_of(client, director, MONTHLY, MARCH)
    branches = rows_by(tables["by-branch"])
    assert measures(branches["阳光花园售楼处"]) == (
        D("2250.00"),
        D("2050.00"),
        D("1800.00"),
        D("1000.00"),
    )
    assert measures(branches["江畔售楼处"]) == (D("500.00"), D("0.00"), D("0.00"), D("0.00"))
    assert measures(tables["by-branch"].totals) == (
        D("2750.00"), D("2050.00"), D("1800.00"), D("1000.00"),
    )  # fmt: skip
    accounts = rows_by(tables["by-account"])
    assert set(accounts) == {"华东机械有限公司", "珠江贸易有限公司"}
    assert measures(accounts["华东机械有限公司"]) == measures(branches["阳光花园售楼处"])
    products = rows_by(tables["by-product"])
    motor, cable = products[str(world["motor"])], products[str(world["cable"])]
    # motors: 10 + 5 signed, 10 shipped less 2 given back; cable 100 at 12.50
    assert (motor["signed"], motor["shipped"]) == (D("1500.00"), D("800.00"))
    assert (cable["signed"], cable["shipped"]) == (D("1250.00"), D("1250.00"))
    assert motor["invoiced"] + cable["invoiced"] == D("1800.00")
    assert "collected" not in [c.key for c in tables["by-product"].columns]
    # February has only sales2's three motors
    feb = tables_of(client, director, MONTHLY, {"period": "month", "date": "2026-02-10"})
    assert [measures(r) for r in feb["by-branch"].rows] == [
        (D("300.00"), D("300.00"), D("0.00"), D("0.00"))
    ]


def test_the_excel_file_equals_the_tables(client, world, director):
    tables = tables_of(client, director, MONTHLY, MARCH)
    response = client.get(MONTHLY, {**MARCH, "format": "xlsx"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheets = book.worksheets
    for sheet, key in zip(sheets, ["by-product", "by-account", "by-branch"], strict=False):
        table = tables[key]
        values = [r for r in sheet.iter_rows(values_only=True)]
        header = [str(c.label) for c in table.columns]
        start = values.index(tuple(header)) + 1
        body = values[start : start + len(table.rows) + 1]
        expected = [*table.rows, table.totals]
        for got, want in zip(body, expected, strict=True):
            for cell, col in zip(got, table.columns, strict=True):
                value = want.get(col.key)
                if col.kind == "money":
                    assert D(str(cell)).quantize(D("0.01")) == value
                else:
                    assert cell == str(value)


def test_weekly_lists_salespeople_without_their_unpaid_report(
    client, world, director, salesperson, other_salesperson, office
):
    UnpaidReport.objects.create(
        office=office, salesperson=salesperson, kind="week", start=datetime.date(2026, 3, 9),
        end=datetime.date(2026, 3, 15), open_total=D("0.00"), overdue_total=D("0.00"),
        submitted_at=TODAY,
    )  # fmt: skip
    client.force_login(director)
    with time_machine.travel(TODAY, tick=False):
        response = client.get(WEEKLY, {"period": "week", "date": "2026-03-10"})
    missing = response.context["missing"]
    assert {(m["person"], m["office"]) for m in missing} == {
        (str(other_salesperson), "阳光花园售楼处"),
        (str(world["river"]), "江畔售楼处"),
    }
    assert all("2026-03-09 – 2026-03-15" in m["what"] for m in missing)
    # the week still running owes nothing yet
    with time_machine.travel(TODAY, tick=False):
        running = client.get(WEEKLY, {"period": "week", "date": "2026-03-20"})
    assert running.context["missing"] == []
    branches = {t.key: t for t in response.context["tables"]}["by-branch"]
    assert measures(rows_by(branches)["阳光花园售楼处"]) == (
        D("2250.00"), D("2050.00"), D("1800.00"), D("1000.00"),
    )  # fmt: skip


def test_a_salesperson_reads_only_their_own(client, world, salesperson, other_salesperson):
    tables = tables_of(client, salesperson, MONTHLY, MARCH)
    assert list(rows_by(tables["by-account"])) == ["华东机械有限公司"]
    assert [r["label"] for r in tables["by-branch"].rows] == ["阳光花园售楼处"]
    # asking for the whole branch changes nothing: sales2 sold nothing in March
    tables = tables_of(client, other_salesperson, MONTHLY, {**MARCH, "office": ""})
    assert tables["by-branch"].rows == [] and tables["by-account"].rows == []


def test_a_manager_reads_their_branch_and_not_the_other(
    client, world, manager, other_manager, office
):
    tables = tables_of(client, manager, MONTHLY, MARCH)
    assert [r["label"] for r in tables["by-branch"].rows] == ["阳光花园售楼处"]
    river = tables_of(client, other_manager, MONTHLY, MARCH)
    assert [r["label"] for r in river["by-branch"].rows] == ["江畔售楼处"]
    client.force_login(other_manager)
    refused = client.get(MONTHLY, {**MARCH, "office": office.pk})
    assert refused.status_code == 422
    labels = [r["label"] for r in {t.key: t for t in refused.context["tables"]}["by-branch"].rows]
    assert labels == ["江畔售楼处"]


def test_regional_sales_against_targets(client, world, director, office, other_office):
    tables = tables_of(client, director, REGIONAL, MARCH)
    regions = rows_by(tables["by-region"])
    assert (regions["华东"]["target"], regions["华东"]["signed"]) == (D("3000.00"), D("2250.00"))
    assert regions["华东"]["completion"] == D("0.75")
    assert (regions["华南"]["target"], regions["华南"]["completion"]) == (D("1000.00"), D("0.5"))
    assert tables["by-region"].totals["completion"] == D("0.6875")
    branches = rows_by(tables["by-branch"])
    assert measures(branches["阳光花园售楼处"]) == (
        D("2250.00"),
        D("2050.00"),
        D("1800.00"),
        D("1000.00"),
    )
    assert branches["江畔售楼处"]["region_label"] == "华南"
    assert "by-month" not in tables
    client.force_login(director)
    assert client.get(REGIONAL, MARCH).context["missing"] == []
    # February and March: the months as a line, 江畔's February not split
    span = {"period": "range", "start": "2026-02-01", "end": "2026-03-31"}
    response = client.get(REGIONAL, span)
    months = rows_by({t.key: t for t in response.context["tables"]}["by-month"])
    assert (months["2026-02"]["target"], months["2026-02"]["signed"]) == (D("1000.00"), D("300.00"))
    assert (months["2026-03"]["target"], months["2026-03"]["signed"]) == (
        D("4000.00"),
        D("2750.00"),
    )
    assert [(m["office"], m["what"]) for m in response.context["missing"]] == [
        ("江畔售楼处", "2026-02 月度目标未分解"),
    ]
    chart = client.get(REGIONAL, {**span, "format": "json"}).json()["charts"]
    line = next(c for c in chart if c["key"] == "by-month")
    assert line["kind"] == "line" and line["labels"] == ["2026-02", "2026-03"]


def test_regional_sales_by_region_and_for_a_salesperson(client, world, director, salesperson):
    tables = tables_of(client, director, REGIONAL, {**MARCH, "region": "华南"})
    assert [r["label"] for r in tables["by-branch"].rows] == ["江畔售楼处"]
    own = tables_of(client, salesperson, REGIONAL, MARCH)
    (row,) = own["by-branch"].rows
    assert row["signed"] == D("2250.00") and row["target"] == D("0.00")


def _queries(client, user, url, params) -> int:
    client.force_login(user)
    with time_machine.travel(TODAY, tick=False), CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


def test_a_fixed_number_of_queries_whatever_the_data(client, world, director, manager, office):
    params = {"period": "year", "date": "2026-03-10"}
    urls = [MONTHLY, WEEKLY, REGIONAL]
    before = [_queries(client, director, url, params) for url in urls]
    # more accounts, contracts, products and shipments of every salesperson
    people = [manager, director, world["executive"]]
    for n in range(3):
        account = approved_account(office, world["east"].owner, name=f"新客户{n}")
        contract = signed(account, account.owner, [line(world["motor"], "2")], people, now=MAR)
        ship_everything(contract, now=MAR, people=people)
    target(2026, 4, office, "500.00", director)
    after = [_queries(client, director, url, params) for url in urls]
    assert after == before
    assert max(after) <= 60
