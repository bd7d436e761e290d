"""A hand-counted department for the work, market and account reports (R-17.4, 5-8, 12, 13),
imported by their tests (`from .conftest_market import *`).

Two branches: 阳光花园 (sunny: sales1, sales2, sales4 who does nothing, the manager) and 江畔
(riverside: sales3 and its manager). The week is Monday 9 to Sunday 15 March 2026.

Visit records (R-9.7):
  r1 sales1 华东机械 (A)  10 Mar first   quality, price "电机…",
                                          competitors "西门子, ABB、汇川", demand
  r2 sales1 宏达经销 (B)  11 Mar return  competitors "西门子；ABB"; stock: motor 0 (short, noted),
                                          cable 50 (not short)
  r3 sales2 远东电气 (B)  12 Mar call    price "电缆太贵", new product,
                                          competitors "西门子 / 施耐德"
  r4 sales3 江畔水泥 (C)  12 Mar return  quality, competitors "ABB，西门子"
  r5 sales1 华东机械 (A)  20 Mar return  demand "需要报价", competitors "汇川" (not in the week)
  r6 sales2 远东电气 (B)  25 Feb return  nothing (before the month)

Visit plans of the week: sales1 submitted (4 lines: 2 done, 1 missed, 1 replaced); sales2 a
draft (1 line, planned); sales3 and sales4 none.
Accounts opened in the week: 新星科技 by sales1 on 10 Mar (approved, ungraded); a draft of sales2
(not counted). Enquiry of sales1 (华东机械, 11 Mar, pending, due 30 Apr); quote of sales2
(远东电气, 12 Mar, pending, valid to 12 Apr). Contracts of sales1 with 华东机械: 10 motors
(1,000.00) signed 10 Mar 2026, 5 motors (500.00) signed 10 Mar 2025; 400.00 received 12 Mar 2026.
"""

import datetime
from decimal import Decimal

import pytest

from accounts.factories import AccountFactory
from contracts.factories import approved_account, line, make_product, signed
from quotes.models import Enquiry, Quote
from receivables.factories import received
from staff.choices import Role
from staff.factories import UserFactory
from visits.models import DealerStock, PlannedVisit, VisitPlan, VisitRecord

NOW = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)
LAST_YEAR = datetime.datetime(2025, 3, 10, 2, 0, tzinfo=datetime.UTC)
WEEK = {"period": "week", "date": "2026-03-10"}
MONTH = {"period": "month", "date": "2026-03-10"}
YEAR = {"period": "year", "date": "2026-03-10"}
# after March: "overdue" in the March report is judged on 31 March
LATER = datetime.datetime(2026, 4, 10, 4, 0, tzinfo=datetime.UTC)


def day(d: int, month: int = 3) -> datetime.date:
    return datetime.date(2026, month, d)


def url(key: str) -> str:
    return f"/reports/department/{key}/"


@pytest.fixture
def people(office, other_office, manager, director, salesperson, other_salesperson, finance):
    office.region = "华东"
    office.save(update_fields=["region"])
    other_office.region = "华南"
    other_office.save(update_fields=["region"])
    sales3 = UserFactory(
        username="sales3", display_name="王五", roles=[Role.SALESPERSON], offices=[other_office]
    )
    sales4 = UserFactory(
        username="sales4", display_name="赵六", roles=[Role.SALESPERSON], offices=[office]
    )
    other_manager = UserFactory(
        username="manager-riverside", roles=[Role.MANAGER], offices=[other_office]
    )
    for user, name in ((salesperson, "张三"), (other_salesperson, "李四")):
        user.display_name = name
        user.save(update_fields=["display_name"])
    return {
        "sales1": salesperson,
        "sales2": other_salesperson,
        "sales3": sales3,
        "sales4": sales4,
        "manager": manager,
        "other_manager": other_manager,
        "director": director,
        "finance": finance,
    }


def _record(account, person, date, kind, **texts):
    return VisitRecord.objects.create(
        account=account,
        office=account.office,
        salesperson=person,
        date=date,
        kind=kind,
        created_at=NOW,
        **texts,
    )


