"""Development (`manage.py runserver`): DEBUG on, defaults pointing at this machine's services.

bin/run no longer uses these settings: it serves with salesoffice.settings.office (issue 13).
"""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/salesoffice")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
# A development-only key; production settings require SECRET_KEY from the environment.
os.environ.setdefault("SECRET_KEY", "local-development-only-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

from .base import *  # noqa: E402,F403

# Serve static files straight from the apps and static/ (no collectstatic needed to develop).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG  # noqa: F405
