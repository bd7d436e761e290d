"""factory_boy factories for accounts, used by the tests."""

import datetime

import factory

from staff.factories import OfficeFactory, UserFactory

from .models import Account
from .rules import USCC_ALPHABET, org_check_char, uscc_check_char


def credit_code(n: int) -> str:
    """A valid unified social credit code numbered n (R-9.1)."""
    org = f"{n:08d}"
    org += org_check_char(org)
    if org[-1] not in USCC_ALPHABET:  # "X" is not in the code's alphabet: take the next
        return credit_code(n + 100000)
    body = "91110000" + org
    return body + uscc_check_char(body)


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    office = factory.SubFactory(OfficeFactory)
    name = factory.Sequence(lambda n: f"客户公司 {n}")
    credit_code = factory.Sequence(lambda n: credit_code(n + 1))
    author = factory.SubFactory(UserFactory)
    owner = factory.SelfAttribute("author")
    created_at = factory.LazyFunction(lambda: datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC))
