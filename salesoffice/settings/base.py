"""Settings shared by every environment; everything that differs comes from the environment.

Variables: DATABASE_URL, REDIS_URL (broker and cache), SECRET_KEY, DEBUG, ALLOWED_HOSTS,
TIME_ZONE (default Asia/Shanghai), CSRF_TRUSTED_ORIGINS, EMAIL_URL, DEFAULT_FROM_EMAIL,
TRUSTED_PROXY_COUNT (reverse proxies in front, default 0), API_TOKEN_IDLE_DAYS (default 30).
"""

import datetime
from pathlib import Path

import environ
import pghistory
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY")  # no default here: local and test settings supply their own
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.forms",  # Django's widget templates, found by FORM_RENDERER below
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "pgtrigger",
    "common.third_party.HistoryConfig",  # pghistory, with a translated name in the admin
    "pghistory.admin",
    "django_celery_beat",
    "common.third_party.AxesConfig",  # axes, with a translated name in the admin
    # the project's own apps, one per domain
    "common",
    "staff",
    "workspace",
    "notifications",
    "leads",
    "attribution",
    "reception",
    "deals",
    "reports",
    "finance",
    "approvals",
    "accounts",
    "catalog",
    "stock",
    "visits",
    "quotes",
    "contracts",
    "shipping",
    "receivables",
    "escalations",
    "aftersales",
    "expenses",
    "specialfees",
    "targets",
    "workplans",
    "dealers",
    "deptreports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "common.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # who changed what, from which URL: attached to every history row
    "common.middleware.HistoryContextMiddleware",
    # Content-Security-Policy on every response (SECURE_CSP below)
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # login throttling: last, as django-axes requires
    "axes.middleware.AxesMiddleware",
]

# Security headers on every response, in every environment (issue 7). No inline script or
# style anywhere: page behaviour lives in static/js/app.js, htmx runs without eval and without
# its injected indicator styles (base.html's htmx-config).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Login throttling (django-axes): 5 failed logins lock that username *from that address* for a
# while, so an attacker guessing one account cannot lock the shared front-desk PC (its other
# users, same address) nor lock the account from everywhere. A success resets the count.
# One address is also stopped after AXES_ADDRESS_FAILURE_LIMIT failures whatever the usernames
# (password spraying: staff.logins). The address is the client's behind TRUSTED_PROXY_COUNT
# reverse proxies (X-Forwarded-For; 0: the peer's address), not the proxy's: issue 13.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "staff.logins.AddressLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ADDRESS_FAILURE_LIMIT = 4 * AXES_FAILURE_LIMIT
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "common.inputs.client_address"
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# a failed login's username as recorded (cut to its 255-character column): issue 7
AXES_USERNAME_CALLABLE = "common.inputs.axes_username"

ROOT_URLCONF = "salesoffice.urls"
WSGI_APPLICATION = "salesoffice.wsgi.application"
ASGI_APPLICATION = "salesoffice.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "workspace.context_processors.navigation",
            ],
        },
    },
]
# widgets render through TEMPLATES, so that templates/django/forms/widgets/ may replace one of
# Django's (the select: issue 8); a widget context rendered once is remembered (issue 22)
FORM_RENDERER = "common.renderers.RememberingRenderer"

DATABASES = {"default": env.db("DATABASE_URL")}
# Persistent connections: measured 7x more requests/s than reconnecting per request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Planner settings for an ORM workload, measured at a million customers (issue 8): no JIT (it
# spent 0.7-1.6 s compiling a monthly report's aggregate that runs in 0.8 s), and join orders
# searched in groups of 4 (a list's 8-way select_related took 12 ms to plan, 0.5 ms to run).
_options = DATABASES["default"].setdefault("OPTIONS", {})
_options["options"] = f"{_options.get('options', '')} -c jit=off -c join_collapse_limit=4".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "TIMEOUT": 300,
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}

AUTH_USER_MODEL = "staff.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "login"

# The interface is Chinese by default and complete in English.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploaded files (contracts' scans, R-12.2). No URL serves this directory: each download goes
# through a view that checks who asks (contracts.views.contract_scan), so MEDIA_URL stays unset.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / ".data" / "media")))

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="salesoffice@localhost")

# searches by name or part of a phone per salesperson (attribution.throttles)
SEARCH_RATE = env("SEARCH_RATE", default="30/min")

# API tokens unused for this many days stop working (staff.api.authentication): issue 13
API_TOKEN_IDLE_DAYS = env.int("API_TOKEN_IDLE_DAYS", default=30)

REST_FRAMEWORK = {
    # Token first, so that an anonymous API call gets 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "staff.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON bodies nested at most 32 levels deep (issue 13); their size: DATA_UPLOAD_MAX_MEMORY_SIZE
    "DEFAULT_PARSER_CLASSES": [
        "common.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "common.pagination.ListPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "common.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Sales office API",
    "DESCRIPTION": "The REST contract of the sales-office system (API.md).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the sidecar package: the docs page works offline.
    # the sales department's choices beside the first part's of the same field names
    "ENUM_NAME_OVERRIDES": {
        "AccountKindEnum": "accounts.choices.Kind",
        "DocumentStatusEnum": "approvals.choices.DocumentStatus",
        "ApprovalDecisionEnum": "approvals.choices.Decision",
        "VisitRecordKindEnum": "visits.choices.RecordKind",
        "EnquiryKindEnum": "quotes.choices.EnquiryKind",
        "QuoteKindEnum": "quotes.choices.QuoteKind",
        "ContractKindEnum": "contracts.choices.ContractKind",
        "ContractStatusEnum": "contracts.choices.ContractStatus",
        "ReturnKindEnum": "shipping.choices.ReturnKind",
        "PaymentMethodEnum": "receivables.choices.PaymentMethod",
        "ComplaintKindEnum": "aftersales.choices.ComplaintKind",
        "ContactMethodEnum": "aftersales.choices.ContactMethod",
        "ReplyMethodEnum": "aftersales.choices.ReplyMethod",
        "ServiceRequestStateEnum": "aftersales.choices.RequestState",
        "ComplaintStateEnum": "aftersales.choices.ComplaintState",
        # the first part's names, as they were before the collisions
        "KindEnum": "reception.choices.CallKind",
        "StatusEnum": "reception.choices.DutyStatus",
        "DecisionEnum": "attribution.choices.Decision",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # API.md's error statuses and bodies on every operation (400, 401, 403, 404, 415): issue 7
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "common.schema.document_errors",
    ],
}

# Celery: Redis broker, explicit task names, late acks so a killed worker's task is redelivered.
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": 5,
    "socket_connect_timeout": 5,
    "visibility_timeout": 3600,
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

PGHISTORY_ADMIN_ALL_EVENTS = True
# History rows are read by the object they are the history of (and their context), never by the
# foreign keys they copy: those copies are not indexed, which spares every tracked write an
# index insert per foreign key (issue 8: claims.expire_stale writes 200,000 history rows)
PGHISTORY_FOREIGN_KEY_FIELD = pghistory.ForeignKey(db_index=False)
PGHISTORY_OBJ_FIELD = pghistory.ObjForeignKey(db_index=True)
PGHISTORY_CONTEXT_FIELD = pghistory.ContextForeignKey(db_index=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # django-axes logs every login at INFO; failures and lockouts are WARNING
    "loggers": {"axes": {"level": env("AXES_LOG_LEVEL", default="WARNING")}},
}

SITE_TITLE = _("Sales office")
