"""Fixtures of the enquiry and quote tests: a branch's people in every role of the second part,
an approved account, products with prices in force (list 100, floor 80), a frozen clock."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.factories import AccountFactory
from quotes import services
from quotes.factories import product_with_price
from quotes.services.lines import LineInput
from staff.choices import Role
from staff.factories import UserFactory

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 6, 10, 10, 0, tzinfo=SH)
TODAY = NOW.date()
D = Decimal


@pytest.fixture
def clock():
    """Freeze the wall clock at NOW for what the views read from timezone.now()."""
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def executive(db):
    return UserFactory(username="executive", roles=[Role.EXECUTIVE], offices=[])


@pytest.fixture
def technician(office):
    return UserFactory(username="technician", roles=[Role.TECHNICIAN], offices=[office])


@pytest.fixture
def purchasing(office):
    return UserFactory(username="purchasing", roles=[Role.PURCHASING], offices=[office])


@pytest.fixture
def director(office):
    return UserFactory(username="director", roles=[Role.DIRECTOR], offices=[office])


@pytest.fixture
def account(office, salesperson):
    return AccountFactory(office=office, author=salesperson, status="approved", name="华东机械")


@pytest.fixture
def pending_account(office, salesperson):
    return AccountFactory(office=office, author=salesperson, status="pending", name="待批客户")


@pytest.fixture
def peer_account(office, other_salesperson):
    return AccountFactory(
        office=office, author=other_salesperson, status="approved", name="同事的客户"
    )


@pytest.fixture
def product(manager):
    return product_with_price(actor=manager, code="DJ-100")


@pytest.fixture
def product2(manager):
    return product_with_price(
        actor=manager,
        code="BP-200",
        name="变频器",
        list_price="2500.00",
        floor_price="2000.00",
        cost="1500.00",
    )


@pytest.fixture
def inactive_product(manager):
    return product_with_price(actor=manager, code="OLD-1", name="停产型号", active=False)


def line(product, quantity="10", unit_price="100.00", **extra):
    return LineInput(product=product, quantity=D(quantity), unit_price=D(unit_price), **extra)


@pytest.fixture
def make_quote(account, salesperson):
    def make(*lines, actor=None, valid_until=None, now=NOW, **extra):
        return services.quote_create(
            actor=actor or salesperson,
            account=extra.pop("account", account),
            lines=list(lines),
            valid_until=valid_until or TODAY + datetime.timedelta(days=30),
            now=now,
            **extra,
        )

    return make
