"""The morning job `accounts.flag_overdue_visits` (API.md: daily 08:00; R-9.8): one notice per
owner of overdue accounts and one per manager of a branch with any, never one per account;
run twice the same day, it tells nobody twice."""

import datetime

import pytest
from django.utils import translation
from django_celery_beat.models import PeriodicTask

from common.models import JobRun
from notifications.messages import render
from notifications.models import Notification
from salesoffice.celery import app
from staff.choices import Role
from staff.factories import UserFactory
from visits import tasks
from visits.overdue import overdue_notify

from .test_records import SH, make_account, make_record

pytestmark = pytest.mark.django_db

D = datetime.timedelta
MORNING = datetime.datetime(2026, 3, 20, 8, 0, tzinfo=SH)  # beat: daily 08:00
TODAY = MORNING.date()


@pytest.fixture
def world(office, other_office, salesperson, other_salesperson, manager, other_manager):
    old = TODAY - D(200)
    # salesperson: two overdue (by 2 and by 50 days), one fine, one without a grade
    a = make_account(office, salesperson, grade="A", opened=old)
    make_record(a, salesperson, TODAY - D(5))
    c = make_account(office, salesperson, grade="C", opened=old)
    make_record(c, salesperson, TODAY - D(80))
    fine = make_account(office, salesperson, grade="B", opened=old)
    make_record(fine, salesperson, TODAY - D(2))
    make_account(office, salesperson, grade=None, opened=old)
    # other_salesperson: one overdue by 10 days, visited by a call only lately
    b = make_account(office, other_salesperson, grade="B", opened=old)
    make_record(b, other_salesperson, TODAY - D(17))
    make_record(b, other_salesperson, TODAY - D(1), kind="call")
    # another branch: nothing overdue; its manager hears nothing
    river_sales = UserFactory(roles=[Role.SALESPERSON], offices=[other_office])
    make_record(make_account(other_office, river_sales, grade="A", opened=old), river_sales, TODAY)
    return {"river_sales": river_sales}


def told(user, kind=None):
    qs = Notification.objects.filter(recipient=user)
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.order_by("pk"))


def test_r_9_8_one_notice_per_owner_and_per_manager(
    world, salesperson, other_salesperson, manager, other_manager, director
):
    assert overdue_notify(now=MORNING) == 3

    [mine] = told(salesperson)
    assert (mine.kind, mine.url, mine.created_at) == (
        "visits_overdue",
        "/accounts/overdue/",
        MORNING,
    )
    assert mine.params == {"count": 2, "days": 50, "day": "2026-03-20"}
    [theirs] = told(other_salesperson)
    assert theirs.params == {"count": 1, "days": 10, "day": "2026-03-20"}
    [branch] = told(manager)
    assert branch.kind == "branch_visits_overdue"
    assert branch.params == {
        "count": 3,
        "days": 50,
        "day": "2026-03-20",
        "offices": ["阳光花园售楼处"],
    }
    assert told(other_manager) == [] and told(world["river_sales"]) == [] and told(director) == []
    with translation.override("zh-hans"):
        assert render(mine) == (
            "您有 2 个客户已超过拜访周期未拜访，最久的已逾期 50 天：请尽快安排拜访。"
        )
        assert render(branch) == (
            "阳光花园售楼处：3 个客户已超过拜访周期未拜访，最久的已逾期 50 天。"
        )
    run = JobRun.objects.get(name="accounts.flag_overdue_visits")
    assert (run.ran_at, run.detail) == (MORNING, {"accounts": 3, "sent": 3})


def test_r_9_8_twice_the_same_day_tells_nobody_twice_and_the_next_day_again(
    world, salesperson, other_salesperson, manager
):
    assert overdue_notify(now=MORNING) == 3
    assert overdue_notify(now=MORNING + D(hours=3)) == 0
    assert Notification.objects.count() == 3

    assert overdue_notify(now=MORNING + D(days=1)) == 3
    assert [n.params["days"] for n in told(salesperson)] == [50, 51]
    assert [n.params["day"] for n in told(manager)] == ["2026-03-20", "2026-03-21"]


def test_a_visit_today_leaves_the_owner_out_of_tomorrows_notice(
    world, salesperson, other_salesperson, office
):
    from visits.records import visit_record_create

    for account in office.accounts.filter(owner=other_salesperson):
        visit_record_create(
            actor=other_salesperson, account=account, date=TODAY, kind="return", now=MORNING
        )
    assert overdue_notify(now=MORNING + D(days=1)) == 2  # the salesperson and the manager
    assert told(other_salesperson) == []


def test_a_manager_of_two_branches_hears_once(world, office, other_office, salesperson):
    both = UserFactory(username="both", roles=[Role.MANAGER], offices=[office, other_office])
    river = make_account(other_office, world["river_sales"], grade="A", opened=TODAY - D(30))

    overdue_notify(now=MORNING)

    [notice] = told(both)
    assert notice.params["count"] == 4
    assert sorted(notice.params["offices"]) == sorted([office.name, other_office.name])
    assert river.pk  # the river account is what made the other branch count


def test_an_inactive_owner_is_not_told_but_the_manager_counts_the_account(
    world, salesperson, manager
):
    salesperson.is_active = False
    salesperson.save(update_fields=["is_active"])
    overdue_notify(now=MORNING)
    assert told(salesperson) == []
    assert told(manager)[0].params["count"] == 3


def test_the_task_is_registered_and_takes_now_as_an_iso_string(world, salesperson):
    app.loader.import_default_modules()
    assert "accounts.flag_overdue_visits" in app.tasks  # what a worker started by beat knows
    assert tasks.flag_overdue_visits.name == "accounts.flag_overdue_visits"

    assert tasks.flag_overdue_visits("2026-03-20T08:00:00+08:00") == 3
    assert tasks.flag_overdue_visits("2026-03-20T09:00:00+08:00") == 0
    with pytest.raises(ValueError, match="offset"):
        tasks.flag_overdue_visits("2026-03-20T08:00:00")


def test_beat_runs_it_every_morning_at_eight():
    task = PeriodicTask.objects.select_related("crontab").get(name="accounts.flag_overdue_visits")
    assert task.task == "accounts.flag_overdue_visits" and task.enabled
    crontab = task.crontab
    assert (crontab.minute, crontab.hour) == ("0", "8")
    assert (crontab.day_of_week, crontab.day_of_month, crontab.month_of_year) == ("*", "*", "*")
    assert str(crontab.timezone) == "Asia/Shanghai"
