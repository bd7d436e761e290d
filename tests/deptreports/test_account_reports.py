"""12. Target accounts and 13. the annual account analysis (R-17.4) on the hand-counted
department of conftest_market, judged on 31 March 2026 (the clock stands in April): accounts by
grade with visits, overdue, open demand and contracts; each account; the overdue list; the year
against the year before; the Excel file, permissions and the query count."""

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
from deptreports.definitions import accounts as definitions
from staff.choices import Role
from staff.factories import UserFactory
from visits.models import VisitRecord

from .conftest_market import *  # noqa: F403
from .conftest_market import LATER, MONTH, NOW, YEAR, login, sheet_matches, table, url

pytestmark = pytest.mark.django_db

GRADE = ("accounts", "visited", "overdue", "enquiries", "quotes", "contracts")


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(LATER, tick=False):
        yield


def grades(response) -> dict[str, tuple]:
    return {r["grade"]: tuple(r[k] for k in GRADE) for r in table(response, "target-grades").rows}


def test_accounts_by_grade(client, people, department):
    response = login(client, people["director"]).get(url("target-accounts"), MONTH)
    assert response.status_code == 200
    ungraded = gettext("Ungraded")
    #                          n  vis late enq quo con
    assert grades(response) == {
        "A": (1, 1, 1, 1, 0, 1),  # 华东机械: last visit 20 Mar, due 23 Mar
        "B": (2, 1, 2, 0, 1, 0),  # 宏达 visited 11 Mar; 远东's call is not a visit
        "C": (1, 1, 0, 0, 0, 0),  # 江畔水泥: due 11 April
        ungraded: (1, 0, 0, 0, 0, 0),  # 新星科技: never overdue; the draft is not counted
    }


def test_each_account_with_its_last_visit_and_demand(client, people, department):
    response = login(client, people["director"]).get(url("target-accounts"), MONTH)
    rows = table(response, "target-accounts").rows
    assert rows[0]["name"] == "华东机械有限公司"  # grade A first
    found = {r["name"]: r for r in rows}
    a1 = found["华东机械有限公司"]
    assert (a1["grade"], a1["owner"], a1["last_visit"], a1["visits"]) == (
        "A",
        "张三",
        "2026-03-20",
        2,
    )
    assert (a1["days_overdue"], a1["demand"]) == (8, "需要报价")
    b1 = found["远东电气公司"]
    assert (b1["last_visit"], b1["visits"], b1["days_overdue"]) == ("2026-02-25", 0, 27)
    assert found["江畔水泥厂"]["days_overdue"] is None
    assert rows[-1]["name"] == "新星科技"  # ungraded last


def test_the_overdue_accounts_are_missing_visits(client, people, department):
    response = login(client, people["director"]).get(url("target-accounts"), MONTH)
    missing = [(m["person"], m["what"]) for m in response.context["missing"]]
    assert [person for person, _what in missing] == ["李四", "张三", "张三"]  # longest first
    assert "远东电气公司" in missing[0][1] and "27" in missing[0][1]
    assert "华东机械有限公司" in missing[2][1] and "8" in missing[2][1]


def test_the_detail_is_capped(client, people, department, monkeypatch):
    monkeypatch.setattr(definitions, "DETAIL_CAP", 2)
    response = login(client, people["director"]).get(url("target-accounts"), MONTH)
    found = table(response, "target-accounts")
    assert len(found.rows) == 2
    assert "5" in str(found.note)


def test_the_annual_analysis_against_the_year_before(client, people, department):
    response = login(client, people["director"]).get(url("annual-accounts"), YEAR)
    assert response.status_code == 200
    rows = {r["account"]: r for r in table(response, "annual-accounts").rows}
    a1 = rows["华东机械有限公司"]
    assert (a1["signed"], a1["signed_prev"]) == (Decimal("1000.00"), Decimal("500.00"))
    assert a1["change"] == Decimal("1.0000")
    assert (a1["collected"], a1["shipped"], a1["visits"]) == (Decimal("400.00"), 0, 2)
    assert rows["远东电气公司"]["visits"] == 1  # 25 February's visit; the call is not one
    assert rows["远东电气公司"]["change"] is None
    assert "新星科技" not in rows  # no money, no visit
    (top,) = table(response, "annual-top").rows
    assert top["account"] == "华东机械有限公司"
    groups = {g["group"]: g for g in table(response, "annual-groups").rows}
    grade_a = gettext("Grade %(grade)s") % {"grade": "A"}
    assert (groups[grade_a]["accounts"], groups[grade_a]["signed"]) == (1, Decimal("1000.00"))
    assert groups[gettext("Grade %(grade)s") % {"grade": "B"}]["visits"] == 2
    assert groups[gettext("End customer")]["accounts"] == 3
    assert groups[gettext("Dealer")]["accounts"] == 1
    assert response.context["missing"] is None


def test_the_excel_files_hold_the_same_numbers(client, people, department):
    director = login(client, people["director"])
    for key, params, tables in (
        ("target-accounts", MONTH, ("target-grades", "target-accounts")),
        ("annual-accounts", YEAR, ("annual-top", "annual-groups", "annual-accounts")),
    ):
        page = director.get(url(key), params)
        response = director.get(url(key), {**params, "format": "xlsx"})
        book = load_workbook(io.BytesIO(response.content))
        for name in tables:
            sheet_matches(book, table(page, name))


def test_a_salesperson_reads_their_own_accounts(client, people, department):
    response = login(client, people["sales2"]).get(url("target-accounts"), MONTH)
    assert [r["name"] for r in table(response, "target-accounts").rows] == ["远东电气公司"]
    assert grades(response)["B"] == (1, 0, 1, 0, 1, 0)
    assert [m["person"] for m in response.context["missing"]] == ["李四"]
    client.logout()
    response = login(client, people["sales3"]).get(url("annual-accounts"), YEAR)
    assert [r["account"] for r in table(response, "annual-accounts").rows] == ["江畔水泥厂"]


def test_another_branch_manager_sees_only_their_branch(client, people, department, office):
    response = login(client, people["other_manager"]).get(
        url("target-accounts"), {**MONTH, "office": office.pk}
    )
    assert response.status_code == 422
    assert [r["name"] for r in table(response, "target-accounts").rows] == ["江畔水泥厂"]
    assert response.context["missing"] == []
    response = client.get(url("annual-accounts"), {**YEAR, "office": office.pk})
    assert response.status_code == 422
    assert [r["account"] for r in table(response, "annual-accounts").rows] == ["江畔水泥厂"]


@pytest.mark.parametrize(("key", "params"), [("target-accounts", MONTH), ("annual-accounts", YEAR)])
def test_the_query_count_does_not_grow_with_the_data(
    client, people, department, office, key, params, django_assert_max_num_queries
):
    director = login(client, people["director"])
    with CaptureQueriesContext(connection) as small:
        assert director.get(url(key), params).status_code == 200
    for i in range(15):
        person = UserFactory(username=f"more{i}", roles=[Role.SALESPERSON], offices=[office])
        account = approved_account(office, person, name=f"加量客户{i}", grade="ABC"[i % 3])
        VisitRecord.objects.create(
            account=account,
            office=office,
            salesperson=person,
            date=datetime.date(2026, 3, 2),
            kind="return",
            demand=f"需要{i}台",
            created_at=NOW,
        )
    with django_assert_max_num_queries(len(small)):
        response = director.get(url(key), params)
    assert response.status_code == 200
