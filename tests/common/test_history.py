"""Every change to business records is kept: who, when, what, and from which request or job."""

import pytest

from common.history import job_context
from staff.models import Office, OfficeEvent

pytestmark = pytest.mark.django_db


def office_events(office):
    # one test runs in one transaction, where NOW() is constant: order by the event id
    return OfficeEvent.objects.filter(pgh_obj=office).order_by("pgh_id")


def test_api_change_records_user_and_url(api, director):
    api.force_authenticate(director)
    response = api.post("/api/v1/offices/", {"name": "新城", "code": "newtown"}, format="json")
    office = Office.objects.get(pk=response.json()["id"])

    (event,) = office_events(office)
    assert event.pgh_label == "insert"
    assert event.code == "newtown"
    assert event.pgh_context.metadata["user"] == director.pk
    assert event.pgh_context.metadata["url"] == "/api/v1/offices/"


def test_set_based_update_is_captured_per_row():
    """A bulk UPDATE (like the expiry job's) is seen by the triggers, row by row."""
    a = Office.objects.create(name="a", code="a")
    b = Office.objects.create(name="b", code="b")
    with job_context("tests.bulk"):
        updated = Office.objects.filter(pk__in=[a.pk, b.pk]).update(protection_days=10)
    assert updated == 2
    for office in (a, b):
        last = office_events(office).last()
        assert last.pgh_label == "update"
        assert last.protection_days == 10
        assert last.pgh_context.metadata["job"] == "tests.bulk"


def test_user_history_never_stores_password(manager, office):
    from staff.models import UserEvent

    manager.set_password("another-long-passphrase")
    manager.display_name = "新名字"
    manager.save()
    event = UserEvent.objects.filter(pgh_obj=manager).order_by("pgh_id").last()
    assert event.display_name == "新名字"
    assert not hasattr(event, "password")
