"""factory_boy factories for projects and units, used by the tests."""

from decimal import Decimal

import factory

from staff.factories import OfficeFactory

from .models import Project, Unit


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        django_get_or_create = ("office", "name")

    office = factory.SubFactory(OfficeFactory)
    name = factory.Sequence(lambda n: f"项目 {n}")


class UnitFactory(factory.django.DjangoModelFactory):
    """`UnitFactory(office=office)`: an available unit of a project of that office."""

    class Meta:
        model = Unit

    office = factory.SubFactory(OfficeFactory)
    project = factory.LazyAttribute(lambda o: ProjectFactory(office=o.office, name="一期"))
    building = "1"
    number = factory.Sequence(lambda n: f"{n + 101}")
    floor = 10
    layout = "3室2厅"
    area = Decimal("98.50")
    orientation = "南"
    list_price = Decimal("1234567.00")
