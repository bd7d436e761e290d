"""The beat schedule of a job that ships with its app, as a migration operation: an enabled
django-celery-beat PeriodicTask on a crontab in settings.TIME_ZONE (the jobs of API.md).
Migrations call it with the historical models they are given, so it stays valid as the code
moves on."""

from django.conf import settings
from django.db import migrations


def crontab_job(name: str, *, minute: str, hour: str, description: str) -> migrations.RunPython:
    """A RunPython that creates (and on reverse removes) the job's enabled schedule."""

    def create(apps, schema_editor):
        PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
        CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone=settings.TIME_ZONE,
        )
        PeriodicTask.objects.update_or_create(
            name=name,
            defaults={
                "task": name,
                "enabled": True,
                "crontab": crontab,
                "description": description,
            },
        )

    def remove(apps, schema_editor):
        apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=name).delete()

    return migrations.RunPython(create, remove)
