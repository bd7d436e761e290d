"""Settings of the served application under benchmark: production's, over plain HTTP on
127.0.0.1, with the bare control views mounted (bench.urls). DATABASE_URL is set by the
runner (bench.__main__) to the benchmark's own database."""

import os
import warnings

os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/8")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from salesoffice.settings.production import *  # noqa: E402,F403

ROOT_URLCONF = "bench.urls"
# plain HTTP on the loopback: no redirect, no secure-only cookies, no HSTS
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# pages are served without a collectstatic run (no manifest); whitenoise finds the files
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")
