import datetime

import factory
from django.utils import timezone

from staff.factories import OfficeFactory, UserFactory

from .models import Customer, Household, SourceChannel


def channel(code: str = "passing") -> SourceChannel:
    return SourceChannel.objects.get(code=code)


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    office = factory.SubFactory(OfficeFactory)
    created_at = factory.LazyFunction(timezone.now)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    office = factory.SubFactory(OfficeFactory)
    household = factory.LazyAttribute(
        lambda o: Household.objects.create(office=o.office, created_at=o.registered_at)
    )
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    name = factory.Faker("name", locale="zh_CN")
    source_channel = factory.LazyFunction(channel)
    registered_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    registered_by = factory.SubFactory(UserFactory)
