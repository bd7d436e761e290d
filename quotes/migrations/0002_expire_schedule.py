"""R-11.3: the daily job that expires approved quotes past their validity date."""

from django.conf import settings
from django.db import migrations

NAME = "quotes.expire"


def create(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="15",
        hour="0",
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
            "description": "R-11.3: approved quotes past their validity date expire (daily).",
        },
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("quotes", "0001_initial"),
        ("common", "0002_beat_schedules"),
    ]

    operations = [migrations.RunPython(create, remove)]
