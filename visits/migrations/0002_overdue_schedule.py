"""R-9.8: the daily job that tells owners and managers of overdue accounts ships with this app
(API.md: `accounts.flag_overdue_visits`, daily 08:00 in the office's time zone)."""

from django.conf import settings
from django.db import migrations

NAME = "accounts.flag_overdue_visits"


def create(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="8",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=settings.TIME_ZONE,
    )
    PeriodicTask.objects.update_or_create(
        name=NAME,
        defaults={
            "task": NAME,
            "enabled": True,
            "crontab": crontab,
            "description": "R-9.8: tell owners and managers of accounts overdue for a visit.",
        },
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("visits", "0001_initial"),
        ("common", "0002_beat_schedules"),
    ]

    operations = [migrations.RunPython(create, remove)]
