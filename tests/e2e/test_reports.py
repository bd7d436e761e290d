"""The 17:00 diary and the Sunday report in a real browser (issue 6): a salesperson submits
the day's diary from the phone, pre-filled with the visit the desk sent them (R-7.1); the
manager opens the weekly report to the director, sees the team's figures as a table and a
drawn chart, and downloads the Excel file, whose numbers equal the page's (R-7.4, R-7.5).
Every page runs under the Content-Security-Policy: no violation may be reported."""

import io

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from leads.factories import channels_restored
from leads.models import SourceChannel
from reception.factories import roster_for
from reception.services import visit_register
from reports.models import WorkDiary
from tests.e2e.conftest import assert_no_horizontal_scroll, login

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def channels(transactional_db):
    channels_restored()


def number(value) -> object:
    """A cell of the page ("1,234.50", "25.0%", "") or of the sheet (1234.5, 0.25, None) as
    one comparable value."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return round(float(value), 6)
    text = str(value).replace(",", "")
    try:
        return round(float(text[:-1]) / 100, 6) if text.endswith("%") else round(float(text), 6)
    except ValueError:
        return text


def csp_violations(page: Page) -> list[str]:
    found: list[str] = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return found


def test_diary_then_weekly_report_and_its_download(
    page: Page, desk_page: Page, live_server, office, secretary, salesperson, manager, password
):
    now = timezone.now()
    today = timezone.localtime(now, office.tzinfo).date()
    roster_for(office, today, [salesperson], manager=manager)
    visit, _ = visit_register(
        office=office,
        actor=secretary,
        phone="13800138000",
        name="周先生",
        source_channel=SourceChannel.objects.get(code="passing"),
        now=now,
    )
    assert visit.assigned_to == salesperson

    # the salesperson's diary on the phone, pre-filled with the visit
    violations = csp_violations(page)
    login(page, live_server, salesperson.username, password)
    page.goto(f"{live_server.url}/reports/diary/")
    expect(page.locator("body")).to_contain_text("周先生")
    page.locator("#diary-form textarea[name=feedback]").fill("周先生嫌三楼太吵，想看高层")
    page.locator("#diary-form textarea[name=problems]").fill("样板间空调坏了")
    page.locator("#diary-form button[type=submit]").click()
    expect(page.locator(".diary-submitted")).to_be_visible()
    assert_no_horizontal_scroll(page)
    diary = WorkDiary.objects.get(salesperson=salesperson, date=today)
    assert diary.feedback == "周先生嫌三楼太吵，想看高层" and diary.submitted_at is not None

    # the manager's weekly report to the director, at the desk
    desk_violations = csp_violations(desk_page)
    login(desk_page, live_server, manager.username, password)
    desk_page.goto(f"{live_server.url}/reports/team-report/?office={office.pk}")
    table = desk_page.locator("#table-reception table")
    row = table.locator("tbody tr", has_text=str(salesperson))
    expect(row).to_have_count(1)
    headers = table.locator("thead th").all_inner_texts()
    keys = [th.get_attribute("data-key") for th in table.locator("thead th").all()]
    cells = row.locator("td").all_inner_texts()
    assert cells[keys.index("visits")] == "1"  # the visit the desk sent
    drawn = desk_page.evaluate(
        "() => Array.from(document.querySelectorAll('canvas[data-chart]'))"
        ".map(c => !!(window.Chart && window.Chart.getChart(c)))"
    )
    assert drawn and all(drawn), drawn

    with desk_page.expect_download() as download_info:
        desk_page.locator("p.downloads a[download]").first.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(download.path().read_bytes()))
    sheet = book.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header_at = next(i for i, r in enumerate(rows) if r[: len(headers)] == headers)
    excel_row = next(r for r in rows[header_at + 1 :] if r[0] == cells[0])
    assert [number(v) for v in excel_row] == [number(c) for c in cells]
    assert violations == [] and desk_violations == []
