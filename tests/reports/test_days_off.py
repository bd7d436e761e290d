"""Leave and rest days (R-7.2): the manager's calendar page, the salesperson's read-only
view, and what a day off does to the diary fines, including across a month boundary."""

import datetime
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from reports import services
from reports.choices import DayOffKind
from reports.models import DayOff, Fine
from reports.tasks import assess_fines
from staff.choices import Role
from staff.factories import UserFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=SH)
DAYS_OFF = "/reports/days-off/"


def d(month, day):
    return datetime.date(2026, month, day)


def at(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SH)


def cell(person, day):
    return f"c{person.pk}_{day:%Y%m%d}"


def run_job(day) -> int:
    """The beat run at 23:59 local on `day`, through the registered task."""
    return assess_fines.apply(kwargs={"now": at(day, 23, 59).isoformat()}).get()


def fines_of(who):
    return [
        (f.date, f.offence_number, f.amount)
        for f in Fine.objects.filter(salesperson=who).order_by("date")
    ]


def grid_kinds(response, person) -> dict[str, str]:
    """{day: kind} of the person's row as shown."""
    page = response.content.decode()
    row = re.search(rf'<tr id="person-{person.pk}">(.*?)</tr>', page, re.S)[1]
    return dict(re.findall(r'data-day="([\d-]+)" data-kind="(\w*)"', row))


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_manager_marks_leave_and_the_days_fines_skip_it(
    client, office, manager, salesperson, other_salesperson
):
    client.force_login(manager)
    response = client.get(f"{DAYS_OFF}?month=2026-03")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="days-off-form"' in page
    assert f'name="{cell(salesperson, d(3, 12))}"' in page
    assert f'name="{cell(other_salesperson, d(3, 31))}"' in page
    data = {
        "office": office.pk,
        "month": "2026-03",
        cell(salesperson, d(3, 12)): DayOffKind.LEAVE,
        cell(other_salesperson, d(3, 14)): DayOffKind.REST,
    }
    response = client.post(DAYS_OFF, data)
    assert response.status_code == 302
    assert response["Location"] == f"{DAYS_OFF}?office={office.pk}&month=2026-03"
    assert set(DayOff.objects.values_list("salesperson", "date", "kind")) == {
        (salesperson.pk, d(3, 12), "leave"),
        (other_salesperson.pk, d(3, 14), "rest"),
    }
    services.fines_assess(office=office, day=d(3, 12), now=at(d(3, 12), 23, 59))
    assert list(Fine.objects.values_list("salesperson", flat=True)) == [other_salesperson.pk]
    response = client.get(f"{DAYS_OFF}?month=2026-03")
    assert grid_kinds(response, salesperson)["2026-03-12"] == "leave"
    # a cell set back to none clears the day; the unchanged one stays
    data[cell(salesperson, d(3, 12))] = ""
    assert client.post(DAYS_OFF, data).status_code == 302
    assert list(DayOff.objects.values_list("salesperson", "date")) == [
        (other_salesperson.pk, d(3, 14))
    ]


def test_a_bad_cell_is_refused_and_nothing_saved(client, office, manager, salesperson):
    client.force_login(manager)
    data = {
        "office": office.pk,
        "month": "2026-03",
        cell(salesperson, d(3, 1)): "leave",
        cell(salesperson, d(3, 2)): "holiday",
    }
    assert client.post(DAYS_OFF, data).status_code == 422
    assert not DayOff.objects.exists()


