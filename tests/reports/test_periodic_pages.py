"""The weekly and monthly report pages (R-7.4, R-7.5) through Django's test client: who may
open what, the salesperson's submission, the late and overdue tags, and the Excel download
and chart data carrying the same numbers as the compiled figures."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deals.factories import UnitFactory
from deals.services import subscription_create
from reports.choices import ReportKind
from reports.figures.salespeople import salespeople_figures
from reports.models import PeriodReport
from reports.periodic import LATE, MISSING, NOT_DUE, ON_TIME, report_submit
from reports.periods import Period
from staff.choices import Role
from staff.factories import UserFactory
from tests.reports.test_figures_salespeople import WEEK, at, follow, visit

pytestmark = pytest.mark.django_db

NOW = at(3, 18)  # Wednesday of the next week: the week of 03-09 is over
MY, TEAM, TEAM_REPORT, TEAM_REPORTS = (
    "/reports/my-report/",
    "/reports/team/",
    "/reports/team-report/",
    "/reports/team-reports/",
)
LAST_WEEK = "period=week&date=2026-03-12"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def activity(office, secretary, person, n):
    """`n` new visits in the week, a call follow-up, and one subscription (list 1,000,000)."""
    customers = [
        visit(office, secretary, person, f"139{person.pk:04d}{i:04d}", at(3, 10 + i, 9)).customer
        for i in range(n)
    ]
    follow(customers[0], person, "call", at(3, 14))
    unit = UnitFactory(office=office, list_price=Decimal("1000000.00"))
    subscription_create(
        unit=unit, customer=customers[-1], deposit=Decimal("8000.00"), actor=person, now=at(3, 15)
    )


def weekly(author, office, now, kind=ReportKind.WEEKLY):
    return report_submit(
        author=author,
        office=office,
        kind=kind,
        period=WEEK,
        summary="总结",
        problems="",
        plan="",
        now=now,
    )


# the salesperson's own report


def test_salesperson_submits_the_weekly_report(client, office, salesperson):
    client.force_login(salesperson)
    response = client.get(MY)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="period-report-form"' in body
    assert response.context["period"].start == datetime.date(2026, 3, 16)  # the running week
    assert response.context["status"] == NOT_DUE
    response = client.post(
        MY,
        {
            "office": office.pk,
            "kind": "weekly",
            "date": "2026-03-16",
            "summary": "接待 5 组",
            "problems": "样板间漏水",
            "plan": "回访",
        },
    )
    assert response.status_code == 302
    report = PeriodReport.objects.get(author=salesperson)
    assert (report.kind, report.period_start, report.period_end) == (
        ReportKind.WEEKLY,
        datetime.date(2026, 3, 16),
        datetime.date(2026, 3, 22),
    )
    assert (report.summary, report.problems, report.submitted_at) == (
        "接待 5 组",
        "样板间漏水",
        NOW,
    )
    response = client.get(response["Location"])
    assert response.context["status"] == ON_TIME
    assert "样板间漏水" in response.content.decode()


def test_invalid_form_is_422_and_keeps_the_text(client, office, salesperson):
    client.force_login(salesperson)
    response = client.post(
        MY, {"kind": "monthly", "date": "2026-03-18", "summary": " ", "problems": "保留这段文字"}
    )
    assert response.status_code == 422
    assert "保留这段文字" in response.content.decode()
    assert response.context["form"].errors["summary"]
    assert not PeriodReport.objects.exists()


def test_late_tag_and_overdue_tag(english, office, salesperson):
    english.force_login(salesperson)
    response = english.get(f"{MY}?kind=weekly&date=2026-03-12")
    assert response.context["status"] == MISSING
    assert 'data-status="missing"' in response.content.decode()
    assert "Overdue" in response.content.decode()
    weekly(salesperson, office, at(3, 16, 9))  # Monday: after Sunday 17:00
    response = english.get(f"{MY}?kind=weekly&date=2026-03-12")
    body = response.content.decode()
    assert response.context["status"] == LATE
    assert '<span class="tag late" data-status="late">Late</span>' in body


def test_own_figures_only(client, office, secretary, salesperson, other_salesperson):
    activity(office, secretary, salesperson, 2)
    activity(office, secretary, other_salesperson, 3)
    client.force_login(salesperson)
    response = client.get(f"{MY}?kind=weekly&date=2026-03-12&format=json")
    charts = {c["key"]: c for c in response.json()["charts"]}
    assert charts["reception"]["labels"] == [str(salesperson)]
    assert charts["reception"]["datasets"][0]["data"] == [2]


def test_future_date_is_this_period(client, salesperson):
    client.force_login(salesperson)
    response = client.get(f"{MY}?kind=monthly&date=2026-05-20")
    assert response.context["period"].start == datetime.date(2026, 3, 1)


@pytest.mark.parametrize("who", ["manager", "assistant", "director", "secretary"])
def test_only_salespeople_write_reports(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(MY).status_code == 403


def test_another_office_is_404(client, salesperson, other_office):
    client.force_login(salesperson)
    assert client.get(f"{MY}?office={other_office.pk}").status_code == 404


# the office's compiled team table


@pytest.mark.parametrize("who", ["manager", "assistant", "director"])
def test_team_page_for_managers_assistant_director(client, request, who, office, salesperson):
    client.force_login(request.getfixturevalue(who))
    response = client.get(f"{TEAM}?{LAST_WEEK}")
    assert response.status_code == 200
    assert [t.key for t in response.context["tables"]] == ["reception", "performance", "daily"]


def test_team_page_refused(client, salesperson, manager, other_office, other_manager):
    client.force_login(salesperson)
    assert client.get(TEAM).status_code == 403
    client.force_login(manager)
    assert client.get(f"{TEAM}?office={other_office.pk}").status_code == 404


def test_director_sees_every_office(client, director, other_office, other_manager):
    client.force_login(director)
    response = client.get(f"{TEAM}?office={other_office.pk}&{LAST_WEEK}")
    assert response.status_code == 200
    assert response.context["office"] == other_office


def test_excel_equals_the_figures(
    english, office, secretary, manager, salesperson, other_salesperson
):
    activity(office, secretary, salesperson, 2)
    activity(office, secretary, other_salesperson, 3)
    english.force_login(manager)
    response = english.get(f"{TEAM}?{LAST_WEEK}&format=xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    reception, performance, daily = book.worksheets
    rows = salespeople_figures(office, WEEK, now=NOW)
    # heading (report, office, period), the table's title, a blank line, the labels, the rows
    assert [c.value for c in reception[6]][:3] == [
        "Salesperson",
        "Visits received",
        "New customers",
    ]
    table = [list(r) for r in reception.iter_rows(min_row=7, values_only=True)]
    assert [r[:3] for r in table] == [
        *[[row["salesperson"], row["visits"], row["new_customers"]] for row in rows],
        ["Team", 5, 5],
    ]
    perf = [list(r) for r in performance.iter_rows(min_row=7, values_only=True)]
    amounts = [Decimal(str(r[6])) for r in perf]
    assert amounts == [*(row["amount"] for row in rows), Decimal("2000000.00")]
    assert [r[5] for r in perf] == [1, 1, 2]  # subscriptions
    days = [list(r) for r in daily.iter_rows(min_row=7, values_only=True)]
    assert len(days) == 8  # seven days and the total
    assert days[-1][1] == 5
    # the page shows the same numbers
    page = english.get(f"{TEAM}?{LAST_WEEK}")
    shown = {t.key: t for t in page.context["tables"]}
    assert shown["reception"].totals["visits"] == 5
    assert shown["performance"].totals["amount"] == Decimal("2000000.00")


def test_chart_data(client, office, secretary, manager, salesperson, other_salesperson):
    activity(office, secretary, salesperson, 2)
    activity(office, secretary, other_salesperson, 3)
    client.force_login(manager)
    charts = {c["key"]: c for c in client.get(f"{TEAM}?{LAST_WEEK}&format=json").json()["charts"]}
    rows = salespeople_figures(office, WEEK, now=NOW)
    reception = charts["reception"]
    assert reception["kind"] == "bar"
    assert reception["labels"] == [row["salesperson"] for row in rows]
    visits = next(d for d in reception["datasets"] if d["key"] == "visits")
    assert visits["data"] == [row["visits"] for row in rows]
    daily = charts["daily"]
    assert daily["kind"] == "line"
    assert daily["labels"] == [d.isoformat() for d in WEEK.days]
    # visits on 03-10, 03-11 by both, and 03-12 by other_salesperson
    assert next(d for d in daily["datasets"] if d["key"] == "visits")["data"] == [
        0,
        2,
        2,
        1,
        0,
        0,
        0,
    ]


def test_statuses_of_the_written_reports(
    client, office, manager, salesperson, other_salesperson, assistant
):
    report = weekly(salesperson, office, at(3, 15, 18))
    client.force_login(manager)
    response = client.get(f"{TEAM}?{LAST_WEEK}")
    statuses = {s.author: s.status for s in response.context["statuses"]}
    assert statuses == {salesperson: LATE, other_salesperson: MISSING}
    assert f'href="/reports/period-reports/{report.pk}/"' in response.content.decode()
    client.force_login(assistant)  # sees the statuses, but does not read the reports
    response = client.get(f"{TEAM}?{LAST_WEEK}")
    assert response.context["statuses"]
    assert f'href="/reports/period-reports/{report.pk}/"' not in response.content.decode()


def test_team_page_month_and_range(client, office, manager, salesperson):
    report = report_submit(
        author=salesperson,
        office=office,
        kind=ReportKind.MONTHLY,
        period=Period("month", datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)),
        summary="二月",
        problems="",
        plan="",
        now=at(2, 28, 16),
    )
    client.force_login(manager)
    response = client.get(f"{TEAM}?period=month&date=2026-02-10")
    assert [(s.author, s.status) for s in response.context["statuses"]] == [(salesperson, ON_TIME)]
    assert response.context["statuses"][0].report == report
    response = client.get(f"{TEAM}?period=range&start=2026-03-01&end=2026-03-18")
    assert response.status_code == 200
    assert response.context["statuses"] == []  # a range has no written report
    assert len(response.context["tables"][2].rows) == 18


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_team_pages_queries_do_not_grow(
    client, office, secretary, manager, salesperson, django_assert_max_num_queries
):
    activity(office, secretary, salesperson, 1)
    weekly(salesperson, office, at(3, 15, 12))
    client.force_login(manager)
    urls = [f"{TEAM}?{LAST_WEEK}", f"{TEAM_REPORT}?date=2026-03-12"]
    _queries(client, urls[0])  # warm up the session
    one = [_queries(client, url) for url in urls]
    for i in range(4):
        person = UserFactory(username=f"more{i}", roles=[Role.SALESPERSON], offices=[office])
        activity(office, secretary, person, 2)
        weekly(person, office, at(3, 15, 12))
    assert len(salespeople_figures(office, WEEK)) == 5
    for url, count in zip(urls, one, strict=True):
        with django_assert_max_num_queries(count):
            assert client.get(url).status_code == 200
        assert _queries(client, url) == count


# reading one written report


@pytest.mark.parametrize(
    "who, status",
    [
        ("salesperson", 200),
        ("manager", 200),
        ("director", 200),
        ("other_salesperson", 403),
        ("assistant", 403),
        ("other_manager", 404),
    ],
)
def test_who_reads_a_report(client, request, office, salesperson, who, status):
    report = weekly(salesperson, office, at(3, 15, 12))
    client.force_login(request.getfixturevalue(who))
    response = client.get(f"/reports/period-reports/{report.pk}/")
    assert response.status_code == status
    if status == 200:
        assert response.context["report"] == report
        assert [t.key for t in response.context["tables"]] == ["reception", "performance"]


def test_reading_a_report_downloads_its_figures(client, office, secretary, manager, salesperson):
    activity(office, secretary, salesperson, 2)
    report = weekly(salesperson, office, at(3, 16, 8))
    client.force_login(manager)
    response = client.get(f"/reports/period-reports/{report.pk}/")
    assert 'data-status="late"' in response.content.decode()
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/reports/period-reports/{report.pk}/?format=xlsx").content)
    )
    reception = book.worksheets[0]
    assert [list(r)[:2] for r in reception.iter_rows(min_row=8, values_only=True)] == [
        [str(salesperson), 2]
    ]


# the manager's weekly report to the director


def test_manager_writes_the_team_report(english, office, manager, salesperson):
    english.force_login(manager)
    response = english.get(f"{TEAM_REPORT}?date=2026-03-12")
    assert response.status_code == 200
    assert response.context["period"] == WEEK
    assert response.context["status"] == MISSING
    response = english.post(
        TEAM_REPORT, {"office": office.pk, "date": "2026-03-09", "summary": "团队", "plan": "加油"}
    )
    assert response.status_code == 302
    report = PeriodReport.objects.get(kind=ReportKind.TEAM_WEEKLY)
    assert (report.author, report.period_start, report.submitted_at) == (manager, WEEK.start, NOW)
    response = english.get(response["Location"])
    assert response.context["status"] == LATE
    assert '<span class="tag late" data-status="late">Late</span>' in response.content.decode()
    reading = english.get(f"/reports/period-reports/{report.pk}/")
    assert [t.key for t in reading.context["tables"]] == ["reception", "performance", "daily"]


def test_team_report_invalid_is_422(client, office, manager):
    client.force_login(manager)
    response = client.post(TEAM_REPORT, {"date": "2026-03-18", "summary": "", "problems": "问题"})
    assert response.status_code == 422
    assert "问题" in response.content.decode()


@pytest.mark.parametrize("who", ["salesperson", "assistant", "director"])
def test_only_the_manager_writes_the_team_report(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(TEAM_REPORT).status_code == 403


# the director's list


def test_director_lists_every_office(
    client, office, other_office, manager, other_manager, director, salesperson
):
    report = weekly(manager, office, at(3, 15, 16), kind=ReportKind.TEAM_WEEKLY)
    client.force_login(director)
    response = client.get(f"{TEAM_REPORTS}?date=2026-03-12")
    assert response.status_code == 200
    rows = {r.office: r for r in response.context["rows"]}
    assert (rows[office].status, rows[other_office].status) == (ON_TIME, MISSING)
    assert f'href="/reports/period-reports/{report.pk}/"' in response.content.decode()
    assert client.get(f"/reports/period-reports/{report.pk}/").status_code == 200


def test_manager_lists_their_offices_only(client, office, other_office, manager, salesperson):
    client.force_login(manager)
    response = client.get(TEAM_REPORTS)
    assert [r.office for r in response.context["rows"]] == [office]
    assert response.context["rows"][0].status == NOT_DUE  # this week: due on Sunday
    client.force_login(salesperson)
    assert client.get(TEAM_REPORTS).status_code == 403
