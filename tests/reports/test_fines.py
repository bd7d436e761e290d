"""Diary fines (R-7.2): late or missing diaries, escalating 10, 20, 30 within a month."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django_celery_beat.models import PeriodicTask

from common.errors import DomainError
from reports import services
from reports.choices import DayOffKind, FineKind
from reports.models import DayOff, Fine
from reports.tasks import assess_fines
from salesoffice.celery import app
from staff.choices import Role
from staff.factories import UserFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")


def d(month, day):
    return datetime.date(2026, month, day)


def at(day: datetime.date, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SH)


def run_job(day: datetime.date) -> int:
    """The beat run at 23:59 local on `day`, through the registered task."""
    return app.tasks["diary.assess_fines"].apply(kwargs={"now": at(day, 23, 59).isoformat()}).get()


def submit(office, who, day, hour, minute=0):
    services.diary_submit(
        salesperson=who,
        office=office,
        date=day,
        feedback="f",
        problems="",
        now=at(day, hour, minute),
    )


def fines_of(who):
    return [
        (f.date, f.kind, f.offence_number, f.amount)
        for f in Fine.objects.filter(salesperson=who).order_by("date")
    ]


def test_late_and_missing_escalate_within_the_month_and_restart_on_the_first(office, salesperson):
    days = [d(1, 29), d(1, 30), d(1, 31), d(2, 1), d(2, 2)]
    submit(office, salesperson, d(1, 29), 17, 1)  # late
    submit(office, salesperson, d(1, 30), 16, 59)  # on time: no offence
    for day in days:
        with time_machine.travel(at(day, 23, 59), tick=False):
            run_job(day)
    assert fines_of(salesperson) == [
        (d(1, 29), FineKind.LATE, 1, Decimal("10.00")),
        (d(1, 31), FineKind.MISSING, 2, Decimal("20.00")),
        (d(2, 1), FineKind.MISSING, 1, Decimal("10.00")),
        (d(2, 2), FineKind.MISSING, 2, Decimal("20.00")),
    ]


def test_third_offence_is_thirty(office, salesperson):
    for day in (d(3, 2), d(3, 3), d(3, 4)):
        run_job(day)
    assert [f[3] for f in fines_of(salesperson)] == [Decimal(n) for n in (10, 20, 30)]


def test_uses_the_offices_fine_step(office, salesperson):
    office.fine_step = Decimal("15.50")
    office.save()
    run_job(d(3, 2))
    run_job(d(3, 3))
    assert [f[3] for f in fines_of(salesperson)] == [Decimal("15.50"), Decimal("31.00")]


def test_a_leave_day_owes_nothing_and_does_not_advance_the_numbering(office, salesperson):
    DayOff.objects.create(
        office=office, salesperson=salesperson, date=d(3, 3), kind=DayOffKind.LEAVE
    )
    DayOff.objects.create(
        office=office, salesperson=salesperson, date=d(3, 4), kind=DayOffKind.REST
    )
    for day in (d(3, 2), d(3, 3), d(3, 4), d(3, 5)):
        run_job(day)
    assert [(f[0], f[2]) for f in fines_of(salesperson)] == [(d(3, 2), 1), (d(3, 5), 2)]


def test_a_waived_fine_shows_waived_and_still_counts_for_the_numbering(
    office, salesperson, manager
):
    run_job(d(3, 2))
    first = Fine.objects.get()
    services.fine_waive(fine=first, manager=manager, reason="system outage", now=at(d(3, 3), 9))
    run_job(d(3, 3))
    first.refresh_from_db()
    assert first.waived and first.waived_by == manager and first.amount == Decimal("10.00")
    assert fines_of(salesperson)[1][2:] == (2, Decimal("20.00"))


def test_running_twice_adds_nothing(office, salesperson, other_salesperson, other_office):
    assert run_job(d(3, 2)) == 2
    assert run_job(d(3, 2)) == 0
    assert services.fines_assess(office=office, day=d(3, 2), now=at(d(3, 3), 1)) == 0
    assert Fine.objects.count() == 2


def test_a_run_for_a_day_counts_the_days_already_assessed(office, salesperson):
    services.fines_assess(office=office, day=d(3, 2), now=at(d(3, 9), 1))
    services.fines_assess(office=office, day=d(3, 3), now=at(d(3, 9), 1))
    services.fines_assess(office=office, day=d(3, 4), now=at(d(3, 9), 1))
    assert [f[2] for f in fines_of(salesperson)] == [1, 2, 3]


def test_the_day_assessed_by_the_job(office, salesperson):
    # at 23:59 the job assesses today; a late (missed) run after midnight, yesterday
    assess_fines(now=at(d(3, 2), 23, 59).isoformat())
    assess_fines(now=at(d(3, 4), 0, 30).isoformat())
    assert [f[0] for f in fines_of(salesperson)] == [d(3, 2), d(3, 3)]


def test_only_active_salespeople_owe_a_diary(office, salesperson, manager, secretary):
    UserFactory(username="gone", roles=[Role.SALESPERSON], offices=[office], is_active=False)
    run_job(d(3, 2))
    assert list(Fine.objects.values_list("salesperson", flat=True)) == [salesperson.pk]


def test_waive_needs_a_reason_and_happens_once(office, salesperson, manager):
    run_job(d(3, 2))
    fine = Fine.objects.get()
    with pytest.raises(ValidationError):
        services.fine_waive(fine=fine, manager=manager, reason=" ", now=at(d(3, 3), 9))
    services.fine_waive(fine=fine, manager=manager, reason="ok", now=at(d(3, 3), 9))
    with pytest.raises(DomainError):
        services.fine_waive(fine=fine, manager=manager, reason="again", now=at(d(3, 3), 9))


# ---------------------------------------------------------------- API


@pytest.fixture
def march_fines(office, other_office, salesperson, other_salesperson):
    far = UserFactory(username="far", roles=[Role.SALESPERSON], offices=[other_office])
    for day in (d(2, 27), d(3, 2), d(3, 3)):
        run_job(day)
    return far


def test_fines_list_own_and_managers(
    api, march_fines, salesperson, other_salesperson, manager, other_manager, secretary
):
    api.force_authenticate(salesperson)
    r = api.get("/api/v1/fines/", {"month": "2026-03"})
    assert r.status_code == 200
    rows = r.data["results"]
    assert [
        (x["salesperson"], x["date"], x["offence_number"], x["amount"], x["waived"]) for x in rows
    ] == [
        (salesperson.pk, "2026-03-02", 1, "10.00", False),
        (salesperson.pk, "2026-03-03", 2, "20.00", False),
    ]
    assert rows[0]["kind"] == "missing" and "id" in rows[0]
    # a salesperson asking for a colleague gets nothing
    assert api.get("/api/v1/fines/", {"salesperson": other_salesperson.pk}).data["count"] == 0
    api.force_authenticate(manager)
    assert api.get("/api/v1/fines/").data["count"] == 6
    r = api.get("/api/v1/fines/", {"salesperson": other_salesperson.pk, "month": "2026-02"})
    assert [x["date"] for x in r.data["results"]] == ["2026-02-27"]
    api.force_authenticate(other_manager)
    assert {x["salesperson"] for x in api.get("/api/v1/fines/").data["results"]} == {march_fines.pk}
    api.force_authenticate(secretary)
    assert api.get("/api/v1/fines/").status_code == 403
    api.force_authenticate(manager)
    assert api.get("/api/v1/fines/", {"month": "2026-13"}).status_code == 400


def test_waive_through_the_api(api, march_fines, salesperson, manager, other_manager):
    fine = Fine.objects.get(salesperson=salesperson, date=d(3, 2))
    url = f"/api/v1/fines/{fine.pk}/waive/"
    api.force_authenticate(salesperson)
    assert api.post(url, {"reason": "please"}, format="json").status_code == 403
    api.force_authenticate(other_manager)
    assert api.post(url, {"reason": "x"}, format="json").status_code == 404
    api.force_authenticate(manager)
    assert api.post(url, {}, format="json").status_code == 400
    fine.refresh_from_db()
    assert not fine.waived
    r = api.post(url, {"reason": "sick, forgot to mark leave"}, format="json")
    assert r.status_code == 200 and r.data["waived"] is True
    assert api.post(url, {"reason": "again"}, format="json").status_code == 409
    api.force_authenticate(salesperson)
    rows = api.get("/api/v1/fines/", {"month": "2026-03"}).data["results"]
    assert [(x["waived"], x["offence_number"]) for x in rows] == [(True, 1), (False, 2)]


def test_the_schedule_is_enabled():
    task = PeriodicTask.objects.get(name="diary.assess_fines")
    assert task.enabled and task.task == "diary.assess_fines"
