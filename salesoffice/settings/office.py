"""bin/run on the office's own computer (issue 13): the settings of salesoffice.launcher.

Production-like, over plain HTTP on the office's network: the launcher sets DEBUG (false unless
`bin/run --debug`), SECRET_KEY (generated once, kept in .data/secret-key) and ALLOWED_HOSTS (the
names of the address listened on, never "*"), whatever the shell had; see
salesoffice.launcher_config. An error shows the friendly 404/500 pages, never code or settings.
Development with `manage.py runserver` keeps salesoffice.settings.local.
"""

from salesoffice.launcher_config import LOG_FORMAT, TASK_LOG_FORMAT

from .base import *  # noqa: F403
from .base import DEBUG, LOGGING

# Static files straight from the apps and static/ through WhiteNoise, with DEBUG off too: no
# collectstatic step on the office's PC (the manifest storage of base needs one).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# The logs in .data/logs/: one line format (issue 14), for Django's loggers and Celery's alike.
LOGGING = {
    **LOGGING,
    "formatters": {"line": {"format": LOG_FORMAT}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
}
CELERY_WORKER_LOG_FORMAT = LOG_FORMAT
CELERY_WORKER_TASK_LOG_FORMAT = TASK_LOG_FORMAT
