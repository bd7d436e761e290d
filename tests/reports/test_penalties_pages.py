"""Penalties on the fines page (R-16.5 with R-7.2): the manager records one from the page; it
appears with the diary fines on the person's page and the manager's, in the month's totals and
in the Excel file; a withdrawn one stays listed but is not owed."""

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

from reports import penalties, services
from reports.models import Penalty

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 20, 10, 0, tzinfo=SH)
FINES, RECORD = "/reports/fines/", "/reports/fines/penalties/new/"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def opened(office):
    office.opened_on = datetime.date(2025, 1, 1)
    office.save(update_fields=["opened_on"])
    return office


def form(office, person, amount="50.00", **extra):
    data = {
        "office": office.pk,
        "month": "2026-03",
        "penalty-person": person.pk,
        "penalty-date": "2026-03-18",
        "penalty-amount": amount,
        "penalty-rule": "发票开具错误",
        "penalty-reason": "发票抬头写错",
    }
    data.update({f"penalty-{k}": v for k, v in extra.items()})
    return data


def owed(response) -> Decimal:
    return Decimal(re.search(r'class="money" data-owed="([\d.]+)"', response.content.decode())[1])


def record(office, person, by, amount="30.00", day=datetime.date(2026, 3, 5)):
    return penalties.penalty_record(
        office=office, person=person, date=day, amount=amount, rule="出库单开具错误",
        reason="型号写错", actor=by, now=NOW,
    )  # fmt: skip


def test_r16_5_manager_records_from_the_page_and_it_shows_with_the_fines(
    client, opened, manager, salesperson
):
    services.fines_assess(office=opened, day=datetime.date(2026, 3, 2), now=NOW)  # 10.00
    client.force_login(manager)
    page = client.get(f"{FINES}?month=2026-03").content.decode()
    assert 'id="penalty-new"' in page and "data-confirm" in page and "出库单开具错误" in page
    response = client.post(RECORD, form(opened, salesperson))
    assert response.status_code == 302
    assert response["Location"] == f"{FINES}?office={opened.pk}&month=2026-03"
    penalty = Penalty.objects.get()
    assert (penalty.person, penalty.amount, penalty.recorded_by) == (
        salesperson, Decimal("50.00"), manager,
    )  # fmt: skip
    response = client.get(f"{FINES}?month=2026-03")
    assert f'id="penalty-{penalty.pk}"' in response.content.decode()
    totals = {t["salesperson_id"]: t for t in response.context["totals"]}
    assert totals[salesperson.pk]["owed"] == Decimal("60.00")  # the fine 10 + the penalty 50
    assert totals[salesperson.pk]["count"] == 2
    assert owed(response) == Decimal("60.00")
    # the person's own page: the same, in Chinese, with the kind and the rule
    client.cookies["django_language"] = "zh-hans"
    client.force_login(salesperson)
    response = client.get(f"{FINES}?month=2026-03")
    text = response.content.decode()
    assert owed(response) == Decimal("60.00")
    assert "违规罚款" in text and "发票开具错误" in text and "日记未交" in text
    assert 'id="penalty-new"' not in text and 'class="withdraw-form"' not in text


def test_r16_5_bad_input_is_shown_again_and_nothing_saved(client, opened, manager, salesperson):
    client.force_login(manager)
    for amount in ("9.99", "100.01", "-1", "1e3", "NaN"):
        response = client.post(RECORD, form(opened, salesperson, amount))
        assert response.status_code == 400, amount
        text = response.content.decode()
        assert 'class="field-error"' in text and "发票抬头写错" in text  # nothing lost
    assert client.post(RECORD, form(opened, salesperson, "10.00")).status_code == 302
    assert client.post(RECORD, form(opened, salesperson, "100.00")).status_code == 302
    # against oneself: not among the people offered
    assert client.post(RECORD, form(opened, manager)).status_code == 400
    assert client.post(RECORD, form(opened, salesperson, date="2026-03-21")).status_code == 400
    assert sorted(Penalty.objects.values_list("amount", flat=True)) == [
        Decimal("10.00"), Decimal("100.00"),
    ]  # fmt: skip


def test_r16_5_who_may_record_and_see(
    client, opened, other_office, manager, salesperson, other_salesperson, clerk, secretary,
    other_manager,
):  # fmt: skip
    client.force_login(salesperson)
    assert client.post(RECORD, form(opened, other_salesperson)).status_code == 403
    client.force_login(other_manager)
    assert client.post(RECORD, form(opened, salesperson)).status_code == 404
    assert Penalty.objects.count() == 0
    # a clerk with a penalty opens the fines page for it; the secretary without one may not
    made = record(opened, clerk, manager)
    client.force_login(clerk)
    response = client.get(f"{FINES}?month=2026-03")
    assert response.status_code == 200 and f'id="penalty-{made.pk}"' in response.content.decode()
    assert owed(response) == Decimal("30.00")
    client.force_login(secretary)
    assert client.get(FINES).status_code == 403
    # a peer salesperson does not see a colleague's penalty
    client.force_login(other_salesperson)
    assert f'id="penalty-{made.pk}"' not in client.get(FINES).content.decode()
    # another office's manager cannot withdraw it
    client.force_login(other_manager)
    url = f"{FINES}penalties/{made.pk}/withdraw/"
    assert client.post(url, {f"p{made.pk}-reason": "x"}).status_code == 404


def test_r16_5_a_withdrawn_penalty_stays_listed_but_is_not_owed(
    client, opened, manager, salesperson
):
    made = record(opened, salesperson, manager, "40.00")
    kept = record(opened, salesperson, manager, "20.00")
    client.force_login(manager)
    url = f"{FINES}penalties/{made.pk}/withdraw/"
    assert client.post(url, {f"p{made.pk}-reason": " "}).status_code == 422
    response = client.post(url, {f"p{made.pk}-reason": "核实有误"})
    assert response.status_code == 302
    response = client.get(f"{FINES}?month=2026-03")
    text = response.content.decode()
    assert f'id="penalty-{made.pk}"' in text and 'data-status="withdrawn"' in text
    totals = {t["salesperson_id"]: t for t in response.context["totals"]}
    assert (totals[salesperson.pk]["owed"], totals[salesperson.pk]["waived"]) == (
        Decimal("20.00"), Decimal("40.00"),
    )  # fmt: skip
    assert kept.pk in [p.pk for p in response.context["penalties"]]
    # the Excel file has the same totals and both rows with their kind
    book = load_workbook(io.BytesIO(client.get(f"{FINES}?month=2026-03&format=xlsx").content))
    totals_rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert totals_rows[-1][1:] == (2, Decimal("60"), Decimal("40"), Decimal("20"))
    detail = list(book.worksheets[1].iter_rows(values_only=True))
    assert sum(1 for row in detail if "出库单开具错误" in row) == 2


def test_fines_page_query_count_does_not_grow_with_penalties(
    client, opened, manager, salesperson, other_salesperson, clerk
):
    record(opened, salesperson, manager)
    client.force_login(manager)
    client.get(FINES)
    with CaptureQueriesContext(connection) as few:
        client.get(FINES)
    for person in (salesperson, other_salesperson, clerk, clerk):
        record(opened, person, manager)
    with CaptureQueriesContext(connection) as many:
        response = client.get(FINES)
    assert len(response.context["penalties"]) == 5
    assert len(many) == len(few)
