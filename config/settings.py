"""Settings, all read from the environment (django-environ) with defaults for a local run.

Unset ``DATABASE_URL`` means a SQLite file in the project; unset ``CELERY_BROKER_URL`` means tasks
run in-process right after the transaction that queued them commits.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# `make run` writes `.env` (git-ignored) the first time: the local settings every manage.py of
# the tree then uses. A test run is hermetic: it reads none unless one is named (pytest sets
# PYTEST_VERSION for itself and the processes it starts).
if "PYTEST_VERSION" not in os.environ or "DJANGO_ENV_FILE" in os.environ:
    environ.Env.read_env(env.str("DJANGO_ENV_FILE", str(BASE_DIR / ".env")), overwrite=False)

# Off unless turned on (`make run`'s .env turns it on): production is the default.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off.")
    # The key `make run` generated into .env; counts only with debug on, never as production's.
    SECRET_KEY = env(
        "DJANGO_LOCAL_SECRET_KEY",
        default="insecure-local-development-key-do-not-use-in-production",
    )
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    # Its template tag replaces the admin's date hierarchy (records.admin).
    "django_admin_lightweight_date_hierarchy",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",  # login lockout (privacy.lockout)
    "csp",  # the Content-Security-Policy header (CONTENT_SECURITY_POLICY below)
    "privacy",
    "staff",
    "integrations",
    "operations",
    "sessions_app",
    "calls_app",
    "customers",
    "dashboard",
    "demo",
    "home",  # the search home page at /
    "collections_app",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "staff.middleware.UserTimeZoneMiddleware",  # each user's pages in their time zone
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.replica.ReplicaReadsMiddleware",  # marks read-only requests (with a replica)
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the lockout page
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
_SQLITE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
# Persistent connections on a database server (a connection per request costs a round trip and
# a backend process start); each is checked before reuse, so one the server dropped is replaced
# instead of failing the request that picks it up.
DATABASES["default"].setdefault(
    "CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=0 if _SQLITE else 60)
)
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
if _SQLITE:
    # Webhooks and the in-process tasks write at the same time; wait for the lock, don't fail.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("timeout", 20)
# An optional read replica: the dashboard, the API, exports and admin lists read from it
# (config.replica); writes, workers and anyone who just wrote use the primary.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **env.db("DATABASE_REPLICA_URL"),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["config.replica.ReplicaRouter"]
AIRUDDER_REPLICA_PIN_SECONDS = env.int("AIRUDDER_REPLICA_PIN_SECONDS", default=10)

# "default" stays in each process (a webhook's endpoint lookup must cost no round trip);
# "shared" holds what every web process may reuse (the dashboard's rolled rows): Redis when
# DJANGO_SHARED_CACHE_URL names one, else in the process too.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _shared_cache}
        if (_shared_cache := env("DJANGO_SHARED_CACHE_URL", default=""))
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "shared"}
    ),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
# Date-times in the admin written with their zone (config/formats/en/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

LOGIN_URL = "admin:login"
# After a login (and when its ``next`` is refused as unsafe): the home page, not /accounts/profile/.
LOGIN_REDIRECT_URL = "home"

# --- Login lockout (django-axes; docs/operations.md) ----------------------------------------
# The first backend refuses a login while its username and address are locked out; the second
# checks the password. Only password logins count: API tokens and webhook tokens never do.
AUTHENTICATION_BACKENDS = [
    "privacy.lockout.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_VERBOSE = False  # no banner on every manage.py run
AXES_ENABLED = env.bool("AIRUDDER_LOGIN_LOCKOUT", default=True)
AXES_FAILURE_LIMIT = env.int("AIRUDDER_LOGIN_FAILURE_LIMIT", default=5)
# Failures count within this window, and a lockout lasts this long after the last one.
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AIRUDDER_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "privacy.lockout.lockout_response"
# A username that looks like a phone number is stored and signalled as a keyed hash.
AXES_USERNAME_CALLABLE = "privacy.lockout.attempt_username"
# Successful logins are not kept by axes: the audit log is the record of what users did.
AXES_DISABLE_ACCESS_LOG = True

# --- Content Security Policy (django-csp; docs/operations.md) -------------------------------
# Everything from this origin; inline <style> and <script> elements only with the response's
# nonce (request.csp_nonce); style attributes allowed (server-drawn bar sizes, admin widgets).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", NONCE],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

SECURE_CONTENT_TYPE_NOSNIFF = True
# Production is served over HTTPS by a reverse proxy that says so in X-Forwarded-Proto (and must
# overwrite a client's own). Plain HTTP is redirected, but for the probes of a load balancer.
if env.bool("DJANGO_BEHIND_HTTPS_PROXY", default=not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 3600)
# Subdomains and the browsers' preload list are decisions about the organisation's whole domain,
# which this app cannot make: off unless set, and then the deploy check need not ask again.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Webhook URLs carry their endpoint's token: no log line may show it.
    # Expected 403s are one line, without a traceback.
    "filters": {
        "redact_tokens": {"()": "integrations.logging.RedactTokens"},
        "quiet_forbidden": {"()": "integrations.log_filters.QuietForbidden"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["redact_tokens", "quiet_forbidden"],
        },
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # Each line once: Django's own "django" logger has a console handler of its own (in debug)
    # and also propagates to the root's; here it only propagates. "django.server" (runserver's
    # requests) goes to the root handler too.
    "loggers": {
        "django": {"handlers": [], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
        "django.server": {"handlers": [], "propagate": True},
    },
}
# Celery's worker keeps this configuration rather than installing a root handler of its own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
# Without a broker, tasks run in-process (eagerly) when the transaction that queued them commits.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
# Late acknowledgement: a task whose worker dies is delivered again (reject_on_worker_lost), and
# the broker waits longer than the longest task may run before it redelivers an unacknowledged
# one (visibility_timeout > time limit), so a slow task is not run twice at once.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = TIME_ZONE
# A webhook must answer within 10 s: a broker that is down must not hold the request for long.
# The event is already stored, and the periodic sweep picks it up later.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
CELERY_BEAT_SCHEDULE = {
    "process-stale-webhook-events": {
        "task": "integrations.tasks.process_stale_events",
        "schedule": timedelta(minutes=1),
    },
    # Opens and resolves alert incidents (operations.alerts).
    "check-alerts": {
        "task": "integrations.tasks.check_alerts",
        "schedule": timedelta(minutes=1),
    },
    # The dashboard's daily rollups: new closed days and changed ones (dashboard.rollups).
    "roll-outcomes": {
        "task": "dashboard.tasks.roll_outcomes",
        "schedule": timedelta(minutes=env.int("AIRUDDER_ROLLUP_EVERY_MINUTES", default=10)),
    },
    # Deletes deliveries and records older than their retention (privacy.retention).
    "apply-retention": {
        "task": "integrations.retention.apply_retention",
        "schedule": timedelta(days=1),
    },
}

# --- Webhooks -------------------------------------------------------------------------------
# Bodies larger than this are refused with 413 before they are read.
AIRUDDER_MAX_BODY_BYTES = env.int("AIRUDDER_MAX_BODY_BYTES", default=2 * 1024 * 1024)
# How X-AIRudder-Sign is checked when an endpoint has a signing secret. AI Rudder does not
# document its algorithm, so the scheme is a setting: "hmac-sha256-hex" (default) or
# "hmac-sha256-base64", each an HMAC-SHA256 of the raw body keyed with the endpoint's secret.
AIRUDDER_SIGNATURE_SCHEME = env("AIRUDDER_SIGNATURE_SCHEME", default="hmac-sha256-hex")
# Request headers never stored with an event: they carry credentials.
AIRUDDER_REDACTED_HEADERS = env.list(
    "AIRUDDER_REDACTED_HEADERS",
    default=["Authorization", "Proxy-Authorization", "Cookie", "X-Api-Key", "X-Csrftoken"],
)
# An event still "received" after this long was never picked up by a worker: the sweep runs it.
AIRUDDER_STALE_EVENT_AFTER = timedelta(
    seconds=env.int("AIRUDDER_STALE_EVENT_AFTER_SECONDS", default=60)
)
# Events a worker claims and records in one transaction (integrations.batches).
AIRUDDER_PROCESS_BATCH = env.int("AIRUDDER_PROCESS_BATCH", default=100)
# Fail fast: on PostgreSQL, how long storing a delivery may wait for a lock, and run in all
# (ms, 0 is off), before the delivery gets 503 and AI Rudder retries (it waits 10 s at most).
AIRUDDER_WEBHOOK_LOCK_TIMEOUT_MS = env.int("AIRUDDER_WEBHOOK_LOCK_TIMEOUT_MS", default=2000)
AIRUDDER_WEBHOOK_STATEMENT_TIMEOUT_MS = env.int(
    "AIRUDDER_WEBHOOK_STATEMENT_TIMEOUT_MS", default=4000
)
# Refused deliveries (unknown token, inactive endpoint, bad signature) listed on the inbox
# health page: at most this many rows, for at most RETENTION_REJECTIONS_DAYS (counts stay).
AIRUDDER_REJECTIONS_KEEP = env.int("AIRUDDER_REJECTIONS_KEEP", default=10000)
AIRUDDER_RETENTION_REJECTIONS_DAYS = env.int("AIRUDDER_RETENTION_REJECTIONS_DAYS", default=30)
# How long a web process remembers an endpoint it looked up by token (0: look up every time).
AIRUDDER_ENDPOINT_CACHE_SECONDS = env.int("AIRUDDER_ENDPOINT_CACHE_SECONDS", default=30)
# Used to print full webhook URLs (admin, create_endpoint) when no request is at hand.
# Unset: commands print paths and say so, rather than an address that may not be this server's.
AIRUDDER_PUBLIC_BASE_URL = env("AIRUDDER_PUBLIC_BASE_URL", default="")
# The country (ISO 3166 alpha-2) of numbers written without a country code: a new endpoint's
# default_country, and the country of phone numbers typed into a search.
AIRUDDER_DEFAULT_PHONE_REGION = env("AIRUDDER_DEFAULT_PHONE_REGION", default="ID").upper()

# --- Operating: metrics and alerts (README, "Operating") ------------------------------------
# GET /metrics needs "Authorization: Bearer <this>"; unset, /metrics answers 404.
AIRUDDER_METRICS_TOKEN = env("AIRUDDER_METRICS_TOKEN", default="")
# Mail, as django-environ reads EMAIL_URL (smtp+tls://user:password@host:587, consolemail://).
vars().update(
    env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="airudder-inbox@localhost")
AIRUDDER_ALERT_EMAILS = env.list("AIRUDDER_ALERT_EMAILS", default=[])
# A Slack-compatible incoming webhook, sent {"text": ...}; unset, alerts go by email only.
AIRUDDER_ALERT_WEBHOOK_URL = env("AIRUDDER_ALERT_WEBHOOK_URL", default="")
# (a) more than THRESHOLD failed events among those received in the last WINDOW minutes.
AIRUDDER_ALERT_FAILURES_WINDOW_MINUTES = env.int(
    "AIRUDDER_ALERT_FAILURES_WINDOW_MINUTES", default=15
)
AIRUDDER_ALERT_FAILURES_THRESHOLD = env.int("AIRUDDER_ALERT_FAILURES_THRESHOLD", default=5)
# (b) the oldest event still unprocessed is older than this.
AIRUDDER_ALERT_BACKLOG_AGE_MINUTES = env.int("AIRUDDER_ALERT_BACKLOG_AGE_MINUTES", default=10)
# (c) an endpoint's kind with at least MIN_DELIVERIES new events in the last 24 h has had no
# delivery for longer than max(SILENCE_MIN_MINUTES, SILENCE_FACTOR x its median gap that day).
AIRUDDER_ALERT_SILENCE_MIN_MINUTES = env.int("AIRUDDER_ALERT_SILENCE_MIN_MINUTES", default=60)
AIRUDDER_ALERT_SILENCE_FACTOR = env.float("AIRUDDER_ALERT_SILENCE_FACTOR", default=10.0)
AIRUDDER_ALERT_SILENCE_MIN_DELIVERIES = env.int("AIRUDDER_ALERT_SILENCE_MIN_DELIVERIES", default=24)
# (d) more than THRESHOLD refused deliveries (unknown token, inactive endpoint, bad signature)
# in the last WINDOW minutes: an old URL still posted to, a secret not entered, or probing.
AIRUDDER_ALERT_REJECTIONS_WINDOW_MINUTES = env.int(
    "AIRUDDER_ALERT_REJECTIONS_WINDOW_MINUTES", default=15
)
AIRUDDER_ALERT_REJECTIONS_THRESHOLD = env.int("AIRUDDER_ALERT_REJECTIONS_THRESHOLD", default=0)

# --- Personal data --------------------------------------------------------------------------
# Retention, in days (0 keeps forever): raw deliveries of any status, and the records (calls,
# chat sessions, with their transcripts and messages). Deleted daily, this many rows a batch.
AIRUDDER_RETENTION_EVENTS_DAYS = env.int("AIRUDDER_RETENTION_EVENTS_DAYS", default=90)
AIRUDDER_RETENTION_RECORDS_DAYS = env.int("AIRUDDER_RETENTION_RECORDS_DAYS", default=730)
AIRUDDER_RETENTION_BATCH_SIZE = env.int("AIRUDDER_RETENTION_BATCH_SIZE", default=1000)

# --- Collections -----------------------------------------------------------------------------
# A number is unreachable after this many calls, none answered, over at least this many days.
COLLECTIONS_UNREACHABLE_ATTEMPTS = env.int("COLLECTIONS_UNREACHABLE_ATTEMPTS", default=5)
COLLECTIONS_UNREACHABLE_DAYS = env.int("COLLECTIONS_UNREACHABLE_DAYS", default=2)
# Event labels marked right party when first seen, and the slots that carry a promise's date
# and amount when an account names none (both compared folded: case, spaces, - and _ ignored).
COLLECTIONS_RIGHT_PARTY_LABELS = ["Correct_Person"]
COLLECTIONS_PROMISE_DATE_SLOTS = ["PTP_Date", "PaymentDate", "PromiseDate", "Promise_Date"]
COLLECTIONS_PROMISE_AMOUNT_SLOTS = ["PTP_Amount", "PaymentAmount", "PromiseAmount"]

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "AI Rudder inbox API",
    "DESCRIPTION": "Read-only access to call results, chat sessions and their outcomes.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The schema and its docs page need a login, like everything but the webhooks.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # No badge loaded from swagger.io's validator: the policy allows this origin only.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "records.schema.schema_refined",
    ],
}
