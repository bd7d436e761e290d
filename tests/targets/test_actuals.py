"""R-17.2: actuals against targets on the hand-counted world of tests/deptreports/
conftest_sales.py (March 2026: 阳光花园 signed 2,250.00 shipped 2,050.00 invoiced 1,800.00
collected 1,000.00, all sales1's; 江畔 signed 500.00 by sales-river; 阳光花园's March target
3,000.00, 江畔's 1,000.00). The explanation is required above the branch's percentage (10 by
default), exactly at it not."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from contracts.factories import line, signed
from targets import rules
from targets.models import SalesTarget
from targets.selectors import actuals_against_targets, explanations_missing
from targets.services import explanation_write
from tests.deptreports.conftest_sales import MAR, TODAY, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def sp_target(office, person, month, amount, by):
    return SalesTarget.objects.create(
        year=2026, region=office.region, office=office, salesperson=person, month=month,
        amount=Decimal(amount), set_by=by, set_at=TODAY,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("target", "actual", "percent", "required"),
    [
        ("1000.00", "1100.00", "10.00", False),  # exactly 10 %: not required
        ("1000.00", "1100.10", "10.00", True),  # 10.01 %
        ("1000.00", "900.00", "10.00", False),
        ("1000.00", "899.90", "10.00", True),
        ("0.00", "0.01", "10.00", True),  # nothing expected, something signed: over
        ("0.00", "0.00", "10.00", False),
        (None, "5000.00", "10.00", False),  # no target, nothing to explain
    ],
)
def test_when_an_explanation_is_required(target, actual, percent, required):
    target = None if target is None else Decimal(target)
    assert rules.explanation_required(target, Decimal(actual), Decimal(percent)) is required


def test_the_branches_and_people_of_march(world, office, other_office, salesperson, director):
    sp_target(office, salesperson, 3, "2000.00", director)
    found = actuals_against_targets([office.pk, other_office.pk], 2026, 3, with_regions=True)
    sunny = next(r for r in found["branches"] if r["office"] == office)
    assert (sunny["target"], sunny["signed"], sunny["shipped"], sunny["invoiced"],
            sunny["collected"]) == (Decimal("3000.00"), Decimal("2250.00"), Decimal("2050.00"),
                                    Decimal("1800.00"), Decimal("1000.00"))  # fmt: skip
    assert sunny["variance"] == Decimal("-750.00")
    assert sunny["variance_percent"] == Decimal("-0.25")
    assert sunny["required"] and not sunny["explained"]
    river = next(r for r in found["branches"] if r["office"] == other_office)
    assert (river["target"], river["signed"], river["variance"]) == (
        Decimal("1000.00"), Decimal("500.00"), Decimal("-500.00"),
    )  # fmt: skip
    east, south = found["regions"]
    assert (east["name"], east["target"], east["signed"]) == (
        "华东",
        Decimal("3000.00"),
        Decimal("2250.00"),
    )
    assert (south["name"], south["signed"]) == ("华南", Decimal("500.00"))
    sales1 = next(r for r in found["people"] if r["salesperson"] == salesperson.pk)
    assert (sales1["target"], sales1["signed"], sales1["collected"], sales1["variance"]) == (
        Decimal("2000.00"), Decimal("2250.00"), Decimal("1000.00"), Decimal("250.00"),
    )  # fmt: skip
    assert sales1["required"]  # 12.5 % over


def test_at_exactly_the_percentage_no_explanation_is_required(world, office, director):
    # 2,250.00 signed against 2,500.00 is exactly 10 % under
    SalesTarget.objects.filter(office=office, month=3, salesperson=None).update(
        amount=Decimal("2500.00")
    )
    (sunny,) = actuals_against_targets([office.pk], 2026, 3)["branches"]
    assert sunny["variance_percent"] == Decimal("-0.1")
    assert not sunny["required"]
    office.target_variance_percent = Decimal("9.99")
    office.save(update_fields=["target_variance_percent"])
    (sunny,) = actuals_against_targets([office.pk], 2026, 3)["branches"]
    assert sunny["required"]


def test_explanations_missing_until_written(world, office, other_office, manager, other_manager):
    missing = explanations_missing([office.pk, other_office.pk], 2026, 3)
    assert {(m["office_name"], m["person"]) for m in missing} == {
        ("阳光花园售楼处", ""), ("江畔售楼处", ""),
    }  # fmt: skip
    explanation_write(
        office=office, year=2026, month=3, text="三月大单延期", actor=manager, now=MAR
    )
    missing = explanations_missing([office.pk, other_office.pk], 2026, 3)
    assert [m["office_name"] for m in missing] == ["江畔售楼处"]


def test_the_page_the_excel_and_who_sees_what(
    client, world, office, other_office, director, manager, other_manager, salesperson,
    other_salesperson,
):  # fmt: skip
    client.force_login(director)
    page = client.get("/targets/actuals/?year=2026&month=3")
    assert page.status_code == 200
    html = page.content.decode()
    assert "2,250.00" in html and "江畔售楼处" in html
    book = load_workbook(
        io.BytesIO(client.get("/targets/actuals/?year=2026&month=3&format=xlsx").content)
    )
    sheet = book["分店"] if "分店" in book.sheetnames else book.worksheets[1]
    values = [[c for c in r] for r in sheet.iter_rows(values_only=True)]
    sunny = next(r for r in values if r and r[0] == "阳光花园售楼处")
    assert tuple(sunny[1:6]) == (3000, 2250, 2050, 1800, 1000)
    # the branch manager: the branch only, never the other
    client.force_login(manager)
    html = client.get("/targets/actuals/?year=2026&month=3").content.decode()
    assert "阳光花园售楼处" in html and "江畔售楼处" not in html
    assert client.get(f"/targets/actuals/?year=2026&office={other_office.pk}").status_code == 403
    # a salesperson: their own row
    client.force_login(other_salesperson)
    html = client.get("/targets/actuals/?year=2026&month=3").content.decode()
    assert "2,250.00" not in html
    client.force_login(salesperson)
    html = client.get("/targets/actuals/?year=2026&month=3").content.decode()
    assert "2,250.00" in html and "江畔售楼处" not in html


def test_the_query_count_does_not_grow(client, world, office, salesperson, director,
                                       django_assert_max_num_queries):  # fmt: skip
    client.force_login(director)
    for url in ("/targets/actuals/?year=2026&month=3", "/targets/actuals/?year=2026"):
        client.get(url)
        with django_assert_max_num_queries(40) as small:
            assert client.get(url).status_code == 200
        # more contracts, people and targets
        motor = world["motor"]
        for n in range(3):
            signed(world["east"], salesperson, [line(motor, str(n + 1))], [director], now=MAR)
            sp_target(office, salesperson, n + 4, "10.00", director)
        with django_assert_max_num_queries(len(small.captured_queries)):
            assert client.get(url).status_code == 200
        SalesTarget.objects.filter(month__in=[4, 5, 6], salesperson=salesperson).delete()


def test_explaining_is_the_managers(client, world, office, manager, other_manager, salesperson):
    url = f"/targets/explain/?office={office.pk}&year=2026&month=3"
    client.force_login(salesperson)
    assert client.get(url).status_code == 403
    client.force_login(other_manager)
    assert client.get(url).status_code in (403, 404)
    client.force_login(manager)
    assert client.get(url).status_code == 200
    answer = client.post("/targets/explain/", {"office": office.pk, "year": 2026, "month": 3,
                                                "text": "三月大单延期"})  # fmt: skip
    assert answer.status_code == 302
    html = client.get("/targets/actuals/?year=2026&month=3").content.decode()
    assert "三月大单延期" not in html  # the text is on its page; the row says it is explained
    assert datetime.date(2026, 3, 1)


def test_a_running_month_needs_no_explanation_until_it_has_ended(world, office, other_office):
    # March 2026 is 25 % under its target: on its last day nothing is owed yet, the next day
    # the manager owes the explanation
    ids = [office.pk, other_office.pk]
    running = actuals_against_targets(ids, 2026, 3, today=datetime.date(2026, 3, 31))
    sunny = next(r for r in running["branches"] if r["office"] == office)
    assert sunny["variance_percent"] == Decimal("-0.25") and not sunny["required"]
    ended = actuals_against_targets(ids, 2026, 3, today=datetime.date(2026, 4, 1))
    assert next(r for r in ended["branches"] if r["office"] == office)["required"]
