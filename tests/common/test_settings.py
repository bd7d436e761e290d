"""Settings come from the environment with the defaults the issue and RULES.md decide."""

import datetime
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from staff.models import Office

ROOT = Path(__file__).resolve().parents[2]


def test_time_and_language_defaults():
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]


def test_persistent_database_connections():
    db = settings.DATABASES["default"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert db["CONN_MAX_AGE"] > 0
    assert db["CONN_HEALTH_CHECKS"] is True


def test_redis_is_broker_and_cache():
    assert settings.CELERY_BROKER_URL == settings.REDIS_URL
    assert settings.CACHES["default"]["LOCATION"] == settings.REDIS_URL
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True


@pytest.mark.django_db
def test_cache_round_trips_through_real_redis():
    from django.core.cache import cache

    cache.set("settings-test-key", {"ok": Decimal("1.50")}, 10)
    assert cache.get("settings-test-key") == {"ok": Decimal("1.50")}


@pytest.mark.django_db
def test_office_rule_defaults_match_rules_md():
    office = Office.objects.create(name="x", code="x")
    office.refresh_from_db()
    assert office.timezone == "Asia/Shanghai"
    assert office.protection_days == 7
    assert office.warning_days == 2
    assert office.large_party_size == 4
    assert office.weekly_call_target == 2
    assert office.holding_fee == Decimal("500.00")
    assert office.hold_hours == 72
    assert office.minimum_deposit == Decimal("5000.00")
    assert office.chase_days == 7
    assert office.diary_deadline == datetime.time(17, 0)
    assert office.fine_step == Decimal("10.00")
    assert office.meeting_time == datetime.time(18, 0)
    assert office.weekly_report_weekday == 6  # Sunday
    assert office.report_deadline == datetime.time(17, 0)


@pytest.mark.django_db
def test_database_refuses_negative_money_on_office():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Office.objects.create(name="x", code="neg", holding_fee=Decimal("-1.00"))


def _production_env(**overrides):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env.update(
        DJANGO_SETTINGS_MODULE="salesoffice.settings.production",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/salesoffice",
        REDIS_URL="redis://127.0.0.1:6379/0",
        ALLOWED_HOSTS="sales.example.com",
    )
    env.update(overrides)
    return env


def test_production_has_no_default_secret_key():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_passes_check_deploy():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(SECRET_KEY="x" * 20 + "a-long-random-looking-value-0123456789"),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
