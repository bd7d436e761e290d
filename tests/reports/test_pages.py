"""The work diary pages (R-7.1) through Django's test client: the salesperson's diary,
the manager's list of diaries with replies, and who may open what."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from reports.models import WorkDiary
from reports.services import diary_submit

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 27, 15, 0, tzinfo=SH)  # before the 17:00 deadline
DIARY, DIARIES = "/reports/diary/", "/reports/diaries/"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_salesperson_submits_on_time(client, salesperson):
    client.force_login(salesperson)
    response = client.get(DIARY)
    assert response.status_code == 200
    assert 'id="diary-form"' in response.content.decode()
    response = client.post(
        f"{DIARY}?date=2026-11-27",
        {"date": "2026-11-27", "feedback": "客户嫌贵", "problems": "停车位不够"},
    )
    assert response.status_code == 302
    record = WorkDiary.objects.get(salesperson=salesperson)
    assert (record.date, record.feedback, record.problems) == (
        NOW.date(),
        "客户嫌贵",
        "停车位不够",
    )
    response = client.get(f"{DIARY}?date=2026-11-27")
    assert response.context["diary"].late is False
    assert "客户嫌贵" in response.content.decode()


def test_a_future_day_cannot_be_submitted(client, salesperson):
    client.force_login(salesperson)
    response = client.post(DIARY, {"date": "2026-11-28", "feedback": "x", "problems": ""})
    assert response.status_code == 422
    assert not WorkDiary.objects.exists()


def test_a_salesperson_cannot_open_the_manager_page(client, salesperson, office):
    client.force_login(salesperson)
    assert client.get(DIARIES).status_code == 403
    record = diary_submit(
        salesperson=salesperson,
        office=office,
        date=NOW.date(),
        feedback="a",
        problems="",
        now=NOW,
    )
    response = client.post(f"{DIARIES}{record.pk}/reply/", {f"d{record.pk}-manager_reply": "好"})
    assert response.status_code == 403


def test_another_office_is_404(client, manager, salesperson, other_office, other_manager):
    client.force_login(manager)
    assert client.get(f"{DIARIES}?office={other_office.pk}").status_code == 404
    client.force_login(salesperson)
    assert client.get(f"{DIARY}?office={other_office.pk}").status_code == 404


def test_manager_replies_and_the_salesperson_sees_it(client, office, manager, salesperson):
    record = diary_submit(
        salesperson=salesperson,
        office=office,
        date=NOW.date(),
        feedback="客户嫌贵",
        problems="",
        now=NOW,
    )
    client.force_login(manager)
    response = client.get(f"{DIARIES}?date=2026-11-27")
    assert response.status_code == 200
    assert "客户嫌贵" in response.content.decode()
    url = f"{DIARIES}{record.pk}/reply/"
    assert client.post(url, {f"d{record.pk}-manager_reply": "  "}).status_code == 422
    response = client.post(url, {f"d{record.pk}-manager_reply": "明天我来处理价格"})
    assert response.status_code == 302
    client.force_login(salesperson)
    response = client.get(f"{DIARY}?date=2026-11-27")
    assert "明天我来处理价格" in response.content.decode()


def test_navigation_has_the_diary_pages(client, salesperson, manager):
    client.force_login(salesperson)
    urls = [i["url"] for i in client.get(DIARY).context["nav_items"]]
    assert DIARY in urls and DIARIES not in urls
    client.force_login(manager)
    urls = [i["url"] for i in client.get(DIARIES).context["nav_items"]]
    assert DIARIES in urls
