"""Penalties for breaking the office's rules (R-16.5) through the API: 10.00 to 100.00,
recorded by a manager of the office against a person of the office, never themselves;
withdrawn with a reason; the person is told."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from notifications.messages import render
from notifications.models import Notification
from reports.models import Penalty

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 20, 10, 0, tzinfo=SH)
URL = "/api/v1/penalties/"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def opened(office):
    office.opened_on = datetime.date(2025, 1, 1)
    office.save(update_fields=["opened_on"])
    return office


def body(person, amount="50.00", **extra):
    return {
        "person": person.pk,
        "date": "2026-03-19",
        "amount": amount,
        "rule": "出库单开具错误",
        "reason": "出库单型号写错，导致重复发货",
        **extra,
    }


def as_(api, user):
    api.force_authenticate(user)
    return api


@pytest.mark.parametrize(
    ("amount", "status"),
    [
        ("10.00", 201),
        ("100.00", 201),
        ("9.99", 400),
        ("100.01", 400),
        ("-10.00", 400),
        ("0", 400),
        ("1e3", 400),
        ("1e1", 400),  # 10, but written as an exponent: refused
        ("NaN", 400),
        ("Infinity", 400),
        ("50.005", 400),
        (50.5, 400),  # a float, not a decimal string
        ("", 400),
    ],
)
def test_r16_5_amount_boundaries(api, opened, manager, clerk, amount, status):
    response = as_(api, manager).post(URL, body(clerk, amount), format="json")
    assert response.status_code == status, response.content
    assert Penalty.objects.count() == (1 if status == 201 else 0)
    if status == 201:
        assert response.json()["amount"] == amount
        assert response.json()["withdrawn"] is False


def test_r16_5_the_person_is_told(api, opened, manager, salesperson):
    made = as_(api, manager).post(URL, body(salesperson, "30.00"), format="json")
    assert made.status_code == 201
    notice = Notification.objects.get(recipient=salesperson, kind="penalty_recorded")
    assert "30.00" in render(notice) and "出库单开具错误" in render(notice)
    assert notice.url.startswith("/reports/fines/?office=")


def test_r16_5_who_may_record(
    api, opened, other_office, manager, salesperson, other_salesperson, director, clerk,
    other_manager,
):  # fmt: skip
    # a salesperson records nothing, not even against a peer
    assert (
        as_(api, salesperson).post(URL, body(other_salesperson), format="json").status_code == 403
    )
    # a manager never against themselves
    assert as_(api, manager).post(URL, body(manager), format="json").status_code == 403
    # nor against the director, nor a person of another office
    assert api.post(URL, body(director), format="json").status_code == 403
    assert api.post(URL, body(other_manager), format="json").status_code == 403
    # another office's manager cannot record against this office's people
    response = as_(api, other_manager).post(URL, body(clerk), format="json")
    assert response.status_code == 403
    response = api.post(URL, body(clerk, office=opened.pk), format="json")
    assert response.status_code == 400  # not one of their offices
    assert Penalty.objects.count() == 0
    # the director records in any office (naming it)
    made = as_(api, director).post(URL, body(clerk, office=opened.pk), format="json")
    assert made.status_code == 201 and made.json()["recorded_by"] == director.pk


def test_r16_5_date_and_text_are_checked(api, opened, manager, clerk):
    as_(api, manager)
    assert api.post(URL, body(clerk, date="2026-03-21"), format="json").status_code == 400
    assert api.post(URL, body(clerk, date="2024-12-31"), format="json").status_code == 400
    assert api.post(URL, body(clerk, rule="  "), format="json").status_code == 400
    assert api.post(URL, body(clerk, reason=""), format="json").status_code == 400
    assert api.post(URL, body(clerk, rule="x" * 101), format="json").status_code == 400
    assert Penalty.objects.count() == 0


def test_r16_5_withdraw_with_a_reason_once(api, opened, manager, salesperson, clerk):
    made = as_(api, manager).post(URL, body(clerk), format="json").json()
    url = f"{URL}{made['id']}/withdraw/"
    assert as_(api, clerk).post(url, {"reason": "x"}, format="json").status_code == 403
    assert as_(api, salesperson).post(url, {"reason": "x"}, format="json").status_code == 404
    assert as_(api, manager).post(url, {"reason": ""}, format="json").status_code == 400
    done = api.post(url, {"reason": "核实后系系统错误"}, format="json")
    assert done.status_code == 200 and done.json()["withdrawn"] is True
    again = api.post(url, {"reason": "again"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_withdrawn"
    assert Penalty.objects.get().withdraw_reason == "核实后系系统错误"
    assert Notification.objects.filter(recipient=clerk, kind="penalty_withdrawn").count() == 1


def test_r16_5_who_sees_which(api, opened, manager, salesperson, other_salesperson, other_manager):
    as_(api, manager)
    mine = api.post(URL, body(salesperson, "20.00"), format="json").json()
    api.post(URL, body(other_salesperson, "40.00"), format="json")
    own = as_(api, salesperson).get(URL).json()["results"]
    assert [p["id"] for p in own] == [mine["id"]]
    assert len(as_(api, manager).get(f"{URL}?month=2026-03").json()["results"]) == 2
    assert as_(api, manager).get(f"{URL}?month=2026-02").json()["results"] == []
    assert as_(api, other_manager).get(URL).json()["results"] == []


def test_r16_5_the_database_refuses_what_the_service_would(opened, manager, clerk):
    from django.db import IntegrityError, transaction

    for amount, person in ((Decimal("9.99"), clerk), (Decimal("100.01"), clerk), (50, manager)):
        with pytest.raises(IntegrityError), transaction.atomic():
            Penalty.objects.create(
                office=opened, person=person, date=NOW.date(), amount=amount, rule="r",
                reason="r", recorded_by=manager, recorded_at=NOW,
            )  # fmt: skip


def test_r16_5_an_account_without_a_role_reads_none(api, opened, secretary):
    from staff.factories import UserFactory

    nobody = UserFactory(username="no-role", roles=[], offices=[opened])
    assert as_(api, nobody).get(URL).status_code == 403
    assert as_(api, secretary).get(URL).json()["results"] == []  # staff: their own (none)
