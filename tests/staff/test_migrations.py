"""The data migrations of issue 13: an existing office gets a real opening date (the earliest
date of any of its records, else today), and existing API tokens start their idle time at the
migration rather than expiring at once."""

import datetime
import importlib
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.utils import timezone
from rest_framework.authtoken.models import Token

from leads.factories import CustomerFactory, channels_restored
from reports.models import Fine, WorkDiary
from staff.factories import OfficeFactory
from staff.models import TokenUse

pytestmark = pytest.mark.django_db

OPENED = importlib.import_module("staff.migrations.0004_office_opened_on")
TOKENS = importlib.import_module("staff.migrations.0005_tokenuse")
SH = ZoneInfo("Asia/Shanghai")


def test_an_office_opened_on_its_earliest_record(office, other_office, salesperson):
    channels_restored()
    CustomerFactory(office=office, registered_at=datetime.datetime(2025, 3, 1, 0, 30, tzinfo=SH))
    for day in (datetime.date(2025, 6, 2), datetime.date(1, 1, 1)):  # 0001-01-01: a typo
        WorkDiary.objects.create(office=office, salesperson=salesperson, date=day)
    Fine.objects.create(
        office=office,
        salesperson=salesperson,
        date=datetime.date(2025, 4, 1),
        kind="missing",
        offence_number=1,
        amount="10.00",
    )
    empty = OfficeFactory(code="empty")

    OPENED.opened_on_from_records(apps, None)

    office.refresh_from_db()
    empty.refresh_from_db()
    assert office.opened_on == datetime.date(2025, 3, 1)  # the customer, in local time
    assert empty.opened_on == timezone.localdate()  # no records: today


def test_existing_tokens_are_used_at_the_migration(secretary, salesperson):
    old = Token.objects.create(user=secretary)
    Token.objects.filter(pk=old.pk).update(created=timezone.now() - datetime.timedelta(days=90))
    fresh = Token.objects.create(user=salesperson)
    TokenUse.objects.create(token=fresh, last_used_at=timezone.now())

    TOKENS.existing_tokens_used_now(apps, None)

    assert TokenUse.objects.count() == 2
    use = TokenUse.objects.get(token=old)
    assert timezone.now() - use.last_used_at < datetime.timedelta(minutes=1)
