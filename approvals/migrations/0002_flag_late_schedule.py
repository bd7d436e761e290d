"""R-8.4: the hourly job that flags late approval steps ships with this app."""

from django.db import migrations

from common.beat import crontab_job


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0001_initial"),
        ("common", "0002_beat_schedules"),
    ]

    operations = [
        crontab_job(
            "approvals.flag_late",
            minute="5",
            hour="*",
            description="R-8.4: steps waiting longer than a working day (hourly).",
        )
    ]
