"""R-8.4: the hourly job that flags late approval steps ships with this app."""

from django.conf import settings
from django.db import migrations

NAME = "approvals.flag_late"


def create(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="5",
        hour="*",
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
            "description": "R-8.4: steps waiting longer than a working day (hourly).",
        },
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0001_initial"),
        ("common", "0002_beat_schedules"),
    ]

    operations = [migrations.RunPython(create, remove)]
