"""factory_boy factories for offices and staff, used by the tests of every app."""

import datetime

import factory

from .models import Office, User
from .services import staff_set_roles

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"售楼处 {n}")
    code = factory.Sequence(lambda n: f"office-{n}")
    # records are dated from the opening; tests travel back in time and write last
    # month's reports, so a test office opened long before (a real one: its creation day)
    opened_on = datetime.date(2020, 1, 1)


class UserFactory(factory.django.DjangoModelFactory):
    """`UserFactory(roles=["salesperson"], offices=[office])`."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Faker("name", locale="zh_CN")
    password = factory.django.Password(DEFAULT_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if extracted:
            staff_set_roles(user=self, roles=extracted)

    @factory.post_generation
    def offices(self, create, extracted, **kwargs):
        if extracted:
            self.offices.set(extracted)
