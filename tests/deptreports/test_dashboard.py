"""The director's dashboard of the sales department (R-17) on the hand-counted world of
conftest_sales, on Friday 2026-03-20: this month against target, the collection rate,
receivables over 90 days, late approvals, unfiled contracts and late shipments, each linked
to its page; who sees it; a fixed number of queries."""

from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contracts.factories import approved_account, line, signed
from receivables.factories import issued_invoice
from tests.deptreports.conftest_sales import MAR, TODAY, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

URL = "/reports/department/dashboard/"
D = Decimal


def board(client, user, params=None):
    client.force_login(user)
    with time_machine.travel(TODAY, tick=False):
        response = client.get(URL, params or {})
    assert response.status_code == 200
    return response


def test_the_directors_numbers(client, world, director, office, other_office):
    response = board(client, director)
    b = response.context["board"]
    by_name = {row.office.name: row for row in b.branches}
    sunny, river = by_name["阳光花园售楼处"], by_name["江畔售楼处"]
    assert (sunny.target, sunny.signed, sunny.completion_percent) == (
        D("3000.00"), D("2250.00"), D("75.0"),
    )  # fmt: skip
    assert (river.target, river.signed, river.completion_percent) == (
        D("1000.00"), D("500.00"), D("50.0"),
    )  # fmt: skip
    regions = {r.name: r for r in b.regions}
    assert (regions["华东"].target, regions["华东"].signed) == (D("3000.00"), D("2250.00"))
    assert regions["华南"].completion_percent == D("50.0")
    # C1's invoice fell due on 03-15: 2,050.00 less 250.00 red, 1,000.00 received
    assert (sunny.due, sunny.received, sunny.rate_percent) == (
        D("1800.00"),
        D("1000.00"),
        D("55.6"),
    )
    assert river.rate is None
    # C4's 400.00, due 2025-10-10, unpaid
    assert (sunny.over_90, sunny.over_90_accounts, b.over_90_accounts) == (D("400.00"), 1, 1)
    assert (sunny.late_approvals, river.late_approvals) == (1, 0)
    assert (sunny.unfiled, river.unfiled) == (3, 1)
    assert (sunny.late_shipments, river.late_shipments) == (0, 1)
    assert (b.totals.target, b.totals.signed) == (D("4000.00"), D("2750.00"))
    html = response.content.decode()
    assert f"{reverse('receivables:report_aging')}?office={office.pk}" in html
    assert f"{reverse('receivables:report_rate')}?office={office.pk}" in html
    assert f"/contracts/filing/?office={office.pk}" in html
    assert f"/shipping/late/?office={other_office.pk}" in html
    assert "/reports/department/regional-sales/?region=" in html
    assert "/approvals/inbox/" in html


def test_a_late_approval_is_not_late_on_its_first_working_day(client, world, director):
    client.force_login(director)
    with time_machine.travel("2026-03-17 10:00 +0800", tick=False):
        b = client.get(URL).context["board"]
    assert sum(row.late_approvals for row in b.branches) == 0


def test_who_sees_the_dashboard(client, world, manager, other_manager, salesperson, office):
    rows = board(client, manager).context["board"].branches
    assert [r.office.name for r in rows] == ["阳光花园售楼处"]
    rows = board(client, other_manager).context["board"].branches
    assert [r.office.name for r in rows] == ["江畔售楼处"]
    executive = board(client, world["executive"]).context["board"].branches
    assert len(executive) == 2
    client.force_login(salesperson)
    assert client.get(URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302
    # another branch's manager asking for this branch still sees only their own
    client.force_login(other_manager)
    with time_machine.travel(TODAY, tick=False):
        response = client.get(URL, {"office": office.pk})
    assert [r.office.name for r in response.context["board"].branches] == ["江畔售楼处"]


def test_a_fixed_number_of_queries_whatever_the_data(client, world, director, manager, office):
    def count() -> int:
        client.force_login(director)
        with time_machine.travel(TODAY, tick=False), CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    people = [manager, director, world["executive"]]
    old = MAR.replace(year=2025, month=10)
    for n in range(2):
        account = approved_account(office, world["east"].owner, name=f"老客户{n}")
        contract = signed(account, account.owner, [line(world["motor"], "1")], people, now=old)
        issued_invoice(contract, now=old)
    assert count() == before
    assert before <= 40
