"""Accounts of the sunny branch: the salesperson's (sales1) approved account, and the people
of the branch and of another branch that the rules tell apart."""

import datetime

import pytest

from accounts.factories import AccountFactory
from staff.choices import Role
from staff.factories import UserFactory

NOW = datetime.datetime(2026, 12, 4, 2, 0, tzinfo=datetime.UTC)  # Friday 10:00 in Shanghai
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def account(office, salesperson):
    """sales1's approved account of the sunny branch."""
    return AccountFactory(office=office, author=salesperson, status="approved", name="华东机械")


@pytest.fixture
def third_salesperson(office):
    return UserFactory(username="sales3", roles=[Role.SALESPERSON], offices=[office])


@pytest.fixture
def river_salesperson(other_office):
    """A salesperson of another branch."""
    return UserFactory(username="sales-river", roles=[Role.SALESPERSON], offices=[other_office])


@pytest.fixture
def second_manager(office):
    """Another manager of the sunny branch (decides what the first one may not)."""
    return UserFactory(username="manager2", roles=[Role.MANAGER], offices=[office])
