"""Fixtures of the after-sales tests: the salesperson's approved account in the first branch,
a signed contract of it, the people of each step, and the same roles in another branch."""

import pytest

from contracts.factories import approved_account, line, make_product, signed
from staff.choices import Role
from staff.factories import UserFactory


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def executive(office):
    return UserFactory(username="executive", roles=[Role.EXECUTIVE], offices=[office])


@pytest.fixture
def technician(office):
    return UserFactory(username="technician", roles=[Role.TECHNICIAN], offices=[office])


@pytest.fixture
def technician2(office):
    return UserFactory(username="technician2", roles=[Role.TECHNICIAN], offices=[office])


@pytest.fixture
def other_technician(other_office):
    return UserFactory(username="tech-riverside", roles=[Role.TECHNICIAN], offices=[other_office])


@pytest.fixture
def other_clerk(other_office):
    return UserFactory(username="clerk-riverside", roles=[Role.CLERK], offices=[other_office])


@pytest.fixture
def other_seller(other_office):
    return UserFactory(username="sales-riverside", roles=[Role.SALESPERSON], offices=[other_office])


@pytest.fixture
def purchasing(office):
    return UserFactory(username="purchasing", roles=[Role.PURCHASING], offices=[office])


@pytest.fixture
def product(manager):
    return make_product(manager)


@pytest.fixture
def account(office, salesperson):
    return approved_account(office, salesperson, name="华东机械有限公司")


@pytest.fixture
def peer_account(office, other_salesperson):
    return approved_account(office, other_salesperson, name="江南电气有限公司")


@pytest.fixture
def other_account(other_office, other_seller):
    return approved_account(other_office, other_seller, name="西湖设备有限公司")


@pytest.fixture
def contract(account, salesperson, product, manager, director, executive, technician):
    return signed(account, salesperson, [line(product, "10")], [manager, director, executive])


@pytest.fixture
def people(salesperson, manager, clerk, technician, director, executive):
    return {
        "salesperson": salesperson,
        "manager": manager,
        "clerk": clerk,
        "technician": technician,
        "director": director,
        "executive": executive,
    }
