"""Fixtures of the special fee tests (R-16.4): the salesperson's approved account, a peer
salesperson of the same branch, the branch manager, the executive and finance."""

import pytest

from contracts.factories import approved_account
from staff.choices import Role
from staff.factories import UserFactory


@pytest.fixture
def account(office, salesperson):
    return approved_account(office, salesperson, name="华东机械有限公司")


@pytest.fixture
def executive(office):
    return UserFactory(username="executive", roles=[Role.EXECUTIVE], offices=[office])


@pytest.fixture
def other_finance(other_office):
    return UserFactory(username="finance-riverside", roles=[Role.FINANCE], offices=[other_office])
