"""The Celery application.

Workers: `celery -A salesoffice worker`; beat: `celery -A salesoffice beat`.

Every task is registered under an explicit name (API.md), so moving code never renames it.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesoffice.settings.local")

app = Celery("salesoffice")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
