"""Fixtures of the shipping tests: a signed contract of the salesperson's approved account,
a warehouse of the branch holding stock, and the people of each step."""

from decimal import Decimal

import pytest

from contracts.factories import NOW, approved_account, line, make_product, signed
from staff.choices import Role
from staff.factories import UserFactory
from stock.services import stock_receive, warehouse_create


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


def receive(depot, product, quantity, actor, now=NOW):
    return stock_receive(
        warehouse=depot,
        product=product,
        quantity=Decimal(quantity),
        supplier="供应商",
        actor=actor,
        now=now,
    )


@pytest.fixture
def contract(account, salesperson, product, cable, approvers):
    """A signed contract: 10 motors and 100 metres of cable."""
    return signed(
        account,
        salesperson,
        [line(product, "10"), line(cable, "100", "12.50")],
        approvers,
    )
