"""R-9.8: the daily job that tells owners and managers of overdue accounts ships with this app
(API.md: `accounts.flag_overdue_visits`, daily 08:00 in the office's time zone)."""

from django.db import migrations

from common.beat import crontab_job


class Migration(migrations.Migration):
    dependencies = [
        ("visits", "0001_initial"),
        ("common", "0002_beat_schedules"),
    ]

    operations = [
        crontab_job(
            "accounts.flag_overdue_visits",
            minute="0",
            hour="8",
            description="R-9.8: tell owners and managers of accounts overdue for a visit.",
        )
    ]
