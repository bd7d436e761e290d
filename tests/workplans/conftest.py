"""Fixtures of the work plan tests (R-17.3): the salesperson's accounts, the executive."""

import pytest

from staff.choices import Role
from staff.factories import UserFactory
from tests.visits.plan_fixtures import account_of


@pytest.fixture
def account(office, salesperson):
    return account_of(office, salesperson, name="宏达建材")


@pytest.fixture
def executive(office):
    return UserFactory(username="executive", roles=[Role.EXECUTIVE], offices=[office])


@pytest.fixture
def other_branch_salesperson(other_office):
    return UserFactory(username="sales-riverside", roles=[Role.SALESPERSON], offices=[other_office])
