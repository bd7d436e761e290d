"""The scheduled jobs of API.md, editable in the admin (django-celery-beat).

Each job's task arrives with its issue; until then its schedule exists but is disabled, so beat
sends nothing a worker cannot run. The issue that ships a task enables its schedule.
The heartbeat runs from day one, so that anyone can see that beat and the workers are alive.
"""

from django.conf import settings
from django.db import migrations

# name, crontab (minute, hour), enabled, description
JOBS = [
    ("system.heartbeat", None, True, "Beat and workers are alive (every minute)."),
    ("claims.expire_stale", ("0", "*"), False, "R-3.3: release every claim past its protection end."),
    ("claims.warn_expiring", ("0", "8"), False, "R-3.5: the morning warning."),
    ("holds.expire", ("*/5", "*"), False, "R-6.2: lapse holds past 72 h and create their refunds."),
    ("diary.assess_fines", ("59", "23"), False, "R-7.2: the day's diary offences and fines."),
    ("reception.compile_daily", ("55", "23"), False, "R-2.8: the front desk's daily counts."),
]


def create_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    for name, cron, enabled, description in JOBS:
        if cron is None:
            every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
            schedule = {"interval": every_minute}
        else:
            minute, hour = cron
            crontab, _ = CrontabSchedule.objects.get_or_create(
                minute=minute,
                hour=hour,
                day_of_week="*",
                day_of_month="*",
                month_of_year="*",
                timezone=settings.TIME_ZONE,
            )
            schedule = {"crontab": crontab}
        PeriodicTask.objects.update_or_create(
            name=name,
            defaults={"task": name, "enabled": enabled, "description": description, **schedule},
        )


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[job[0] for job in JOBS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("common", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
