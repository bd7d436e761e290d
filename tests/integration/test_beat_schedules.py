"""The schedules beat reads (django-celery-beat), as the data migrations created them (common/0002
and the migrations of the apps that ship a job, such as approvals/0002).

A plain `django_db` test: pytest-django runs these before every transactional test of a process
(like Django's runner), and only a transactional test's flush would remove migration data.
"""

import pytest
from django_celery_beat.models import PeriodicTask

from salesoffice.celery import app

TIMEZONE = "Asia/Shanghai"
HEARTBEAT = "system.heartbeat"
# API.md's scheduled jobs: name -> (crontab minute, crontab hour).
API_JOBS = {
    "claims.expire_stale": ("0", "*"),  # hourly, on the hour
    "claims.warn_expiring": ("0", "8"),  # daily 08:00
    "holds.expire": ("*/5", "*"),  # every 5 minutes
    "diary.assess_fines": ("59", "23"),  # 23:59
    "reception.compile_daily": ("55", "23"),  # 23:55
    "approvals.flag_late": ("5", "*"),  # hourly
    "accounts.flag_overdue_visits": ("0", "8"),  # daily 08:00
    "quotes.expire": ("15", "0"),  # daily 00:15: approved quotes past their validity
    "receivables.dunning": ("30", "8"),  # daily 08:30: collection notices
}

pytestmark = pytest.mark.django_db


def registered_tasks() -> set[str]:
    """Tasks the worker and beat processes know: they import the default modules at start."""
    app.loader.import_default_modules()
    return set(app.tasks)


def test_exactly_the_api_jobs_and_the_heartbeat_are_scheduled():
    names = set(PeriodicTask.objects.values_list("name", flat=True))
    assert names == {*API_JOBS, HEARTBEAT}, (
        "the schedules of the data migrations are missing or differ "
        "(if none at all: did a transactional test flush the database before this one?)"
    )


@pytest.mark.parametrize(("name", "minute_hour"), API_JOBS.items(), ids=list(API_JOBS))
def test_api_job_schedule(name, minute_hour):
    task = PeriodicTask.objects.select_related("crontab").get(name=name)
    assert task.task == name
    assert task.interval_id is None and task.solar_id is None and task.clocked_id is None
    crontab = task.crontab
    assert crontab is not None
    assert (crontab.minute, crontab.hour) == minute_hour
    assert (crontab.day_of_week, crontab.day_of_month, crontab.month_of_year) == ("*", "*", "*")
    assert str(crontab.timezone) == TIMEZONE
    # Enabled exactly when its task has shipped: beat never sends a task no worker knows.
    assert task.enabled is (name in registered_tasks())


def test_heartbeat_runs_every_minute():
    task = PeriodicTask.objects.select_related("interval").get(name=HEARTBEAT)
    assert task.task == HEARTBEAT
    assert task.enabled is True
    assert task.crontab_id is None
    assert (task.interval.every, task.interval.period) == (1, "minutes")


def test_every_enabled_schedule_names_a_registered_task():
    """Beat never sends a task that no worker knows."""
    enabled = set(PeriodicTask.objects.filter(enabled=True).values_list("task", flat=True))
    assert HEARTBEAT in enabled
    assert enabled <= registered_tasks(), enabled - registered_tasks()
    assert {"claims.expire_stale", "claims.warn_expiring"} <= enabled  # shipped with ownership
