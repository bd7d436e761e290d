"""Fixtures of the target tests (R-17.1): two branches in region 华东 (阳光花园, 江畔 moved
there) and a third without a region, the company's leadership, the people of each branch."""

import pytest

from staff.choices import Role
from staff.factories import OfficeFactory, UserFactory
from targets.factories import set_target


@pytest.fixture
def regional(office, other_office):
    office.region = other_office.region = "华东"
    office.save(update_fields=["region"])
    other_office.save(update_fields=["region"])
    return office


@pytest.fixture
def loose_office(db):
    return OfficeFactory(name="北城售楼处", code="north")


@pytest.fixture
def executive(office):
    return UserFactory(username="executive", roles=[Role.EXECUTIVE], offices=[office])


@pytest.fixture
def other_branch_salesperson(other_office):
    return UserFactory(username="sales-river", roles=[Role.SALESPERSON], offices=[other_office])


@pytest.fixture
def planned(regional, office, director):
    """Department 1,000,000; 华东 600,000; 阳光花园 year 300,000; its March 30,000."""
    set_target(director, "1000000.00")
    set_target(director, "600000.00", region="华东")
    set_target(director, "300000.00", office=office)
    set_target(director, "30000.00", office=office, month=3)
    return office
