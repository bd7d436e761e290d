"""Fixtures of the contract tests: a branch's sales department with its products and an
approved account of the salesperson."""

import pytest

from contracts.factories import approved_account, make_product
from staff.choices import Role
from staff.factories import UserFactory


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
def other_clerk(other_office):
    return UserFactory(username="clerk-riverside", roles=[Role.CLERK], offices=[other_office])


@pytest.fixture
def approvers(manager, director, executive):
    return [manager, director, executive]
