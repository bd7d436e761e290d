"""Issue 13: every report workbook (R-7.5) keeps a name that looks like a formula as the text
it is. An office called `=HYPERLINK(…)` and salespeople called `=1+2`, `+1` and `@SUM(A1)` come
back, when the downloaded file is read again, as plain string cells equal to those names; no
cell of any report is a formula."""

import datetime
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine

from leads.factories import channel
from reception.services import visit_register
from reports import services
from reports.choices import ReportKind
from reports.periodic import report_submit
from reports.periods import week_of

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 20, 10, 0, tzinfo=SH)  # a Friday
OFFICE = '=HYPERLINK("http://x","y")'
PEOPLE = {"salesperson": "=1+2", "other_salesperson": "+1", "manager": "@SUM(A1)"}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def named(office, secretary, salesperson, other_salesperson, manager):
    """The office and its people named like formulas, with a visit, a written weekly report
    and fines, so that every report has rows that carry the names."""
    office.name = OFFICE
    office.save()
    for user, name in ((salesperson, "=1+2"), (other_salesperson, "+1"), (manager, "@SUM(A1)")):
        user.display_name = name
        user.save()
    visit_register(
        office=office,
        actor=secretary,
        phone="13800000001",
        source_channel=channel("newspaper"),
        now=NOW - datetime.timedelta(hours=1),
        named_salesperson=salesperson,
    )
    for day in (2, 3):
        services.fines_assess(office=office, day=datetime.date(2026, 3, day), now=NOW)
    return report_submit(
        author=salesperson,
        office=office,
        kind=ReportKind.WEEKLY,
        period=week_of(datetime.date(2026, 3, 12), office),
        summary="总结",
        problems="",
        plan="",
        now=NOW,
    )


# (page, who downloads it, the names its workbook must carry): every page served by
# reports.tables.respond
REPORTS = [
    ("/reports/my-report/", "salesperson", [OFFICE, "=1+2"]),
    ("/reports/team/", "manager", [OFFICE, "=1+2", "+1"]),
    ("/reports/team-report/", "manager", [OFFICE, "=1+2", "+1", "@SUM(A1)"]),
    ("/reports/period-reports/{report}/", "manager", [OFFICE, "=1+2"]),
    ("/reports/front-desk/", "assistant", [OFFICE]),
    ("/reports/channels/", "assistant", [OFFICE]),
    ("/reports/dashboard/", "manager", [OFFICE, "=1+2", "+1"]),
    ("/reports/fines/", "manager", [OFFICE, "=1+2", "+1"]),
]


@pytest.mark.parametrize(("page", "who", "names"), REPORTS)
def test_report_workbooks_keep_formula_like_names_as_text(client, request, named, page, who, names):
    client.force_login(request.getfixturevalue(who))
    page = page.format(report=named.pk)
    response = client.get(page, {"format": "xlsx"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    found = {c.value: c.data_type for c in cells if c.value in names}
    assert found == dict.fromkeys(names, "s")
