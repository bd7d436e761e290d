"""Fixtures of the receivables tests: a signed contract of the salesperson's approved account
(10 motors at 100.00 and 100 metres of cable at 12.50: 2,250.00), shipped in full from the
branch's warehouse, and the people of each step."""

import pytest

from contracts.factories import NOW, approved_account, line, make_product, signed
from shipping.factories import ship_everything
from staff.choices import Role
from staff.factories import UserFactory
from stock.services import warehouse_create


@pytest.fixture
def product(manager):
    return make_product(manager)


@pytest.fixture
def cable(manager):
    return make_product(manager, "DL-200", price="12.50", name="电缆", unit="米")


@pytest.fixture
def account(office, salesperson):
    return approved_account(office, salesperson, name="华东机械有限公司")


@pytest.fixture
def executive(office):
    return UserFactory(username="executive", roles=[Role.EXECUTIVE], offices=[office])


@pytest.fixture
def technician(office):
    return UserFactory(username="technician", roles=[Role.TECHNICIAN], offices=[office])


@pytest.fixture
def approvers(manager, director, executive, technician):
    return [manager, director, executive, technician]


@pytest.fixture
def depot(office, warehouse):
    return warehouse_create(office=office, code="W1", name="一号仓库", keeper=warehouse)


@pytest.fixture
def contract(account, salesperson, product, cable, approvers):
    """A signed contract, nothing shipped yet: 2,250.00 in all."""
    return signed(
        account,
        salesperson,
        [line(product, "10"), line(cable, "100", "12.50")],
        approvers,
    )


@pytest.fixture
def shipped(contract, depot, approvers, clerk, finance):
    """The contract shipped in full (2,250.00 may be invoiced)."""
    ship_everything(contract, now=NOW, people=approvers, warehouse=depot)
    contract.refresh_from_db()
    return contract
