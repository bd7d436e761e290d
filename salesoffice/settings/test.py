"""Tests: the real PostgreSQL and Redis of this machine; e-mail kept in memory."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/salesoffice")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/9")
os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")

from .base import *  # noqa: E402,F403

DEBUG = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# uploads of the tests go to a directory of their own, removed when the run ends
MEDIA_ROOT = tempfile.mkdtemp(prefix="salesoffice-test-media-")
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The suite's many searches as one salesperson are not a burst; tests of the throttle set
# their own rate. Each xdist worker keeps its own throttle and list-count keys in Redis.
SEARCH_RATE = "10000/min"
CACHES["default"]["KEY_PREFIX"] = f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"  # noqa: F405
