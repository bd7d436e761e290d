"""The demo's targets, work plans, market information and dealer disputes (workspace.demo_r17,
R-17): two offices with regions, the year's target split down to the salespeople's months
adding up to their parents, three work plans (one approved, one late), visit records with
market information, three dealer disputes; every department report opens with numbers for the
director, the branch manager and a salesperson; a second run adds nothing."""

import datetime
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Sum
from django.test import Client

from approvals.selectors import inbox_for
from dealers.models import DealerDispute
from deptreports.registry import REPORTS
from staff.models import Office, User
from targets.models import SalesTarget, TargetExplanation
from visits.models import VisitRecord
from workplans.models import WorkPlan
from workspace.demo_r17 import REGIONS
from workspace.demo_sales import DEMO_BRANCH

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
AFTERNOON = datetime.datetime(2026, 11, 27, 14, 0, tzinfo=SH)  # a Friday


def demo_data() -> str:
    out = StringIO()
    with time_machine.travel(AFTERNOON, tick=False):
        call_command("demo_data", stdout=out)
    return out.getvalue()


def counts() -> list[int]:
    models = (SalesTarget, TargetExplanation, WorkPlan, VisitRecord, DealerDispute)
    return [m.objects.count() for m in models]


def user(name: str) -> User:
    return User.objects.get(username=name)


def test_r17_targets_plans_records_and_disputes_once():
    out = demo_data()
    made = counts()
    again = demo_data()
    assert "3 work plans (1 approved, 1 late)" in out
    assert "targets, work plans and dealer disputes kept" in again and counts() == made

    branch = Office.objects.get(code=DEMO_BRANCH["code"])
    office = Office.objects.get(code="demo")
    assert (branch.region, office.region) == (REGIONS["branch"], REGIONS["office"])
    # the department's year over the regions, the branch's year over its months, each
    # branch month over the salespeople: never more than the parent
    year = SalesTarget.objects.filter(year=2026)
    department = year.get(region="", office=None, month=None).amount
    regions = year.filter(office=None).exclude(region="").aggregate(s=Sum("amount"))["s"]
    assert (department, regions) == (Decimal("12000000.00"), Decimal("10000000.00"))
    months = year.filter(office=branch, salesperson=None, month__isnull=False)
    assert months.count() == 12
    assert months.aggregate(s=Sum("amount"))["s"] == year.get(office=branch, month=None).amount
    november = year.filter(office=branch, month=11, salesperson__isnull=False)
    assert november.aggregate(s=Sum("amount"))["s"] == Decimal("450000.00")
    assert TargetExplanation.objects.filter(office=branch, year=2026, month=10).count() == 1
    # R-17.3: rep1's approved (built from the visit plan), rep2's late, rep3's monthly pending
    plans = {p.author.username: p for p in WorkPlan.objects.filter(office=branch)}
    assert plans["rep1"].status == "approved" and plans["rep1"].lines.count() == 2
    assert plans["rep2"].late and plans["rep2"].status == "pending"
    assert plans["rep3"].kind == "monthly" and not plans["rep3"].late
    with time_machine.travel(AFTERNOON, tick=False):
        waiting = inbox_for(user("bmanager"), now=AFTERNOON)
    pending = {i["document"].pk for i in waiting if i["approval"].document_type == "work_plan"}
    assert pending == {plans["rep2"].pk, plans["rep3"].pk}
    # market information and a dealer's short stock
    records = VisitRecord.objects.filter(account__office=branch)
    assert records.exclude(competitors="").count() >= 5
    assert records.filter(dealer_stock__quantity=0).exists()
    # escalated, being settled, settled
    statuses = sorted(DealerDispute.objects.values_list("status", flat=True))
    assert statuses == ["escalated", "helping", "settled"]


def test_r17_every_department_report_opens_with_the_demos_numbers():
    demo_data()
    branch = Office.objects.get(code=DEMO_BRANCH["code"])
    with time_machine.travel(AFTERNOON + datetime.timedelta(minutes=5), tick=False):
        for name in ("director", "bmanager", "rep1"):
            client = Client()
            client.force_login(user(name))
            for key in sorted(REPORTS):
                query = {"office": branch.pk}
                response = client.get(f"/reports/department/{key}/", query)
                assert response.status_code == 200, (name, key, response.status_code)
        client = Client()
        client.force_login(user("director"))
        regional = client.get("/reports/department/regional-sales/").content.decode()
        assert REGIONS["branch"] in regional
        market = client.get("/reports/department/market-weekly/", {"office": branch.pk})
        assert "南方泵业" in market.content.decode()
        plans = client.get("/reports/department/weekly-plans/", {"office": branch.pk})
        assert "孙销售" in plans.content.decode()
