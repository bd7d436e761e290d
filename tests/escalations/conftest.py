import datetime
from zoneinfo import ZoneInfo

import pytest

from staff.choices import Role
from staff.factories import UserFactory

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 2, 18, 30, tzinfo=SH)
DAY = NOW.date()


@pytest.fixture
def executive(db):
    """Company leadership without a branch of their own."""
    return UserFactory(username="executive", roles=[Role.EXECUTIVE], offices=[])


@pytest.fixture
def leadership(director, executive):
    UserFactory(username="director-gone", roles=[Role.DIRECTOR], is_active=False)
    return [director, executive]
