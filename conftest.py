"""Fixtures for every role, in two offices, used by the whole suite."""

import pytest

from staff.choices import Role
from staff.factories import DEFAULT_PASSWORD, OfficeFactory, UserFactory


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """The zh-Hans catalog is compiled from the committed .po (no .mo in the repo)."""
    from django.core.management import call_command

    call_command("compiletranslations", verbosity=0)


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the interface's default language: a request asking for English
    (Accept-Language, the cookie) leaves it active in the thread, and a later test of the
    same worker reading translated names would depend on the order the tests ran in."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def password():
    return DEFAULT_PASSWORD


@pytest.fixture
def office(db):
    return OfficeFactory(name="阳光花园售楼处", code="sunny")


@pytest.fixture
def other_office(db):
    return OfficeFactory(name="江畔售楼处", code="riverside")


def _member(role, office, username):
    return UserFactory(username=username, roles=[role], offices=[office])


@pytest.fixture
def secretary(office):
    return _member(Role.SECRETARY, office, "secretary")


@pytest.fixture
def salesperson(office):
    return _member(Role.SALESPERSON, office, "sales1")


@pytest.fixture
def other_salesperson(office):
    return _member(Role.SALESPERSON, office, "sales2")


@pytest.fixture
def manager(office):
    return _member(Role.MANAGER, office, "manager")


@pytest.fixture
def director(office):
    return _member(Role.DIRECTOR, office, "director")


@pytest.fixture
def assistant(office):
    return _member(Role.ASSISTANT, office, "assistant")


@pytest.fixture
def finance(office):
    return _member(Role.FINANCE, office, "finance")


@pytest.fixture
def clerk(office):
    return _member(Role.CLERK, office, "clerk")


@pytest.fixture
def warehouse(office):
    return _member(Role.WAREHOUSE, office, "warehouse")


@pytest.fixture
def other_manager(other_office):
    return _member(Role.MANAGER, other_office, "manager-riverside")


@pytest.fixture
def api(db):
    """A DRF client; `api.force_authenticate(user)` or use token headers."""
    from rest_framework.test import APIClient

    return APIClient()
