"""The front desk's daily counts job (R-2.8) ships with this app: enable its schedule."""

from django.db import migrations

JOBS = ["reception.compile_daily"]


def enable(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=JOBS).update(enabled=True)


def disable(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=JOBS).update(enabled=False)


class Migration(migrations.Migration):
    dependencies = [
        ("reception", "0003_daily_count"),
        ("common", "0002_beat_schedules"),
    ]

    operations = [migrations.RunPython(enable, disable)]
