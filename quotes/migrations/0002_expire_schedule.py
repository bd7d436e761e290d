"""R-11.3: the daily job that expires approved quotes past their validity date."""

from django.db import migrations

from common.beat import crontab_job


class Migration(migrations.Migration):
    dependencies = [
        ("quotes", "0001_initial"),
        ("common", "0002_beat_schedules"),
    ]

    operations = [
        crontab_job(
            "quotes.expire",
            minute="15",
            hour="0",
            description="R-11.3: approved quotes past their validity date expire (daily).",
        )
    ]