@pytest.fixture
def department(people, office, other_office):
    p = people
    s1, s2, s3 = p["sales1"], p["sales2"], p["sales3"]
    early = datetime.datetime(2025, 1, 2, tzinfo=datetime.UTC)
    motor = make_product(p["manager"], now=early)
    cable = make_product(p["manager"], "DL-200", price="12.50", name="电缆", unit="米", now=early)
    a1 = approved_account(office, s1, name="华东机械有限公司", grade="A")
    dealer = approved_account(office, s1, name="宏达经销公司", grade="B", kind="dealer")
    b1 = approved_account(office, s2, name="远东电气公司", grade="B")
    c3 = approved_account(other_office, s3, name="江畔水泥厂", grade="C")
    new = approved_account(office, s1, name="新星科技", created_at=NOW)
    AccountFactory(office=office, author=s2, status="draft", name="草稿客户", created_at=NOW)

    r1 = _record(
        a1,
        s1,
        day(10),
        "first",
        quality_feedback="包装破损",
        price_feedback="电机价格比西门子贵5%",
        competitors="西门子, ABB、汇川",
        demand="年底扩产需要20台",
    )
    r2 = _record(dealer, s1, day(11), "return", competitors="西门子；ABB")
    DealerStock.objects.create(record=r2, product=motor, quantity=0, note="缺货，下周补货")
    DealerStock.objects.create(record=r2, product=cable, quantity=50)
    _record(
        b1,
        s2,
        day(12),
        "call",
        price_feedback="电缆太贵",
        competitors="西门子 / 施耐德",
        new_products="询问变频器",
    )
    _record(c3, s3, day(12), "return", quality_feedback="质量很好", competitors="ABB，西门子")
    _record(a1, s1, day(20), "return", demand="需要报价", competitors="汇川")
    _record(b1, s2, day(25, 2), "return")

    plan = VisitPlan.objects.create(
        office=office, salesperson=s1, week_start=day(9), status="submitted", created_at=NOW
    )
    PlannedVisit.objects.create(plan=plan, account=a1, day=day(10), outcome="done", record=r1)
    PlannedVisit.objects.create(plan=plan, account=dealer, day=day(11), outcome="done", record=r2)
    PlannedVisit.objects.create(
        plan=plan, account=a1, day=day(13), outcome="missed", outcome_reason="客户不在"
    )
    PlannedVisit.objects.create(plan=plan, account=new, day=day(14), outcome="replaced")
    draft = VisitPlan.objects.create(
        office=office, salesperson=s2, week_start=day(9), status="draft", created_at=NOW
    )
    PlannedVisit.objects.create(plan=draft, account=b1, day=day(12))

    Enquiry.objects.create(
        office=office,
        account=a1,
        source="电话",
        received_on=day(11),
        deadline=day(30, 4),
        status="pending",
        author=s1,
        owner=s1,
        created_at=NOW,
    )
    Quote.objects.create(
        office=office,
        account=b1,
        date=day(12),
        valid_until=day(12, 4),
        status="pending",
        author=s2,
        owner=s2,
        created_at=NOW,
    )
    approvers = [p["manager"], p["director"]]
    signed(a1, s1, [line(motor, "10")], approvers, now=NOW)
    signed(a1, s1, [line(motor, "5")], approvers, now=LAST_YEAR)
    received(a1, "400.00", now=NOW + datetime.timedelta(days=2), finance=p["finance"])
    return {"a1": a1, "dealer": dealer, "b1": b1, "c3": c3, "new": new, "motor": motor}


def login(client, user):
    client.force_login(user)
    return client


def table(response, key: str) -> dict:
    """The table `key` of a report page's context: its rows and totals."""
    found = next(t for t in response.context["tables"] if t.key == key)
    return found


def sheet_matches(book, found) -> None:
    """The sheet of table `found` holds its rows and totals, cell for cell (money as numbers)."""

    def cell(value):
        if isinstance(value, Decimal):
            return float(value)
        return None if value == "" else value  # an empty text cell reads back as None

    sheet = book[next(n for n in book.sheetnames if n.startswith(str(found.title)[:20]))]
    lines = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = [str(c.label) for c in found.columns]
    start = lines.index(header) + 1
    body = [[cell(v) for v in line] for line in lines[start:]]
    expected = [[cell(row.get(c.key)) for c in found.columns] for row in found.rows]
    if found.totals is not None:
        expected.append([cell(found.totals.get(c.key)) for c in found.columns])
    assert body == expected