def test_salesperson_sees_own_calendar_read_only(
    client, office, salesperson, other_salesperson, manager
):
    services.day_off_set(
        office=office, salesperson=salesperson, date=d(3, 5), kind="rest", by=manager, now=NOW
    )
    services.day_off_set(
        office=office,
        salesperson=other_salesperson,
        date=d(3, 6),
        kind="leave",
        by=manager,
        now=NOW,
    )
    client.force_login(salesperson)
    response = client.get(f"{DAYS_OFF}?month=2026-03")
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        f'name="{cell(salesperson, d(3, 5))}"' not in page and 'id="days-off-form"' not in page
    )  # no cell selects
    assert f'id="person-{other_salesperson.pk}"' not in page
    kinds = grid_kinds(response, salesperson)
    assert len(kinds) == 31 and kinds["2026-03-05"] == "rest"
    assert {k for day, k in kinds.items() if day != "2026-03-05"} == {""}
    response = client.post(
        DAYS_OFF, {"office": office.pk, "month": "2026-03", cell(salesperson, d(3, 9)): "leave"}
    )
    assert response.status_code == 403
    assert client.post(DAYS_OFF, {}).status_code == 403
    assert DayOff.objects.filter(salesperson=salesperson).count() == 1


def test_other_office_and_other_roles(client, office, other_office, manager, secretary):
    client.force_login(manager)
    assert client.get(f"{DAYS_OFF}?office={other_office.pk}").status_code == 404
    assert client.post(DAYS_OFF, {"office": other_office.pk}).status_code == 404
    client.force_login(secretary)
    assert client.get(DAYS_OFF).status_code == 403


def test_only_the_offices_salespeople_get_days_off(
    office, other_office, manager, secretary, salesperson
):
    stranger = UserFactory(username="sp-river", roles=[Role.SALESPERSON], offices=[other_office])
    for person in (stranger, secretary):
        with pytest.raises(ValidationError):
            services.day_off_set(
                office=office, salesperson=person, date=d(3, 2), kind="leave", by=manager, now=NOW
            )
    with pytest.raises(ValidationError):
        services.day_off_set(
            office=office, salesperson=salesperson, date=d(3, 2), kind="sick", by=manager, now=NOW
        )
    assert not DayOff.objects.exists()


def test_a_day_marked_off_after_its_fine_keeps_the_fine_for_the_manager_to_waive(
    client, office, manager, salesperson
):
    """Decision (R-7.2): marking the day off afterwards never deletes the fine; a re-run adds
    nothing; the manager waives it with a reason, and the grid shows the unwaived fine."""
    run_job(d(3, 2))
    fine = Fine.objects.get()
    services.day_off_set(
        office=office, salesperson=salesperson, date=d(3, 2), kind="leave", by=manager, now=NOW
    )
    assert run_job(d(3, 2)) == 0
    assert Fine.objects.get() == fine
    client.force_login(manager)
    response = client.get(f"{DAYS_OFF}?month=2026-03")
    assert 'data-day="2026-03-02" data-kind="leave" title=' in response.content.decode()
    response = client.post(f"/reports/fines/{fine.pk}/waive/", {f"f{fine.pk}-reason": "补请假"})
    assert response.status_code == 302
    fine.refresh_from_db()
    assert fine.waived
    # clearing the day off fines nobody by itself
    assert services.day_off_clear(
        office=office, salesperson=salesperson, date=d(3, 2), by=manager, now=NOW
    )
    assert Fine.objects.count() == 1


def test_fines_across_a_month_boundary_with_days_off(office, manager, salesperson):
    """R-7.2: the numbering restarts on the 1st; leave and rest days owe nothing and do not
    advance it, on either side of the boundary."""
    for day, kind in ((d(1, 30), "leave"), (d(2, 1), "rest"), (d(2, 3), "leave")):
        services.day_off_set(
            office=office, salesperson=salesperson, date=day, kind=kind, by=manager, now=NOW
        )
    for day in (d(1, 29), d(1, 30), d(1, 31), d(2, 1), d(2, 2), d(2, 3), d(2, 4)):
        run_job(day)
    assert fines_of(salesperson) == [
        (d(1, 29), 1, Decimal("10.00")),
        (d(1, 31), 2, Decimal("20.00")),
        (d(2, 2), 1, Decimal("10.00")),
        (d(2, 4), 2, Decimal("20.00")),
    ]
