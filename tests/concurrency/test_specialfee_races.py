"""Two payments of one special fee at the same moment (R-16.4), real threads against
PostgreSQL: the fee's row lock makes them one payment; the other caller is told it is paid."""

import pytest
from django.utils import timezone

from common.errors import DomainError
from contracts.factories import approved_account
from specialfees import services
from specialfees.factories import approved_fee
from specialfees.models import SpecialFee
from staff.choices import Role
from staff.factories import UserFactory

from .harness import run_together

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 3


def pay(fee, person, reference):
    return lambda: services.special_fee_pay(
        fee=fee, actor=person, reference=reference, now=timezone.now()
    )


def test_two_payments_at_once_pay_once(office, salesperson, manager, finance):
    executive = UserFactory(username="f-exec", roles=[Role.EXECUTIVE], offices=[office])
    finance2 = UserFactory(username="finance2", roles=[Role.FINANCE], offices=[office])
    account = approved_account(office, salesperson, name="华东机械有限公司")
    for n in range(ROUNDS):
        fee = approved_fee(account, salesperson, manager, executive, now=timezone.now())

        outcomes = run_together([pay(fee, finance, "A"), pay(fee, finance2, "B")])
        errors = [o.error for o in outcomes if o.error is not None]
        assert len(errors) == 1 and isinstance(errors[0], DomainError), (n, outcomes)
        assert errors[0].code == "already_paid"
        fee = SpecialFee.objects.get(pk=fee.pk)
        winner = next(o.value for o in outcomes if o.error is None)
        assert (fee.status, fee.paid_by_id) == ("paid", winner.paid_by_id)
        assert fee.payment_reference == winner.payment_reference
