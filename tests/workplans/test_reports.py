"""Department reports 1 and 2 (R-17.4): 周工作计划表 and 月工作计划表 on a hand-counted
fixture; the Excel file read back equals the table; who has not handed in a plan; who reads
which rows; a fixed number of queries whatever the data size."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import load_workbook

from approvals.services import approval_decide
from deptreports.definitions.plans import build_plans, missing_plans
from deptreports.scope import Scope
from reports.periods import Period
from staff.choices import Role
from staff.factories import UserFactory
from tests.visits.plan_fixtures import account_of, plan_with_line, submitted
from visits import plans as visit_plans
from visits.models import PlannedVisit
from workplans import services
from workplans.factories import SH, approved_plan, draft_plan, pending_plan

pytestmark = pytest.mark.django_db

WEEK = Period("week", datetime.date(2026, 3, 9), datetime.date(2026, 3, 15))
NOW = datetime.datetime(2026, 3, 16, 9, 0, tzinfo=SH)  # the Monday after the week
BEFORE = datetime.datetime(2026, 3, 6, 10, 0, tzinfo=SH)  # Friday before the week
LATE = datetime.datetime(2026, 3, 7, 15, 0, tzinfo=SH)  # Saturday afternoon: late
URL = "/reports/department/weekly-plans/"


@pytest.fixture
def world(office, salesperson, other_salesperson, manager):
    """sales1: a weekly plan of the week of Mar 9 built from a visit plan of 3 visits (one
    done, one missed, one still planned), target 20,000, handed in on time and approved.
    sales2: a plan with 1 visit handed in late, still pending, target 5,000.50.
    A third salesperson, sales3, has none."""
    a1 = account_of(office, salesperson, name="甲一")
    a2 = account_of(office, salesperson, name="甲二")
    a3 = account_of(office, salesperson, name="甲三")
    visit_plan = plan_with_line(office, salesperson, a1, now=BEFORE, week_start=WEEK.start)
    for account, offset in ((a2, 2), (a3, 3)):
        visit_plans.plan_line_add(
            plan=visit_plan,
            actor=salesperson,
            account=account,
            day=WEEK.start + datetime.timedelta(days=offset),
            purpose="",
            now=BEFORE,
        )
    submitted(visit_plan, now=BEFORE)
    lines = list(visit_plan.lines.order_by("day"))
    PlannedVisit.objects.filter(pk=lines[0].pk).update(outcome="done")
    PlannedVisit.objects.filter(pk=lines[1].pk).update(outcome="missed", outcome_reason="客户出差")
    mine = draft_plan(office, salesperson, day=WEEK.start, now=BEFORE)
    services.work_plan_update(plan=mine, actor=salesperson, now=BEFORE, target_amount="20000.00")
    services.work_plan_submit(plan=mine, actor=salesperson, now=BEFORE)
    approval_decide(
        approval=mine.approvals().get(), actor=manager, decision="approve", comment="", now=BEFORE
    )
    b = account_of(office, other_salesperson, name="乙一")
    plan_with_line(office, other_salesperson, b, now=BEFORE, week_start=WEEK.start)
    theirs = draft_plan(office, other_salesperson, day=WEEK.start, now=BEFORE)
    services.work_plan_update(
        plan=theirs, actor=other_salesperson, now=BEFORE, target_amount="5000.50"
    )
    services.work_plan_submit(plan=theirs, actor=other_salesperson, now=LATE)
    third = UserFactory(
        username="sales3", display_name="丙", roles=[Role.SALESPERSON], offices=[office]
    )
    return {"third": third}


def rows_by_person(table):
    return {row["person"]: row for row in table.rows}


def test_the_weekly_report_counts_what_was_planned_and_done(
    world, office, salesperson, other_salesperson
):
    table = build_plans(Scope((office,)), WEEK, "weekly")[0]
    rows = rows_by_person(table)
    one, two, three = rows[str(salesperson)], rows[str(other_salesperson)], rows["丙"]
    assert one["status"] == "已批准"
    assert one["submitted_at"] == "2026-03-06 10:00"
    assert (one["plans"], one["submitted"], one["late"], one["planned"]) == (1, 1, 0, 3)
    assert (one["done"], one["missed"]) == (1, 1)
    assert one["target"] == Decimal("20000.00")
    assert two["status"] == "待审批"
    assert (two["plans"], two["submitted"], two["late"], two["planned"]) == (1, 1, 1, 1)
    assert two["submitted_at"] == "2026-03-07 15:00"
    assert two["target"] == Decimal("5000.50")
    assert (three["plans"], three["planned"], three["status"]) == (0, 0, "无计划")
    assert table.totals["planned"] == 4 and table.totals["target"] == Decimal("25000.50")
    assert table.totals["late"] == 1 and table.totals["done"] == 1


def test_who_has_not_handed_in_a_plan(world, office, salesperson, other_salesperson):
    # the week of Mar 9 and Mar 16: the one of Mar 16 was due on Mar 14 at noon
    period = Period("range", datetime.date(2026, 3, 9), datetime.date(2026, 3, 22))
    missing = missing_plans(Scope((office,)), period, "weekly", now=NOW)
    got = sorted((m["person"], m["what"][-23:]) for m in missing)
    assert got == sorted(
        [
            ("丙", "2026-03-09 – 2026-03-15"),
            ("丙", "2026-03-16 – 2026-03-22"),
            (str(salesperson), "2026-03-16 – 2026-03-22"),
            (str(other_salesperson), "2026-03-16 – 2026-03-22"),
        ]
    )
    # before the deadline of the week of Mar 16 nobody owes it yet
    early = datetime.datetime(2026, 3, 14, 12, 0, tzinfo=SH)
    assert [m["person"] for m in missing_plans(Scope((office,)), period, "weekly", now=early)] == [
        "丙"
    ]


def test_the_excel_file_equals_the_table(client, world, office, manager):
    client.force_login(manager)
    with time_machine.travel(NOW, tick=False):
        answer = client.get(URL, {"period": "week", "date": "2026-03-10", "format": "xlsx"})
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.content))
    sheet = book.worksheets[0]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(values) if r and r[0] == "销售员")  # the zh page
    body = [r for r in values[header + 1 :] if r[0]]
    with translation.override("zh-hans"):
        table = build_plans(Scope((office,)), WEEK, "weekly")[0]
        expected = [[row.get(c.key) for c in table.columns] for row in [*table.rows, table.totals]]
        expected = [
            [w if isinstance(w, int | Decimal) else str(w if w is not None else "") for w in row]
            for row in expected
        ]
    assert len(body) == len(expected) == 4
    for got, want in zip(body, expected, strict=True):
        got = [
            Decimal(str(g)) if isinstance(w, Decimal) else g for g, w in zip(got, want, strict=True)
        ]
        assert [g if g is not None else "" for g in got] == want
    # the missing list is its own sheet
    assert "未提交" in book.sheetnames[-1]


def test_who_reads_which_rows(
    client,
    world,
    office,
    other_office,
    salesperson,
    other_salesperson,
    manager,
    director,
    other_manager,
):
    def people(user, **params):
        client.force_login(user)
        with time_machine.travel(NOW, tick=False):
            answer = client.get(
                URL, {"period": "week", "date": "2026-03-10", "format": "json", **params}
            )
        assert answer.status_code == 200
        return answer.json()["charts"][0]["labels"]

    assert people(salesperson) == [str(salesperson)]
    assert set(people(manager)) == {str(salesperson), str(other_salesperson), "丙"}
    assert set(people(director)) >= {str(salesperson), str(other_salesperson), "丙"}
    assert str(salesperson) not in people(other_manager)
    # another branch named by a manager of this one shows their own branch only
    assert str(salesperson) not in people(other_manager, office=office.pk)


def test_the_monthly_report(office, salesperson, manager):
    plan = approved_plan(
        office,
        salesperson,
        manager,
        kind="monthly",
        day=datetime.date(2026, 3, 1),
        now=BEFORE - datetime.timedelta(days=10),
    )
    month = Period("month", datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    row = rows_by_person(build_plans(Scope((office,)), month, "monthly")[0])[str(salesperson)]
    assert (row["plans"], row["submitted"], row["late"]) == (1, 1, 0)
    assert row["status"] == "已批准"
    assert plan.period_end == datetime.date(2026, 3, 31)
    april = Period("month", datetime.date(2026, 4, 1), datetime.date(2026, 4, 30))
    owed = missing_plans(
        Scope((office,)), april, "monthly", now=datetime.datetime(2026, 4, 1, 9, tzinfo=SH)
    )
    assert [m["person"] for m in owed] == [str(salesperson)]


def _queries(office) -> int:
    scope = Scope((office,))
    with CaptureQueriesContext(connection) as ctx:
        build_plans(scope, WEEK, "weekly")
        missing_plans(scope, WEEK, "weekly", now=NOW)
    return len(ctx.captured_queries)


def test_a_fixed_number_of_queries_whatever_the_size(office, manager):
    small = UserFactory(username="q0", roles=[Role.SALESPERSON], offices=[office])
    pending_plan(office, small, day=WEEK.start, now=BEFORE)
    first = _queries(office)
    for n in range(1, 7):
        person = UserFactory(username=f"q{n}", roles=[Role.SALESPERSON], offices=[office])
        account = account_of(office, person, name=f"客户{n}")
        plan_with_line(office, person, account, now=BEFORE, week_start=WEEK.start)
        pending_plan(office, person, day=WEEK.start, now=BEFORE)
    assert _queries(office) == first <= 7
