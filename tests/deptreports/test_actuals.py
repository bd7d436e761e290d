"""The department's actual sales (targets.actuals, R-17.2) on a hand-counted contract: signed
2,250.00 (10 motors at 100.00, 100 metres of cable at 12.50), shipped in full, invoiced in
full less a red-letter invoice of 250.00, 1,000.00 received and a 100.00 receipt reversed."""

import datetime
from decimal import Decimal

import pytest

from contracts.factories import NOW, approved_account, line, make_product, signed
from receivables.factories import invoice_number, issued_invoice, received
from receivables.services import invoices, receipts
from staff.choices import Role
from staff.factories import UserFactory
from targets.actuals import actuals

pytestmark = pytest.mark.django_db

MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))


@pytest.fixture
def flow(office, salesperson, manager, director, clerk, finance, warehouse):
    executive = UserFactory(username="executive", roles=[Role.EXECUTIVE], offices=[office])
    technician = UserFactory(username="technician", roles=[Role.TECHNICIAN], offices=[office])
    people = [manager, director, executive, technician]
    motor = make_product(manager)
    cable = make_product(manager, "DL-200", price="12.50", name="电缆", unit="米")
    account = approved_account(office, salesperson, name="华东机械有限公司")
    contract = signed(
        account, salesperson, [line(motor, "10"), line(cable, "100", "12.50")], people
    )
    invoice = issued_invoice(contract, now=NOW, finance=finance)
    invoices.invoice_red(
        actor=finance,
        invoice=invoice,
        amount=Decimal("250.00"),
        number=invoice_number(),
        date=invoice.date,
        now=NOW,
        reason="折让",
    )
    received(account, "1000.00", now=NOW, finance=finance)
    wrong = received(account, "100.00", now=NOW, finance=finance)
    receipts.receipt_reverse(actor=finance, receipt=wrong, reason="录错", now=NOW)
    return {"motor": motor, "cable": cable, "account": account, "contract": contract}


def test_the_four_measures_of_a_branch(flow, office, other_office):
    (row,) = actuals(office_ids=[office.pk], start=MARCH[0], end=MARCH[1], by=("office",))
    assert row["office"] == office.pk and row["office_name"] == office.name
    assert row["signed"] == Decimal("2250.00")
    assert row["shipped"] == Decimal("2250.00")
    assert row["invoiced"] == Decimal("2000.00")
    assert row["collected"] == Decimal("1000.00")
    # another branch's reader sees nothing of it; another month has nothing
    assert actuals(office_ids=[other_office.pk], start=MARCH[0], end=MARCH[1], by=("office",)) == []
    april = actuals(
        office_ids=[office.pk],
        start=datetime.date(2026, 4, 1),
        end=datetime.date(2026, 4, 30),
        by=("office",),
    )
    assert april == []


def test_by_product_shares_the_red_invoice_over_the_lines(flow, office):
    rows = actuals(office_ids=[office.pk], start=MARCH[0], end=MARCH[1], by=("product",))
    by_name = {row["product_name"]: row for row in rows}
    motor, cable = by_name[str(flow["motor"])], by_name[str(flow["cable"])]
    assert (motor["signed"], motor["shipped"]) == (Decimal("1000.00"), Decimal("1000.00"))
    assert (cable["signed"], cable["shipped"]) == (Decimal("1250.00"), Decimal("1250.00"))
    # 250.00 red over 1,000.00 and 1,250.00 of lines: 111.11 and 138.89
    assert motor["invoiced"] + cable["invoiced"] == Decimal("2000.00")
    assert motor["invoiced"] == Decimal("888.89")
    assert motor["collected"] is None and cable["collected"] is None


def test_by_salesperson_and_month(flow, office, salesperson, other_salesperson):
    rows = actuals(
        office_ids=[office.pk], start=MARCH[0], end=MARCH[1], by=("salesperson", "month")
    )
    assert [(r["salesperson"], r["month"], r["signed"]) for r in rows] == [
        (salesperson.pk, datetime.date(2026, 3, 1), Decimal("2250.00"))
    ]
    assert rows[0]["salesperson_name"] == str(salesperson)
    mine = actuals(
        office_ids=[office.pk],
        start=MARCH[0],
        end=MARCH[1],
        by=("office",),
        salesperson_id=other_salesperson.pk,
    )
    assert mine == []


def test_a_fixed_number_of_queries(flow, office, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        actuals(
            office_ids=[office.pk],
            start=MARCH[0],
            end=MARCH[1],
            by=("office", "salesperson", "account", "month"),
        )
