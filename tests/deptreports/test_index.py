"""The reports index (/reports/) shows the department's reports in their groups, the
director's dashboard for leadership and managers, beside the first part's and receivables'."""

import pytest

from deptreports import registry
from staff.choices import Role
from staff.factories import UserFactory

pytestmark = pytest.mark.django_db

INDEX = "/reports/"


def department(client, user):
    client.force_login(user)
    response = client.get(INDEX)
    assert response.status_code == 200
    groups = {
        g["key"]: [e["url"] for e in g["entries"]] for g in response.context["department_groups"]
    }
    pages = [p["url"] for p in response.context["department_pages"]]
    return groups, pages, response


def test_the_director_sees_every_department_report_and_the_dashboard(client, director):
    groups, pages, response = department(client, director)
    assert groups[registry.SALES][:3] == [
        "/reports/department/sales-weekly/",
        "/reports/department/sales-monthly/",
        "/reports/department/regional-sales/",
    ]
    listed = {url for urls in groups.values() for url in urls}
    assert listed == {f"/reports/department/{r.key}/" for r in registry.ordered()}
    assert "/reports/department/dashboard/" in pages
    html = response.content.decode()
    assert "销售情况周统计表" in html and "区域销售情况统计表" in html and "销售部总览" in html
    for url in listed | {"/reports/department/dashboard/"}:
        assert client.get(url).status_code == 200, url


def test_a_salesperson_sees_the_reports_but_not_the_dashboard(client, salesperson):
    groups, pages, _response = department(client, salesperson)
    assert "/reports/department/regional-sales/" in groups[registry.SALES]
    assert "/reports/department/dashboard/" not in pages


def test_the_executive_has_the_menu_entry_and_the_dashboard(client, office):
    executive = UserFactory(username="executive", roles=[Role.EXECUTIVE], offices=[office])
    groups, pages, response = department(client, executive)
    assert "/reports/department/dashboard/" in pages
    assert INDEX in [item["url"] for item in response.context["nav_items"]]


def test_finance_sees_no_department_report(client, finance):
    groups, pages, _response = department(client, finance)
    assert groups == {} and pages == []
