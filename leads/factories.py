import datetime
import importlib

import factory
from django.utils import timezone

from staff.factories import OfficeFactory, UserFactory

from .models import Customer, Household, SourceChannel


def channels_restored() -> None:
    """The source channels of the data migration, put back: a transactional test flushes
    every table, the migration's rows included, for the tests that run after it."""
    channels = importlib.import_module("leads.migrations.0002_source_channels").CHANNELS
    for position, (code, name, name_en) in enumerate(channels):
        SourceChannel.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "position": position}
        )


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
