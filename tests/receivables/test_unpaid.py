"""The unpaid report (未收款项报告表, R-15.7): the salesperson submits it for a week or ten days
with a note, its figures frozen at submission, once per kind and period; finance checks it and
the salesperson is told; the lists show who has not submitted. The books are those of
test_reports (D = 2026-03-10, a Tuesday: the week is 9–15 March, the ten days 1–10 March):
华东机械 (sales1) open 1,880.00 of which 1,430.00 overdue; 江南电气 (sales2) 400.00, all overdue.
"""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from rest_framework.exceptions import ValidationError

from contracts.factories import NOW
from notifications.models import Notification
from receivables.factories import received
from receivables.models import UnpaidReport
from receivables.services.unpaid import unpaid_report_submit
from tests.receivables.test_reports import (
    D,
    assert_excel_equals_page,
    build_books,
    keyed,
    page_tables,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def on_d():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def books(
    office, other_office, salesperson, other_salesperson, finance, depot, clerk, director,
    executive, approvers, product, cable, other_manager,
):  # fmt: skip
    people = {
        "director": director,
        "executive": executive,
        "approvers": approvers,
        "product": product,
        "cable": cable,
        "other_manager": other_manager,
    }
    return build_books(
        office=office,
        other_office=other_office,
        salesperson=salesperson,
        other_salesperson=other_salesperson,
        people=people,
        finance=finance,
        depot=depot,
    )


WEEK = (datetime.date(2026, 3, 9), datetime.date(2026, 3, 15))


def _list(office, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"office": office.pk, **params}.items())
    return f"{reverse('receivables:report_unpaid')}?{query}"


def _submit(client, user, office, *, kind="week", day=D, note="下周回款"):
    client.force_login(user)
    data = {"office": office.pk, "kind": kind, "date": day.isoformat(), "note": note}
    return client.post(reverse("receivables:unpaid_submit"), data)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_the_salesperson_submits_and_the_figures_are_frozen(client, books, salesperson, office):
    response = _submit(client, salesperson, office)
    assert response.status_code == 302
    report = UnpaidReport.objects.get(salesperson=salesperson)
    assert (report.kind, report.start, report.end) == ("week", *WEEK)
    assert (report.open_total, report.overdue_total) == (Decimal("1880.00"), Decimal("1430.00"))
    assert report.note == "下周回款"
    assert report.office == office

    # a receipt after the submission changes the ledger, not the report
    received(books["a"], "500.00", now=NOW)
    report.refresh_from_db()
    assert report.open_total == Decimal("1880.00")
    page = client.get(reverse("receivables:unpaid", args=[report.pk]))
    assert 'data-key="open_total">1,880.00<' in page.content.decode()
    live = keyed(page_tables(client.get(_list(office)))["salespeople"])
    # oldest due first: I1's 180.00 paid, I2 down to 30.00
    assert live[str(salesperson)] == ["1,380.00", "930.00", "4"]


def test_once_per_salesperson_kind_and_period(client, books, salesperson, office):
    _submit(client, salesperson, office)
    response = _submit(
        client, salesperson, office, day=D + datetime.timedelta(days=2), note="又一次"
    )
    assert response.status_code == 302
    assert UnpaidReport.objects.filter(salesperson=salesperson).count() == 1
    assert UnpaidReport.objects.get().note == "下周回款"
    follow = client.get(response.url)
    assert "您已提交本期的未收款项报告。" in _messages(follow)
    # the ten-day report of the same days is another report (1–10 March)
    _submit(client, salesperson, office, kind="ten_days")
    ten = UnpaidReport.objects.get(kind="ten_days")
    assert (ten.start, ten.end) == (datetime.date(2026, 3, 1), datetime.date(2026, 3, 10))
    assert ten.open_total == Decimal("1880.00")


def test_a_period_not_started_is_refused(client, books, salesperson, office):
    _submit(client, salesperson, office, day=D + datetime.timedelta(days=7))
    assert not UnpaidReport.objects.exists()


