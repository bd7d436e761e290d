"""The header's notification badge (polled by htmx), the list, opening and marking read."""

import datetime

import pytest
from django.utils import timezone

from leads.factories import channel
from notifications.models import Notification
from notifications.services import notify
from reception import services
from reception.factories import roster_for

pytestmark = pytest.mark.django_db

BADGE = "/notifications/badge/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def seen_state(response) -> str:
    html = response.content.decode()
    marker = 'id="notif-seen" name="seen" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_anonymous_is_sent_to_login(client, db):
    assert client.get(BADGE).status_code == 302
    assert client.get("/notifications/").status_code == 302


def test_every_page_polls_the_badge(client, salesperson):
    client.force_login(salesperson)
    page = client.get("/w/my/").content.decode()
    assert 'hx-get="/notifications/badge/"' in page
    assert 'hx-trigger="load, every 5s"' in page


def test_badge_shows_the_assigned_salespersons_new_visit(
    client, office, secretary, salesperson, other_salesperson, manager
):
    now = timezone.now()
    today = timezone.localtime(now, office.tzinfo).date()
    roster_for(office, today, [salesperson, other_salesperson], manager=manager)
    client.force_login(salesperson)
    before = client.get(BADGE, **HTMX)
    assert before.status_code == 200
    assert 'data-unread="0"' in before.content.decode()
    state = seen_state(before)
    # nothing new: no content, so htmx leaves the open dropdown alone
    assert client.get(BADGE, {"seen": state}, **HTMX).status_code == 204

    services.visit_register(
        office=office,
        actor=secretary,
        phone="13800138000",
        name="钱先生",
        source_channel=channel(),
        now=now,
    )
    after = client.get(BADGE, {"seen": state}, **HTMX)
    assert after.status_code == 200
    html = after.content.decode()
    assert 'data-unread="1"' in html
    assert "钱先生" in html
    assert after["HX-Trigger"] == "notifications-changed"  # the page's lists refresh
    assert "<html" not in html

    client.force_login(other_salesperson)
    assert "钱先生" not in client.get(BADGE, **HTMX).content.decode()


def test_list_open_and_mark_read(client, salesperson, other_salesperson):
    now = timezone.now()
    mine = notify(recipient=salesperson, kind="research_approved", params={}, url="/w/my/", now=now)
    notify(
        recipient=salesperson,
        kind="call_put_through",
        params={"customer": "孙女士"},
        url="https://evil.example/",
        now=now + datetime.timedelta(seconds=1),
    )
    theirs = notify(recipient=other_salesperson, kind="research_approved", params={}, now=now)
    client.force_login(salesperson)

    listing = client.get("/notifications/")
    assert listing.status_code == 200
    assert "孙*" in listing.content.decode()  # not a customer of theirs: masked (issue 13)
    fragment = client.get("/notifications/", **HTMX).content.decode()
    assert "孙*" in fragment and "<html" not in fragment

    response = client.get(f"/notifications/{mine.pk}/open/")
    assert response.status_code == 302 and response.url == "/w/my/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.get(f"/notifications/{theirs.pk}/open/").status_code == 404
    evil = Notification.objects.get(recipient=salesperson, kind="call_put_through")
    assert client.get(f"/notifications/{evil.pk}/open/").url == "/notifications/"

    assert client.get("/notifications/read/").status_code == 405
    response = client.post("/notifications/read/", **HTMX)
    assert response.status_code == 200
    assert 'data-unread="0"' in response.content.decode()
    assert not Notification.objects.filter(recipient=salesperson, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
