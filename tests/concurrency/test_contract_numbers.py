"""Contract numbers under concurrency (R-12.2), real threads against PostgreSQL.

Twenty managers' decisions — each the last step of its own contract — are released at once:
each approving transaction takes the next number of the office's counter under its row lock
(common.numbering), so the twenty contracts get twenty distinct, consecutive numbers, never
one number twice and never a gap. Half of them again with some approving transactions failing
after the number was taken: the failed ones give their number back and the register shows no
gap.
"""

import datetime

import pytest
from django.db import transaction

from approvals.services import approval_decide
from common.models import DocumentCounter
from contracts import register as registers
from contracts import services
from contracts.factories import approved_account, draft, line, make_product
from contracts.models import SalesContract
from staff.choices import Role
from staff.factories import UserFactory

from .harness import run_together

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 20
NOW = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)


@pytest.fixture
def waiting(office):
    """Twenty contracts, each waiting for the branch manager's decision (its only step)."""
    seller = UserFactory(username="n-sp", roles=[Role.SALESPERSON], offices=[office])
    manager = UserFactory(username="n-ma", roles=[Role.MANAGER], offices=[office])
    product = make_product(manager, "N-1")
    account = approved_account(office, seller, credit_limit="100000000.00")
    contracts = []
    for _ in range(THREADS):
        contract = draft(account, seller, [line(product, "1", "1000.00")], now=NOW)
        services.contract_submit(contract=contract, actor=seller, now=NOW)
        contracts.append(contract)
    return manager, contracts


def _approve(manager, contract, *, fail: bool = False):
    def call():
        with transaction.atomic():
            step = contract.approvals().get(state="pending")
            done = approval_decide(
                approval=step, actor=manager, decision="approve", comment="", now=NOW
            )
            if fail:
                raise RuntimeError("the approving transaction fails after the number")
            return done.number

    return call


def test_twenty_approvals_at_once_get_twenty_consecutive_numbers(office, waiting):
    manager, contracts = waiting
    outcomes = run_together([_approve(manager, c) for c in contracts])
    assert [o.error for o in outcomes] == [None] * THREADS
    numbers = sorted(o.value for o in outcomes)
    assert numbers == [f"HT-2026-{n:04d}" for n in range(1, THREADS + 1)]
    stored = SalesContract.objects.filter(office=office).order_by("sequence")
    assert [c.sequence for c in stored] == list(range(1, THREADS + 1))
    assert {c.status for c in stored} == {"signed"}
    assert DocumentCounter.objects.get(office=office, prefix="HT").last == THREADS
    register = registers.register_of(office, 2026, 3, now=NOW)
    assert (register.numbers, register.gaps) == (THREADS, 0)


def test_failed_approvals_give_their_numbers_back(office, waiting):
    """Every other approving transaction fails after taking its number: the ten that commit
    hold 1..10; the ten that failed are pending again and, approved later, get 11..20."""
    manager, contracts = waiting
    outcomes = run_together(
        [_approve(manager, c, fail=i % 2 == 1) for i, c in enumerate(contracts)]
    )
    committed = sorted(o.value for o in outcomes if o.error is None)
    assert committed == [f"HT-2026-{n:04d}" for n in range(1, THREADS // 2 + 1)]
    assert all(isinstance(o.error, RuntimeError) for o in outcomes[1::2])
    assert DocumentCounter.objects.get(office=office, prefix="HT").last == THREADS // 2
    failed = [c for i, c in enumerate(contracts) if i % 2 == 1]
    assert {c.status for c in SalesContract.objects.filter(pk__in=[c.pk for c in failed])} == {
        "pending"
    }
    outcomes = run_together([_approve(manager, c) for c in failed])
    assert sorted(o.value for o in outcomes) == [
        f"HT-2026-{n:04d}" for n in range(THREADS // 2 + 1, THREADS + 1)
    ]
    register = registers.register_of(office, 2026, 3, now=NOW)
    assert (register.numbers, register.gaps) == (THREADS, 0)
