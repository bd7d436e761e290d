"""The requester's own notifications: newest first, unread filter, marking read."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from notifications.models import Notification
from notifications.services import notify

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
URL = "/api/v1/notifications/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def inbox(salesperson, other_salesperson):
    older = notify(
        recipient=salesperson,
        kind="call_put_through",
        params={"customer": "周女士"},
        url="/w/my/",
        now=NOW - timedelta(hours=1),
    )
    newer = notify(
        recipient=salesperson,
        kind="visit_assigned",
        params={"customer": "王先生", "party_size": 3, "rule": "rotation"},
        url="/w/my/",
        now=NOW,
    )
    theirs = notify(recipient=other_salesperson, kind="research_approved", params={}, now=NOW)
    return older, newer, theirs


def test_own_notifications_newest_first_with_text(api, salesperson, inbox):
    older, newer, _theirs = inbox
    api.force_authenticate(salesperson)
    body = api.get(URL, HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["count"] == 2
    assert [n["id"] for n in body["results"]] == [newer.pk, older.pk]
    first = body["results"][0]
    assert first == {
        "id": newer.pk,
        "kind": "visit_assigned",
        "text": first["text"],
        # no customer of that name is the reader's: masked like a phone (issue 13)
        "params": {"customer": "王*", "party_size": 3, "rule": "rotation"},
        "url": "/w/my/",
        "created_at": "2026-11-28T10:00:00+08:00",
        "read_at": None,
    }
    assert "王*" in first["text"] and "3" in first["text"]
    assert "周*" in body["results"][1]["text"]


def test_unread_filter(api, salesperson, inbox):
    older, newer, _theirs = inbox
    Notification.objects.filter(pk=older.pk).update(read_at=NOW)
    api.force_authenticate(salesperson)
    assert [n["id"] for n in api.get(URL, {"unread": 1}).json()["results"]] == [newer.pk]
    assert api.get(URL, {"unread": 0}).json()["count"] == 2


def test_mark_some_read(api, salesperson, inbox):
    older, newer, theirs = inbox
    api.force_authenticate(salesperson)
    response = api.post(f"{URL}read/", {"ids": [older.pk, theirs.pk]}, format="json")
    assert response.status_code == 200
    assert response.json() == {"marked": 1}  # another's notification is not touched
    older.refresh_from_db(), newer.refresh_from_db(), theirs.refresh_from_db()
    assert older.read_at == NOW
    assert newer.read_at is None and theirs.read_at is None


def test_mark_all_read(api, salesperson, inbox):
    _older, _newer, theirs = inbox
    api.force_authenticate(salesperson)
    assert api.post(f"{URL}read/", {}, format="json").json() == {"marked": 2}
    assert Notification.objects.filter(recipient=salesperson, read_at__isnull=True).count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize("payload", [{"ids": "all"}, {"ids": ["x"]}, {"ids": [0]}])
def test_bad_ids_are_400(api, salesperson, inbox, payload):
    api.force_authenticate(salesperson)
    response = api.post(f"{URL}read/", payload, format="json")
    assert response.status_code == 400
    assert "ids" in response.json()
    assert Notification.objects.filter(read_at__isnull=False).count() == 0


def test_bad_unread_flag_is_400(api, salesperson):
    api.force_authenticate(salesperson)
    assert api.get(URL, {"unread": "maybe"}).status_code == 400


def test_anonymous_is_401(api, db):
    assert api.get(URL).status_code == 401
    assert api.post(f"{URL}read/", {}, format="json").status_code == 401
