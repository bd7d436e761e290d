"""Fixtures of the dealer tests (R-17.5), counted by hand:

- the salesperson's dealer 东方经销商: on 2025-03-05 a contract of 10 motors at 100.00 (1,000.00),
  shipped 2025-03-06, invoiced 2025-03-06 (due 30 days later), 300.00 received; on 2026-03-04 a
  contract of 15 motors (1,500.00) and 40 m of cable at 12.50 (500.00), shipped and invoiced
  2026-03-05 (2,000.00, not due yet). Receivable on 2026-03-10: 2,700.00, overdue 700.00.
- its stock checks in March 2026: 03-02 (motors 5, cable 0 short), 03-09 (motors 2, short with
  a note): two checks, two products short.
- its disputes: one recorded 2026-02-20 still open; one recorded 2026-03-03, helped, escalated
  and settled by the manager 2026-03-06.
- the salesperson's second dealer 西城经销商 and the colleague's dealer 南山经销商: nothing.
"""

import datetime

import pytest

from contracts.factories import approved_account, line, make_product, signed
from dealers import services
from receivables.factories import issued_invoice, received
from shipping.factories import ship_everything
from staff.choices import Role
from staff.factories import UserFactory
from stock.services import warehouse_create
from visits.records import visit_record_create

UTC = datetime.UTC
NOW = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
OPENED = datetime.datetime(2024, 1, 2, 2, 0, tzinfo=UTC)


def at(day: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T02:00:00+00:00")


def dealer_of(office, owner, name, **extra):
    return approved_account(office, owner, name=name, kind="dealer", created_at=OPENED, **extra)


@pytest.fixture
def executive(office):
    return UserFactory(username="executive", roles=[Role.EXECUTIVE], offices=[office])


@pytest.fixture
def other_branch_salesperson(other_office):
    return UserFactory(username="sales-riverside", roles=[Role.SALESPERSON], offices=[other_office])


@pytest.fixture
def technician(office):
    return UserFactory(username="technician", roles=[Role.TECHNICIAN], offices=[office])


@pytest.fixture
def approvers(manager, director, executive, technician):
    return [manager, director, executive, technician]


@pytest.fixture
def motor(manager):
    return make_product(manager, now=OPENED)


@pytest.fixture
def cable(manager):
    return make_product(manager, "DL-200", price="12.50", name="电缆", unit="米", now=OPENED)


@pytest.fixture
def dealer(office, salesperson):
    return dealer_of(office, salesperson, "东方经销商")


@pytest.fixture
def dealer2(office, salesperson):
    return dealer_of(office, salesperson, "西城经销商")


@pytest.fixture
def colleague_dealer(office, other_salesperson):
    return dealer_of(office, other_salesperson, "南山经销商")


@pytest.fixture
def far_dealer(other_office, other_branch_salesperson):
    return dealer_of(other_office, other_branch_salesperson, "江畔经销商")


@pytest.fixture
def depot(office, warehouse):
    return warehouse_create(office=office, code="W1", name="一号仓库", keeper=warehouse)


def buy(dealer, owner, lines, approvers, depot, day, *, invoice=True):
    contract = signed(dealer, owner, lines, approvers, now=at(day))
    ship_everything(contract, now=at(day), people=approvers, warehouse=depot)
    contract.refresh_from_db()
    if invoice:
        return issued_invoice(
            contract, now=at(day), ship=False, date=datetime.date.fromisoformat(day)
        )
    return contract


def check_stock(dealer, actor, day, lines):
    return visit_record_create(
        actor=actor,
        account=dealer,
        date=datetime.date.fromisoformat(day),
        kind="return",
        dealer_stock=lines,
        now=NOW,
    )


@pytest.fixture
def world(
    dealer,
    dealer2,
    colleague_dealer,
    salesperson,
    manager,
    motor,
    cable,
    approvers,
    depot,
    clerk,
    finance,
):
    """The hand-counted fixture of the module's docstring."""
    buy(dealer, salesperson, [line(motor, "10")], approvers, depot, "2025-03-05")
    received(dealer, "300.00", now=at("2025-03-20"), date=datetime.date(2025, 3, 20))
    buy(
        dealer,
        salesperson,
        [line(motor, "15"), line(cable, "40", "12.50")],
        approvers,
        depot,
        "2026-03-04",
    )
    check_stock(
        dealer,
        salesperson,
        "2026-03-02",
        [
            {"product": motor.pk, "quantity": "5"},
            {"product": cable.pk, "quantity": "0", "note": "断货，下周补"},
        ],
    )
    check_stock(
        dealer,
        salesperson,
        "2026-03-09",
        [{"product": motor.pk, "quantity": "2", "note": "库存偏低，已催发货"}],
    )
    services.dispute_record(
        actor=salesperson, dealer=dealer, description="窜货", now=at("2026-02-20")
    )
    second = services.dispute_record(
        actor=salesperson,
        dealer=dealer,
        other_dealer=dealer2,
        description="价格冲突",
        now=at("2026-03-03"),
    )
    services.dispute_help(
        dispute=second, actor=salesperson, note="约双方面谈", now=at("2026-03-04")
    )
    services.dispute_escalate(
        dispute=second, actor=salesperson, reason="双方不接受", now=at("2026-03-05")
    )
    services.dispute_settle(
        dispute=second, actor=manager, resolution="划分区域", now=at("2026-03-06")
    )
    return {"dealer": dealer, "dealer2": dealer2, "colleague": colleague_dealer}
