"""The three renderings of a report table (R-7.5): the page's cells, the chart's data and the
Excel file carry the same numbers; money stays exact."""

import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import translation

from reports.tables import (
    BAR,
    FUNNEL,
    INT,
    MONEY,
    PERCENT,
    TEXT,
    Chart,
    Col,
    Table,
    chart_data,
    respond,
    totals_of,
    workbook,
)

COLUMNS = [
    Col("name", "Channel", TEXT),
    Col("visits", "Visits", INT),
    Col("amount", "Amount", MONEY),
    Col("rate", "Rate", PERCENT),
]
ROWS = [
    {"name": "报纸", "visits": 12, "amount": Decimal("1234567.50"), "rate": Decimal("0.25")},
    {"name": "网络", "visits": 3, "amount": Decimal("0.10"), "rate": None},
]


BARS = Chart(BAR, "name", ("visits", "amount"))


def table(chart: Chart = BARS) -> Table:
    totals = totals_of(ROWS, COLUMNS, "name", "Total")
    return Table("channels", "Channels [test]", COLUMNS, ROWS, totals, chart)


def test_totals_sum_counts_and_money_exactly_and_leave_rates_out():
    totals = totals_of(ROWS, COLUMNS, "name", "Total")
    assert totals == {"name": "Total", "visits": 15, "amount": Decimal("1234567.60")}


def test_page_cells_format_money_with_two_places_and_rates_as_percent():
    cells = [[value for _, value in row] for row in table().html_rows]
    assert cells == [["报纸", "12", "1,234,567.50", "25.0%"], ["网络", "3", "0.10", ""]]
    assert [value for _, value in table().html_totals] == ["Total", "15", "1,234,567.60", ""]


def test_chart_data_has_one_label_per_row_and_one_dataset_per_series():
    data = chart_data(table())
    assert data["kind"] == BAR
    assert data["labels"] == ["报纸", "网络"]
    assert [(d["label"], d["data"]) for d in data["datasets"]] == [
        ("Visits", [12, 3]),
        ("Amount", ["1234567.50", "0.10"]),  # money stays exact in JSON
    ]


def test_funnel_chart_draws_the_totals_row_as_stages_in_order():
    data = chart_data(table(Chart(FUNNEL, "name", ("visits", "amount"))))
    assert data["labels"] == ["Visits", "Amount"]
    assert data["datasets"][0]["data"] == [15, "1234567.60"]


def test_workbook_read_back_equals_the_table():
    book = openpyxl.load_workbook(io.BytesIO(workbook([table()], ["Report", "Office A"])))
    sheet = book.worksheets[0]
    assert sheet.title == "Channels  test"  # brackets are not allowed in sheet names
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "Report" and values[1][0] == "Office A"
    header = values.index(["Channel", "Visits", "Amount", "Rate"])
    body = values[header + 1 :]
    assert body[0] == ["报纸", 12, 1234567.5, 0.25]
    assert body[1] == ["网络", 3, 0.1, None]
    assert body[2] == ["Total", 15, 1234567.6, None]
    assert sheet.cell(row=header + 2, column=3).number_format == "#,##0.00"


def test_two_tables_with_the_same_title_get_distinct_sheets():
    book = openpyxl.load_workbook(io.BytesIO(workbook([table(), table()], [])))
    assert len({s.title for s in book.worksheets}) == 2


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("json", "application/json"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_respond_serves_chart_data_and_excel_from_the_same_tables(fmt, content_type):
    request = RequestFactory().get("/reports/x/", {"format": fmt, "office": "1"})
    response = respond(request, "unused.html", {}, [table()], filename="渠道 report", heading=[])
    assert response["Content-Type"].startswith(content_type)
    if fmt == "xlsx":
        assert (
            "filename*=utf-8''%E6%B8%A0%E9%81%93%20report.xlsx" in response["Content-Disposition"]
        )
    else:
        assert json.loads(response.content)["charts"][0]["labels"] == ["报纸", "网络"]


def test_a_long_table_shows_its_first_rows_and_the_excel_file_has_every_row():
    """A branch of thousands of accounts: the page shows the first PAGE_ROWS and says how
    many more the Excel file holds; the totals and the file count every row."""
    from reports.tables import PAGE_ROWS

    rows = [
        {"name": f"客户{i:05d}", "visits": 1, "amount": Decimal("1.00")}
        for i in range(PAGE_ROWS + 7)
    ]
    long = Table("long", "Long", COLUMNS, rows, totals_of(rows, COLUMNS, "name", "Total"))
    assert len(long.html_rows) == PAGE_ROWS and long.rows_not_shown == 7
    assert [v for _, v in long.html_totals][:3] == [
        "Total",
        str(PAGE_ROWS + 7),
        f"{PAGE_ROWS + 7}.00",
    ]
    request = RequestFactory().get("/report/")
    request.user = AnonymousUser()
    with translation.override("en"):
        page = respond(
            request, "reports/partials/tables.html", {}, [long], filename="long", heading=["H"]
        )
    text = page.content.decode()
    assert "客户00499" in text and "客户00500" not in text
    assert "7 more rows are in the Excel file" in text
    sheet = openpyxl.load_workbook(io.BytesIO(workbook([long], ["H"]))).active
    names = [
        row[0]
        for row in sheet.iter_rows(values_only=True)
        if row and str(row[0]).startswith("客户")
    ]
    assert len(names) == PAGE_ROWS + 7
