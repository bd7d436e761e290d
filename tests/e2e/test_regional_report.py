"""The director opens the regional sales report (区域销售情况统计表, R-17.4) in a real browser:
March's numbers, then the whole year after switching the period in the chooser, each equal to
the hand-counted world of tests/deptreports/conftest_sales; the Excel download read back equals
the table on the page; on a phone nothing scrolls sideways."""

import io

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from tests.deptreports.conftest_sales import world_fixture  # noqa: F401
from tests.e2e.conftest import assert_no_horizontal_scroll, login

pytestmark = pytest.mark.e2e

REPORT = "/reports/department/regional-sales/"


def number(value) -> object:
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return round(float(value), 4)
    text = str(value).replace(",", "")
    try:
        return round(float(text[:-1]) / 100, 4) if text.endswith("%") else round(float(text), 4)
    except ValueError:
        return text


def branch_rows(page: Page) -> list[list[str]]:
    rows = page.locator("#table-by-branch tbody tr")
    return [
        [c.strip() for c in rows.nth(i).locator("td").all_inner_texts()]
        for i in range(rows.count())
    ]


def test_director_switches_the_period_and_downloads_the_report(
    desk_page: Page, page: Page, live_server, world, director, password
):
    login(desk_page, live_server, director.username, password)
    desk_page.goto(f"{live_server.url}{REPORT}?period=month&date=2026-03-10")
    expect(desk_page.locator("h1")).to_contain_text("区域销售情况统计表")
    march = {row[0]: row for row in branch_rows(desk_page)}
    # branch, region, target, signed, shipped, invoiced, collected, completion
    assert march["阳光花园售楼处"][2:] == [
        "3,000.00", "2,250.00", "2,050.00", "1,800.00", "1,000.00", "75.0%",
    ]  # fmt: skip
    assert march["江畔售楼处"][2:4] == ["1,000.00", "500.00"]
    expect(desk_page.locator("#table-by-month")).to_have_count(0)

    desk_page.locator("#id_period").select_option("year")
    desk_page.locator("#report-chooser button[type=submit]").click()
    expect(desk_page.locator("#table-by-month")).to_be_visible()
    year = {row[0]: row for row in branch_rows(desk_page)}
    # February's 300.00 and its 1,000.00 target join March's
    assert year["阳光花园售楼处"][2:7] == [
        "4,000.00",
        "2,550.00",
        "2,350.00",
        "1,800.00",
        "1,000.00",
    ]
    expect(desk_page.locator("canvas[data-chart='chart-by-month']")).to_be_visible()

    headers = [h.strip() for h in desk_page.locator("#table-by-branch thead th").all_inner_texts()]
    with desk_page.expect_download() as download_info:
        desk_page.locator("p.downloads a[download]").first.click()
    book = openpyxl.load_workbook(io.BytesIO(download_info.value.path().read_bytes()))
    sheet = next(s for s in book.worksheets if s.title == "按分部")
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    at = next(i for i, r in enumerate(rows) if list(r[: len(headers)]) == headers)
    excel = {r[0]: [number(v) for v in r] for r in rows[at + 1 :] if r[0]}
    for name, cells in year.items():
        for got, shown in zip(excel[name], [number(c) for c in cells], strict=True):
            if isinstance(shown, float):  # the page rounds a rate to 0.1%
                assert abs(got - shown) < 0.0006, name
            else:
                assert got == shown, name

    login(page, live_server, director.username, password)
    page.goto(f"{live_server.url}{REPORT}?period=year&date=2026-03-10")
    expect(page.locator("#table-by-branch")).to_be_visible()
    assert_no_horizontal_scroll(page)
