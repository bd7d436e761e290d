"""The ownership jobs ship with this app: enable their beat schedules (created disabled)."""

from django.db import migrations

JOBS = ["claims.expire_stale", "claims.warn_expiring"]


def enable(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=JOBS).update(enabled=True)


def disable(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=JOBS).update(enabled=False)


class Migration(migrations.Migration):
    dependencies = [
        ("attribution", "0003_alter_claimevent_kind_dispute_disputehistory_and_more"),
        ("common", "0002_beat_schedules"),
    ]

    operations = [migrations.RunPython(enable, disable)]
