"""The target pages (R-17.1): the director edits the year, a manager the branch's
salespeople; others read what they may; a split over its parent is a form error and nothing
is saved; a fixed number of queries."""

from decimal import Decimal

import pytest

from staff.choices import Role
from staff.factories import UserFactory
from targets.factories import set_target
from targets.models import SalesTarget

pytestmark = pytest.mark.django_db


def test_the_director_saves_the_grid(client, planned, director, other_office):
    client.force_login(director)
    page = client.get("/targets/year/?year=2026")
    assert page.status_code == 200
    assert f'name="m{planned.pk}-3"' in page.content.decode()
    answer = client.post(
        "/targets/year/",
        {"year": 2026, f"y{other_office.pk}": "200000", f"m{planned.pk}-4": "1,000.50"},
    )
    assert answer.status_code == 302
    assert SalesTarget.objects.get(office=other_office, month=None).amount == Decimal("200000.00")
    assert SalesTarget.objects.get(office=planned, month=4).amount == Decimal("1000.50")


def test_over_the_parent_is_a_form_error_and_nothing_is_saved(client, planned, director):
    client.force_login(director)
    answer = client.post(
        "/targets/year/",
        {"year": 2026, f"m{planned.pk}-1": "100000", f"m{planned.pk}-2": "170000.01"},
    )
    assert answer.status_code == 400
    html = answer.content.decode()
    assert 'id="target-errors"' in html
    assert 'value="170000.01"' in html  # what was typed stays
    assert not SalesTarget.objects.filter(month__in=[1, 2]).exists()


def test_a_bad_number_is_a_form_error(client, planned, director):
    client.force_login(director)
    answer = client.post("/targets/year/", {"year": 2026, f"m{planned.pk}-1": "-5"})
    assert answer.status_code == 400
    assert not SalesTarget.objects.filter(month=1).exists()


def test_the_year_page_is_leadership_s(client, planned, executive, manager, salesperson):
    client.force_login(executive)
    html = client.get("/targets/year/?year=2026").content.decode()
    assert "300,000.00" in html and 'name="dept"' not in html
    assert client.post("/targets/year/", {"year": 2026, "dept": "1"}).status_code == 403
    for user in (manager, salesperson):
        client.force_login(user)
        assert client.get("/targets/year/").status_code == 403
        assert client.get("/targets/").status_code == 302


def test_the_manager_splits_on_the_branch_page(
    client, planned, manager, salesperson, other_salesperson
):
    client.force_login(manager)
    html = client.get(f"/targets/branch/?year=2026&office={planned.pk}").content.decode()
    assert f'name="s{salesperson.pk}-3"' in html
    answer = client.post(
        "/targets/branch/",
        {"year": 2026, "office": planned.pk, f"s{salesperson.pk}-3": "20000",
         f"s{other_salesperson.pk}-3": "10000.01"},
    )  # fmt: skip
    assert answer.status_code == 400
    assert not SalesTarget.objects.filter(salesperson__isnull=False).exists()
    answer = client.post(
        "/targets/branch/",
        {"year": 2026, "office": planned.pk, f"s{salesperson.pk}-3": "20000"},
    )
    assert answer.status_code == 302
    html = client.get(f"/targets/branch/?year=2026&office={planned.pk}").content.decode()
    assert "10,000.00" in html  # March unassigned


def test_who_reads_the_branch_page(
    client, planned, manager, other_manager, salesperson, other_salesperson, executive
):
    set_target(manager, "7777.00", office=planned, salesperson=other_salesperson, month=3)
    client.force_login(other_manager)
    assert client.get(f"/targets/branch/?office={planned.pk}").status_code == 403
    client.force_login(salesperson)
    html = client.get(f"/targets/branch/?year=2026&office={planned.pk}").content.decode()
    assert "7,777.00" not in html and f'name="s{salesperson.pk}-3"' not in html
    assert client.post("/targets/branch/", {"office": planned.pk, "year": 2026}).status_code == 403
    client.force_login(other_salesperson)
    assert (
        "7,777.00" in client.get(f"/targets/branch/?year=2026&office={planned.pk}").content.decode()
    )
    client.force_login(executive)
    html = client.get(f"/targets/branch/?year=2026&office={planned.pk}").content.decode()
    assert "7,777.00" in html and f'name="s{other_salesperson.pk}-3"' not in html


def test_the_pages_read_a_fixed_number_of_queries(client, planned, director, manager,
                                                  django_assert_max_num_queries):  # fmt: skip
    client.force_login(director)
    client.get("/targets/year/?year=2026")
    with django_assert_max_num_queries(20) as small:
        client.get("/targets/year/?year=2026")
    client.force_login(manager)
    with django_assert_max_num_queries(20) as branch_small:
        client.get(f"/targets/branch/?year=2026&office={planned.pk}")
    for n in range(5):
        UserFactory(username=f"more{n}", roles=[Role.SALESPERSON], offices=[planned])
        from staff.factories import OfficeFactory

        OfficeFactory(name=f"分店{n}", code=f"extra{n}", region="华东")
    set_target(director, "1.00", office=planned, month=5)
    client.force_login(director)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/targets/year/?year=2026")
    client.force_login(manager)
    with django_assert_max_num_queries(len(branch_small.captured_queries)):
        client.get(f"/targets/branch/?year=2026&office={planned.pk}")


def test_the_menu_has_targets(client, planned, salesperson, finance):
    client.force_login(salesperson)
    assert 'href="/targets/"' in client.get("/targets/branch/").content.decode()
    client.force_login(finance)
    assert client.get("/targets/branch/").status_code == 403
