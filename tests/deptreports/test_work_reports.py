"""5. Salesperson's weekly and 6. monthly work statistics (R-17.4) on the hand-counted
department of conftest_market: the numbers, the Excel file, who has not handed in what, who
reads which rows, and a query count that does not grow with the data."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext
from openpyxl import load_workbook

from contracts.factories import approved_account
from staff.choices import Role
from staff.factories import UserFactory
from visits.models import PlannedVisit, VisitPlan, VisitRecord

from .conftest_market import *  # noqa: F403
from .conftest_market import LATER, MONTH, NOW, WEEK, login, sheet_matches, table, url

pytestmark = pytest.mark.django_db

COUNTS = (
    "planned", "done", "missed", "replaced", "records", "first", "return", "call",
    "new_accounts", "enquiries", "quotes",
)  # fmt: skip


def by_person(found) -> dict[str, dict]:
    return {row["person"]: row for row in found.rows}


def counts(row) -> tuple:
    return tuple(row[k] for k in COUNTS)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(LATER, tick=False):
        yield


def test_the_week_of_every_salesperson(client, people, department):
    response = login(client, people["director"]).get(url("salesperson-weekly"), WEEK)
    assert response.status_code == 200
    work = by_person(table(response, "work"))
    assert set(work) == {"张三", "李四", "王五", "赵六"}
    #                         plan d  m  r  rec f  r  c  new enq quo
    assert counts(work["张三"]) == (4, 2, 1, 1, 2, 1, 1, 0, 1, 1, 0)
    assert counts(work["李四"]) == (1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1)
    assert counts(work["王五"]) == (0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0)
    assert counts(work["赵六"]) == (0,) * 11
    assert work["王五"]["office"] == "江畔售楼处"
    totals = table(response, "work").totals
    assert (totals["planned"], totals["records"], totals["quotes"]) == (5, 4, 1)

    sales = by_person(table(response, "work-sales"))
    assert sales["张三"]["contracts"] == 1
    assert sales["张三"]["signed"] == Decimal("1000.00")
    assert sales["张三"]["collected"] == Decimal("400.00")
    assert sales["李四"]["signed"] == Decimal("0.00")


def test_the_month_counts_the_records_of_the_whole_month(client, people, department):
    response = login(client, people["director"]).get(url("salesperson-monthly"), MONTH)
    work = by_person(table(response, "work"))
    # r5 (20 March) joins; r6 (25 February) stays out
    assert (work["张三"]["records"], work["张三"]["return"]) == (3, 2)
    assert work["李四"]["records"] == 1


def test_who_has_not_handed_in_the_week(client, people, department):
    response = login(client, people["director"]).get(url("salesperson-weekly"), WEEK)
    missing = {(m["person"], m["what"]) for m in response.context["missing"]}
    plan, records = gettext("Visit plan"), gettext("Visit records")
    # sales2's plan is a draft; sales3 and sales4 have none; sales4 has no visit record
    assert missing == {("李四", plan), ("王五", plan), ("赵六", plan), ("赵六", records)}
    monthly = login(client, people["director"]).get(url("salesperson-monthly"), MONTH)
    assert {(m["person"], m["what"]) for m in monthly.context["missing"]} == {("赵六", records)}


def test_the_excel_file_holds_the_same_numbers(client, people, department):
    director = login(client, people["director"])
    page = director.get(url("salesperson-weekly"), WEEK)
    response = director.get(url("salesperson-weekly"), {**WEEK, "format": "xlsx"})
    book = load_workbook(io.BytesIO(response.content))
    for found in (table(page, "work"), table(page, "work-sales")):
        sheet_matches(book, found)
    assert book[book.sheetnames[-1]]["A1"].value  # the "not submitted" sheet closes the file


def test_a_manager_reads_the_branch_and_a_salesperson_their_own(client, people, department):
    response = login(client, people["manager"]).get(url("salesperson-weekly"), WEEK)
    assert set(by_person(table(response, "work"))) == {"张三", "李四", "赵六"}

    client.logout()
    response = login(client, people["sales2"]).get(url("salesperson-weekly"), WEEK)
    work = by_person(table(response, "work"))
    assert set(work) == {"李四"}
    assert work["李四"]["quotes"] == 1
    assert {m["person"] for m in response.context["missing"]} == {"李四"}
    assert set(by_person(table(response, "work-sales"))) == {"李四"}


def test_another_branch_manager_cannot_choose_this_branch(client, people, department, office):
    response = login(client, people["other_manager"]).get(
        url("salesperson-weekly"), {**WEEK, "office": office.pk}
    )
    assert response.status_code == 422
    assert set(by_person(table(response, "work"))) == {"王五"}


def test_a_reader_of_no_branch_is_refused(client, people, department, office):
    clerk = UserFactory(username="a-clerk", roles=[Role.CLERK], offices=[office])
    assert login(client, clerk).get(url("salesperson-weekly"), WEEK).status_code == 403


def _more(office, people, n: int):
    """n more salespeople, each with an account, a plan line and two visit records."""
    for i in range(n):
        person = UserFactory(username=f"more{i}", roles=[Role.SALESPERSON], offices=[office])
        account = approved_account(office, person, name=f"加量客户{i}", grade="B")
        plan = VisitPlan.objects.create(
            office=office,
            salesperson=person,
            week_start=datetime.date(2026, 3, 9),
            status="confirmed",
            created_at=NOW,
        )
        PlannedVisit.objects.create(plan=plan, account=account, day=datetime.date(2026, 3, 10))
        for d in (10, 11):
            VisitRecord.objects.create(
                account=account,
                office=office,
                salesperson=person,
                date=datetime.date(2026, 3, d),
                kind="return",
                competitors="西门子",
                created_at=NOW,
            )


@pytest.mark.parametrize("key", ["salesperson-weekly", "salesperson-monthly"])
def test_the_query_count_does_not_grow_with_the_data(
    client, people, department, office, key, django_assert_max_num_queries
):
    director = login(client, people["director"])
    with CaptureQueriesContext(connection) as small:
        assert director.get(url(key), WEEK).status_code == 200
    _more(office, people, 12)
    with django_assert_max_num_queries(len(small)):
        response = director.get(url(key), WEEK)
    assert len(table(response, "work").rows) == 16
