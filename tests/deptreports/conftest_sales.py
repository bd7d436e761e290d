"""The hand-counted world of the sales reports and the dashboard (helper "sales"), made with
the real services of contracts, shipping and receivables. Branches: 阳光花园 (region 华东)
and 江畔 (region 华南).

- C1, sales1's contract of 2026-03-10 for 华东机械: 10 motors at 100.00 and 100 metres of cable
  at 12.50 (2,250.00), due 5 days after the invoice, delivery 2026-04-30; shipped in full, 2
  motors given back (red outbound order: shipped net 2,050.00), invoiced 2,050.00 less a
  red-letter invoice of 250.00 (1,800.00), 1,000.00 received and a 100.00 receipt reversed;
- C2, sales2's contract of 2026-02-10 for 江南电气: 3 motors (300.00), shipped in February;
- C3, the riverside salesperson's contract of 2026-03-10 for 珠江贸易: 5 motors (500.00), not
  shipped, delivery 2026-03-15 (late from the 16th);
- C4, sales2's contract of 2025-09-10 for 江南电气: 4 motors (400.00), shipped and invoiced
  that day, due 30 days later, unpaid (over 90 days past due in March 2026);
- a contract of sales1 submitted on Monday 2026-03-16 and waiting for the manager;
- month targets: 阳光花园 February 1,000.00 and March 3,000.00, 江畔 March 1,000.00 (江畔's
  February is not split).

March 2026:  阳光花园 signed 2,250.00 shipped 2,050.00 invoiced 1,800.00 collected 1,000.00
             江畔     signed   500.00 (nothing else)
February:    阳光花园 signed 300.00 shipped 300.00
"""

import datetime
from decimal import Decimal

import pytest

from contracts import services as contract_services
from contracts.factories import approved_account, line, make_product, signed
from receivables.factories import invoice_number, issued_invoice, received
from receivables.services import invoices, receipts
from shipping.factories import ship_everything
from staff.choices import Role
from staff.factories import UserFactory
from stock.services import warehouse_create
from tests.receivables.books import give_back

UTC = datetime.UTC
MAR = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
FEB = datetime.datetime(2026, 2, 10, 2, 0, tzinfo=UTC)
OLD = datetime.datetime(2025, 9, 10, 2, 0, tzinfo=UTC)
SUBMITTED = datetime.datetime(2026, 3, 16, 2, 0, tzinfo=UTC)  # a Monday
TODAY = datetime.datetime(2026, 3, 20, 2, 0, tzinfo=UTC)  # Friday: the dashboard's day
FIRST = datetime.datetime(2025, 1, 2, 2, 0, tzinfo=UTC)  # the products' prices from


def target(year, month, office, amount, by):
    from targets.models import SalesTarget

    return SalesTarget.objects.create(
        year=year,
        region=office.region,
        office=office,
        month=month,
        amount=Decimal(amount),
        set_by=by,
        set_at=TODAY,
    )


@pytest.fixture(name="world")
def world_fixture(
    office, other_office, salesperson, other_salesperson, manager, other_manager, director,
    clerk, finance, warehouse,
):  # fmt: skip
    office.region, other_office.region = "华东", "华南"
    office.save(update_fields=["region"])
    other_office.save(update_fields=["region"])
    executive = UserFactory(username="executive", roles=[Role.EXECUTIVE], offices=[office])
    technician = UserFactory(username="technician", roles=[Role.TECHNICIAN], offices=[office])
    river = UserFactory(username="sales-river", roles=[Role.SALESPERSON], offices=[other_office])
    people = [manager, director, executive, technician]
    motor = make_product(manager, now=FIRST)
    cable = make_product(manager, "DL-200", price="12.50", name="电缆", unit="米", now=FIRST)
    depot = warehouse_create(office=office, code="W1", name="一号仓库", keeper=warehouse)
    east = approved_account(office, salesperson, name="华东机械有限公司")
    south = approved_account(office, other_salesperson, name="江南电气有限公司")
    pearl = approved_account(other_office, river, name="珠江贸易有限公司")

    c4 = signed(south, other_salesperson, [line(motor, "4")], people, now=OLD,
                delivery_date=datetime.date(2025, 9, 30))  # fmt: skip
    issued_invoice(c4, now=OLD, finance=finance)

    c2 = signed(south, other_salesperson, [line(motor, "3")], people, now=FEB,
                delivery_date=datetime.date(2026, 2, 28))  # fmt: skip
    ship_everything(c2, now=FEB, people=people, warehouse=depot)

    c1 = signed(
        east, salesperson, [line(motor, "10"), line(cable, "100", "12.50")], people, now=MAR,
        payment_terms_days=5, payment_basis="after_invoice",
        delivery_date=datetime.date(2026, 4, 30),
    )  # fmt: skip
    ship_everything(c1, now=MAR, people=people, warehouse=depot)
    give_back(c1, motor, "2", people=people, salesperson=salesperson, clerk=clerk,
              keeper=warehouse, depot=depot, now=MAR)  # fmt: skip
    c1.refresh_from_db()
    invoice = issued_invoice(c1, now=MAR, finance=finance, ship=False)
    invoices.invoice_red(
        actor=finance, invoice=invoice, amount=Decimal("250.00"), number=invoice_number(),
        date=invoice.date, now=MAR, reason="折让",
    )  # fmt: skip
    received(east, "1000.00", now=MAR, finance=finance, allocations=[(invoice, "1000.00")])
    wrong = received(east, "100.00", now=MAR, finance=finance)
    receipts.receipt_reverse(actor=finance, receipt=wrong, reason="录错", now=MAR)

    c3 = signed(pearl, river, [line(motor, "5")], [other_manager, director], now=MAR,
                delivery_date=datetime.date(2026, 3, 15))  # fmt: skip

    waiting = contract_services.contract_create(
        actor=salesperson, account=east, lines=[line(motor, "1")], now=SUBMITTED,
        delivery_date=datetime.date(2026, 4, 30),
    )  # fmt: skip
    contract_services.contract_submit(contract=waiting, actor=salesperson, now=SUBMITTED)

    target(2026, 2, office, "1000.00", director)
    target(2026, 3, office, "3000.00", director)
    target(2026, 3, other_office, "1000.00", director)
    return {
        "executive": executive,
        "river": river,
        "motor": motor,
        "cable": cable,
        "east": east,
        "south": south,
        "pearl": pearl,
        "contracts": {"c1": c1, "c2": c2, "c3": c3, "c4": c4, "waiting": waiting},
        "invoice": invoice,
    }