def test_only_a_salesperson_submits(client, books, manager, finance, salesperson, office):
    for user in (manager, finance):
        assert _submit(client, user, office).status_code == 403
    assert not UnpaidReport.objects.exists()
    with pytest.raises(ValidationError):
        unpaid_report_submit(
            actor=salesperson, office=office, kind="month", day=D, note="", now=NOW
        )
    assert not UnpaidReport.objects.exists()


def test_the_branch_list_shows_who_has_not_submitted(
    client, books, salesperson, other_salesperson, manager, office
):
    _submit(client, salesperson, office)
    client.force_login(manager)
    url = _list(office, kind="week", date=D.isoformat())
    by_person, accounts = assert_excel_equals_page(client, url)
    assert keyed(by_person) == {
        str(salesperson): [1880, 1430, 5],
        str(other_salesperson): [400, 400, 1],
        "合计": [2280, 1830, 6],
    }
    assert keyed(accounts)[str(other_salesperson)] == ["江南电气有限公司", 400, 400, 1]
    page = client.get(url).content.decode()
    assert f'id="submission-{salesperson.pk}" data-submitted="yes"' in page
    assert f'id="submission-{other_salesperson.pk}" data-submitted="no"' in page
    assert 'id="missing-count"' in page
    assert 'id="unpaid-submit"' not in page  # a manager submits none


def test_a_salesperson_reads_only_their_own_figures(client, books, other_salesperson, office):
    client.force_login(other_salesperson)
    response = client.get(_list(office))
    tables = page_tables(response)
    assert keyed(tables["salespeople"]) == {
        str(other_salesperson): ["400.00", "400.00", "1"],
        "合计": ["400.00", "400.00", "1"],
    }
    page = response.content.decode()
    assert "华东机械" not in page
    assert 'id="submissions"' not in page
    assert 'id="unpaid-submit"' in page


def test_finance_checks_and_the_salesperson_is_told(client, books, salesperson, finance, office):
    _submit(client, salesperson, office)
    report = UnpaidReport.objects.get()
    client.force_login(finance)
    url = reverse("receivables:unpaid_check", args=[report.pk])
    assert client.post(url, {"note": "已核对"}).status_code == 302
    report.refresh_from_db()
    assert (report.checked_by, report.checked_at, report.check_note) == (finance, NOW, "已核对")
    told = Notification.objects.get(recipient=salesperson, kind="unpaid_report_checked")
    assert told.params == {"period": "2026-03-09 – 2026-03-15"}
    assert told.url == reverse("receivables:unpaid", args=[report.pk])

    # a second check changes nothing
    with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
        response = client.post(url, {"note": "再次"})
    assert "该报告已核对。" in _messages(client.get(response.url))
    report.refresh_from_db()
    assert (report.checked_at, report.check_note) == (NOW, "已核对")
    assert Notification.objects.filter(kind="unpaid_report_checked").count() == 1


def test_only_finance_checks(client, books, salesperson, manager, office):
    _submit(client, salesperson, office)
    report = UnpaidReport.objects.get()
    url = reverse("receivables:unpaid_check", args=[report.pk])
    for user in (salesperson, manager):
        client.force_login(user)
        assert client.post(url, {"note": "x"}).status_code == 403
    report.refresh_from_db()
    assert report.checked_at is None
    assert not Notification.objects.filter(kind="unpaid_report_checked").exists()


def test_who_opens_a_submitted_report(
    client, books, salesperson, other_salesperson, other_manager, manager, director, clerk, office
):
    _submit(client, salesperson, office)
    url = reverse("receivables:unpaid", args=[UnpaidReport.objects.get().pk])
    for user, status in [
        (salesperson, 200),
        (manager, 200),
        (director, 200),
        (other_salesperson, 404),
        (other_manager, 404),
        (clerk, 404),
    ]:
        client.force_login(user)
        assert client.get(url).status_code == status, user
    client.force_login(clerk)
    assert client.get(_list(office)).status_code == 403
