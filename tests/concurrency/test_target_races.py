"""Races of targets (R-17.1), real threads against PostgreSQL: two managers' (or two tabs')
salesperson splits of one branch month written at once, each within what is left of the
month but not both together. Every write of a year's targets takes that year's advisory lock,
so the second reads the first's row and is refused `over_parent`: the children never exceed
their parent. Several rounds; every outcome is asserted."""

import datetime
from decimal import Decimal

import pytest

from common.errors import DomainError
from staff.choices import Role
from staff.factories import UserFactory
from targets.models import SalesTarget
from targets.services import target_set

from .harness import run_together

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 3
NOW = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)


def test_two_splits_together_over_the_month_one_is_refused(office, manager, director):
    a = UserFactory(username="race-a", roles=[Role.SALESPERSON], offices=[office])
    b = UserFactory(username="race-b", roles=[Role.SALESPERSON], offices=[office])
    target_set(year=2026, amount=Decimal("1000000.00"), actor=director, now=NOW)
    target_set(year=2026, office=office, amount=Decimal("120000.00"), actor=director, now=NOW)
    for month in range(1, ROUNDS + 1):
        target_set(year=2026, office=office, month=month, amount=Decimal("10000.00"),
                   actor=director, now=NOW)  # fmt: skip
        outcomes = run_together([
            lambda p=person, m=month: target_set(
                year=2026, office=office, salesperson=p, month=m, amount=Decimal("6000.00"),
                actor=manager, now=NOW,
            )
            for person in (a, b)
        ])  # fmt: skip
        errors = [o.error for o in outcomes if o.error is not None]
        assert len(errors) == 1, errors
        assert isinstance(errors[0], DomainError) and errors[0].code == "over_parent"
        split = SalesTarget.objects.filter(office=office, month=month, salesperson__isnull=False)
        assert [t.amount for t in split] == [Decimal("6000.00")]


def test_lowering_the_parent_while_a_child_is_written(office, manager, director, salesperson):
    target_set(year=2026, amount=Decimal("1000000.00"), actor=director, now=NOW)
    target_set(year=2026, office=office, amount=Decimal("120000.00"), actor=director, now=NOW)
    for month in range(1, ROUNDS + 1):
        target_set(year=2026, office=office, month=month, amount=Decimal("10000.00"),
                   actor=director, now=NOW)  # fmt: skip
        outcomes = run_together([
            lambda m=month: target_set(year=2026, office=office, month=m,
                                       amount=Decimal("5000.00"), actor=director, now=NOW),
            lambda m=month: target_set(year=2026, office=office, salesperson=salesperson,
                                       month=m, amount=Decimal("8000.00"), actor=manager, now=NOW),
        ])  # fmt: skip
        assert len([o for o in outcomes if o.error is not None]) == 1
        parent = SalesTarget.objects.get(office=office, month=month, salesperson=None).amount
        children = sum(
            t.amount
            for t in SalesTarget.objects.filter(
                office=office, month=month, salesperson__isnull=False
            )
        )
        assert children <= parent
