"""The fines page (R-7.2): a salesperson's own fines and what they owe, the manager's
office-wide list with totals per salesperson and a waive form, and who may see what."""

import datetime
import io
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from reports import services
from reports.models import Fine
from staff.choices import Role
from staff.factories import UserFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 20, 10, 0, tzinfo=SH)
FINES = "/reports/fines/"


def d(month, day):
    return datetime.date(2026, month, day)


def assess(office, *days):
    for day in days:
        services.fines_assess(office=office, day=day, now=NOW)


def fine_ids(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'id="fine-(\d+)"', response.content.decode())]


def owed_on_page(response) -> Decimal:
    return Decimal(re.search(r'class="money" data-owed="([\d.]+)"', response.content.decode())[1])


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def fined(office, salesperson, other_salesperson, manager):
    """Both salespeople miss 2, 3 and 4 March (10, 20, 30 each) and 27 February; the
    salesperson's second March fine is waived."""
    assess(office, d(2, 27), d(3, 2), d(3, 3), d(3, 4))
    second = Fine.objects.get(salesperson=salesperson, date=d(3, 3))
    services.fine_waive(fine=second, manager=manager, reason="系统故障", now=NOW)
    return Fine.objects.filter(date__month=3)


def test_salesperson_sees_own_fines_of_the_month_and_what_they_owe(
    client, salesperson, other_salesperson, fined
):
    client.cookies["django_language"] = "en"
    client.force_login(salesperson)
    response = client.get(f"{FINES}?month=2026-03")
    assert response.status_code == 200
    own = fined.filter(salesperson=salesperson).order_by("date")
    assert fine_ids(response) == [f.pk for f in own]  # not the other salesperson's, not February's
    assert owed_on_page(response) == Decimal("40.00")  # 10 + 30, the waived 20 excluded
    page = response.content.decode()
    assert "What you owe this month" in page
    assert 'class="waive-form"' not in page  # no waiving for a salesperson
    assert page.count('data-status="waived"') == 1 and "系统故障" in page
    response = client.get(f"{FINES}?month=2026-02")
    assert owed_on_page(response) == Decimal("10.00")


def test_manager_sees_the_office_with_totals_per_salesperson(
    client, manager, salesperson, other_salesperson, fined
):
    client.force_login(manager)
    response = client.get(f"{FINES}?month=2026-03")
    assert response.status_code == 200
    assert sorted(fine_ids(response)) == sorted(f.pk for f in fined)
    totals = {t["salesperson_id"]: t for t in response.context["totals"]}
    assert (totals[salesperson.pk]["owed"], totals[salesperson.pk]["waived"]) == (
        Decimal("40.00"),
        Decimal("20.00"),
    )
    assert totals[other_salesperson.pk]["owed"] == Decimal("60.00")
    assert owed_on_page(response) == Decimal("100.00")
    assert response.content.decode().count('class="waive-form"') == 5  # unwaived only


def test_manager_waives_with_a_reason_only(client, manager, other_salesperson, fined):
    fine = fined.get(salesperson=other_salesperson, date=d(3, 4))
    client.force_login(manager)
    url = f"{FINES}{fine.pk}/waive/"
    response = client.post(url, {f"f{fine.pk}-reason": "   "})
    assert response.status_code == 422
    assert 'class="field-error"' in response.content.decode()
    fine.refresh_from_db()
    assert not fine.waived
    response = client.post(url, {f"f{fine.pk}-reason": "请假漏登"})
    assert response.status_code == 302
    assert response["Location"] == f"{FINES}?office={fine.office_id}&month=2026-03"
    fine.refresh_from_db()
    assert (fine.waived_by, fine.waive_reason) == (manager, "请假漏登")
    response = client.get(f"{FINES}?month=2026-03")
    totals = {t["salesperson_id"]: t for t in response.context["totals"]}
    assert totals[other_salesperson.pk]["owed"] == Decimal("30.00")
    # waiving twice: refused, said so, nothing changes
    response = client.post(url, {f"f{fine.pk}-reason": "again"}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    fine.refresh_from_db()
    assert fine.waive_reason == "请假漏登"


def test_who_may_waive_and_see(
    client, office, other_office, salesperson, other_salesperson, other_manager, secretary, fined
):
    mine = fined.get(salesperson=salesperson, date=d(3, 2))
    theirs = fined.get(salesperson=other_salesperson, date=d(3, 2))
    client.force_login(salesperson)
    assert client.post(f"{FINES}{mine.pk}/waive/", {f"f{mine.pk}-reason": "x"}).status_code == 403
    assert client.post(f"{FINES}{theirs.pk}/waive/", {f"f{theirs.pk}-reason": "x"}).status_code == (
        404
    )
    client.force_login(other_manager)  # another office's manager
    assert client.get(f"{FINES}?office={office.pk}").status_code == 404
    assert client.post(f"{FINES}{mine.pk}/waive/", {f"f{mine.pk}-reason": "x"}).status_code == 404
    assert fine_ids(client.get(f"{FINES}?month=2026-03")) == []
    client.force_login(secretary)
    assert client.get(FINES).status_code == 403
    mine.refresh_from_db()
    assert not mine.waived


def test_excel_has_the_same_totals(client, manager, fined):
    client.force_login(manager)
    response = client.get(f"{FINES}?month=2026-03&format=xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[-1][1:] == (6, Decimal("120"), Decimal("20"), Decimal("100"))


def test_fines_page_query_count_does_not_grow(client, office, manager, salesperson):
    client.force_login(manager)
    assess(office, d(3, 2))
    client.get(FINES)
    with CaptureQueriesContext(connection) as few:
        client.get(FINES)
    for i in range(4):
        UserFactory(username=f"x{i}", roles=[Role.SALESPERSON], offices=[office])
    assess(office, d(3, 3), d(3, 4))
    with CaptureQueriesContext(connection) as many:
        response = client.get(FINES)
    assert len(response.context["fines"]) == 11
    assert len(many) == len(few)
