"""The diary job ships with this app: enable its beat schedule (created disabled)."""

from django.db import migrations

JOBS = ["diary.assess_fines"]


def enable(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=JOBS).update(enabled=True)


def disable(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=JOBS).update(enabled=False)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("common", "0002_beat_schedules"),
    ]

    operations = [migrations.RunPython(enable, disable)]
