"""vpdt settings. Everything an operator may change comes from environment variables.

The embedded default (no variable set) is SQLite plus a filesystem Celery broker in a data folder,
suitable for one small server. Production sets ``VPDT_PRODUCTION=1``, ``DATABASE_URL`` (PostgreSQL),
``CELERY_BROKER_URL`` (Redis) and, optionally, S3 storage. See README.md for the full list.
"""

from __future__ import annotations

import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF

from vpdt.core.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent

# --- Data folder -----------------------------------------------------------------------------
# Default: ./data of the checkout vpdt runs from (so `vpdt <command>` finds the same data from any
# folder); for an installed package without a checkout, ./data of the current folder.
_CHECKOUT = BASE_DIR.parent.parent
_DEFAULT_DATA = _CHECKOUT / "data" if (_CHECKOUT / "pyproject.toml").exists() else Path.cwd() / "data"
DATA_DIR = Path(env_str("VPDT_DATA_DIR", str(_DEFAULT_DATA))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
LOG_DIR = Path(env_str("VPDT_LOG_DIR", str(DATA_DIR / "logs")))
LOG_DIR.mkdir(parents=True, exist_ok=True)

PRODUCTION = env_bool("VPDT_PRODUCTION", False)
DEBUG = env_bool("VPDT_DEBUG", False)


def _secret_key() -> str:
    key = os.environ.get("VPDT_SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("VPDT_SECRET_KEY phải được đặt khi chạy ở chế độ production.")
    # Embedded default: a random key kept in the data folder, created on first start.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("VPDT_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("VPDT_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "django_htmx",
    "treebeard",
    "vpdt.core",
    "vpdt.journal",
    "vpdt.directory",
    "vpdt.accounts",
    "vpdt.storage",
    "vpdt.catalog",
    "vpdt.notifications",
    "vpdt.incoming",
    "vpdt.dossiers",
    "vpdt.outgoing",
    "vpdt.delegation",
    "vpdt.signing",
    "vpdt.search",
    "vpdt.digitize",
    "vpdt.backups",
    "vpdt.exchange",
    "vpdt.collab.sms",
    "vpdt.collab.mail",
    "vpdt.collab.boards",
    "vpdt.collab.chat",
    "vpdt.collab.orders",
    "vpdt.collab.polls",
    "vpdt.collab.calendar",
    "vpdt.sampledata",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "vpdt.core.headers.CSPMiddleware",
    "vpdt.core.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "vpdt.accounts.middleware.IdleSessionMiddleware",
    "vpdt.storage.uploads.NamedFilesMiddleware",  # before anything reads a form post
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "vpdt.core.middleware.RequestContextMiddleware",
    "vpdt.accounts.middleware.ForcePasswordChangeMiddleware",
    # AxesMiddleware must be last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "vpdt.urls"
WSGI_APPLICATION = "vpdt.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "vpdt.core.context_processors.site",
                "vpdt.notifications.context_processors.unread",
            ],
            # Every template has the date filters, the object links and the row badges.
            "builtins": [
                "vpdt.core.templatetags.vn",
                "vpdt.core.templatetags.links",
                "vpdt.core.templatetags.badges",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'vpdt.sqlite3'}"),
        conn_max_age=env_int("VPDT_DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run while one writer writes; IMMEDIATE takes the write lock at the
        # start of each transaction so counters (journal, numbering) serialise instead of failing.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication and accounts (SPEC §9) ---------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "vpdt.accounts.backends.StatusAwareBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "vpdt.accounts.validators.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "email")},
    },
    {
        "NAME": "vpdt.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("VPDT_PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "vpdt.accounts.validators.CommonPasswordValidator"},
    {"NAME": "vpdt.accounts.validators.NumericPasswordValidator"},
    {"NAME": "vpdt.accounts.validators.ComplexityValidator"},
    {"NAME": "vpdt.accounts.validators.HistoryValidator", "OPTIONS": {"depth": env_int("VPDT_PASSWORD_HISTORY", 5)}},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

VPDT_USERNAME_CONVENTION = env_str("VPDT_USERNAME_CONVENTION", "name")  # "name" or "province"
VPDT_LOCK_UNUSED_DAYS = env_int("VPDT_LOCK_UNUSED_DAYS", 30)
VPDT_REVOKE_INACTIVE_DAYS = env_int("VPDT_REVOKE_INACTIVE_DAYS", 60)
VPDT_INACTIVITY_HOUR = env_int("VPDT_INACTIVITY_HOUR", 1)

# Failed logins (django-axes with vpdt.accounts.lockout, for the login form and the API alike): a pair (username,
# address) is locked after VPDT_LOGIN_FAILURE_LIMIT failures, so nobody locks a colleague out by typing their
# username; per username, every attempt after VPDT_LOGIN_SLOWDOWN_AFTER failures (from all addresses) waits a
# doubling delay up to VPDT_LOGIN_SLOWDOWN_MAX_SECONDS, and the username itself is locked only after
# VPDT_LOGIN_USERNAME_LOCK_FAILURES failures from VPDT_LOGIN_USERNAME_LOCK_ADDRESSES different addresses.
AXES_HANDLER = "vpdt.accounts.lockout.LoginGuardHandler"
AXES_FAILURE_LIMIT = env_int("VPDT_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("VPDT_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # refused attempts neither count nor extend a lock
AXES_RESET_ON_SUCCESS = True
VPDT_LOGIN_SLOWDOWN_AFTER = env_int("VPDT_LOGIN_SLOWDOWN_AFTER", 10)
VPDT_LOGIN_SLOWDOWN_MAX_SECONDS = env_int("VPDT_LOGIN_SLOWDOWN_MAX_SECONDS", 60)
VPDT_LOGIN_USERNAME_LOCK_FAILURES = env_int("VPDT_LOGIN_USERNAME_LOCK_FAILURES", 30)
VPDT_LOGIN_USERNAME_LOCK_ADDRESSES = env_int("VPDT_LOGIN_USERNAME_LOCK_ADDRESSES", 10)
AXES_LOCKOUT_CALLABLE = "vpdt.accounts.views.lockout_response"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_IPWARE_PROXY_COUNT = env_int("VPDT_PROXY_COUNT", 0) or None

# Sessions and cookies.
SESSION_COOKIE_AGE = env_int("VPDT_SESSION_IDLE_MINUTES", 60) * 60
SESSION_SAVE_EVERY_REQUEST = False  # the idle timeout is kept by accounts.middleware.IdleSessionMiddleware
VPDT_SESSION_REFRESH_SECONDS = env_int("VPDT_SESSION_REFRESH_SECONDS", 60)
# The notification bell asks for its count this often (seconds). Such a background request does not extend the
# idle timeout above: only what the person does does.
VPDT_BELL_POLL_SECONDS = max(env_int("VPDT_BELL_POLL_SECONDS", 25), 1)
# An open conversation asks for new messages this often (seconds) when no live nudge comes (WebSockets blocked),
# and the list of conversations its unread counts.
VPDT_CHAT_POLL_SECONDS = max(env_int("VPDT_CHAT_POLL_SECONDS", 5), 1)
# Live updates (vpdt.core.realtime): the bell and the conversations are nudged over a WebSocket served by the live
# process of `vpdt serve` (VPDT_REALTIME_BIND; empty turns live updates off and pages only ask at their pace).
# Behind a proxy, VPDT_REALTIME_URL is the address pages open (e.g. /ws/ routed to that process, or wss://…).
# With several servers, VPDT_CHANNEL_REDIS_URL (Redis) carries the nudges between them; without it the embedded
# relay reads them from the database.
VPDT_REALTIME_BIND = env_str("VPDT_REALTIME_BIND", "127.0.0.1:8001")
VPDT_REALTIME_URL = env_str("VPDT_REALTIME_URL", "")
VPDT_CHANNEL_REDIS_URL = env_str("VPDT_CHANNEL_REDIS_URL", "")
ASGI_APPLICATION = "vpdt.asgi.application"


def redis_channel_layer(url: str) -> dict:
    """The Redis channel layer. All the sockets of one live process share one Redis queue, so its capacity bounds
    the nudges waiting for the whole process, not for one page: a message to a 500-member group is 500 nudges at
    once (the default of 100 drops the rest). A live process whose sockets all close at once (a proxy restarting)
    leaves as many groups together: its connection pool must not refuse them (redis-py's default is 100). A live
    process waits for nudges in blocking reads of 5 seconds: a read may last longer than that (redis-py's default
    socket timeout, 5 seconds, ends the pages' sockets when nothing happens for a while)."""
    host = {"address": url, "max_connections": 10000, "socket_timeout": 30, "socket_connect_timeout": 5}
    return {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [host], "capacity": 20000}}


CHANNEL_LAYERS = {
    "default": (
        redis_channel_layer(VPDT_CHANNEL_REDIS_URL)
        if VPDT_CHANNEL_REDIS_URL
        else {"BACKEND": "channels.layers.InMemoryChannelLayer"}
    )
}
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "vpdt_session"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp) on every response: scripts, styles, images, fonts and requests from vpdt
# itself only; no inline script, no on…= handler, no style attribute (templates use classes, data attributes and
# static/vpdt/vpdt.js); no object, no framing by another site.
# data: images are Bootstrap's built-in SVG icons (select arrows, close buttons).
# (vpdt.core.headers.CSPMiddleware adds the origin of VPDT_LOCAL_SIGNER_URL to connect-src.)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
VPDT_PERMISSIONS_POLICY_OFF = [
    "accelerometer",
    "camera",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "payment",
    "usb",
    "serial",
    "hid",
    "bluetooth",
]
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("VPDT_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("VPDT_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Internationalisation --------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["vpdt.core.formats"]

# --- Static and stored files -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("VPDT_STATIC_ROOT", str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(env_str("VPDT_MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "/media/"
VPDT_STORAGE = env_str("VPDT_STORAGE", "local")  # "local" or "s3"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if VPDT_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("VPDT_S3_BUCKET", ""),
            "endpoint_url": env_str("VPDT_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("VPDT_S3_REGION", "") or None,
            "access_key": env_str("VPDT_S3_ACCESS_KEY", "") or None,
            "secret_key": env_str("VPDT_S3_SECRET_KEY", "") or None,
            "default_acl": None,
            "file_overwrite": False,
        },
    }
TESTING = env_bool("VPDT_TESTING", "pytest" in sys.modules)
if TESTING:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- REST API --------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "vpdt.accounts.permissions.PasswordChangedPermission",
    ],
    "DEFAULT_PAGINATION_CLASS": "vpdt.core.pagination.KeysetPagination",
    "PAGE_SIZE": 20,
    # Control characters removed from every string (vpdt.core.text); multipart with file parts Django would drop
    # for their names kept, so they are refused, not lost.
    "DEFAULT_PARSER_CLASSES": [
        "vpdt.core.parsers.JSONParser",
        "vpdt.core.parsers.FormParser",
        "vpdt.storage.uploads.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "vpdt.core.api.exception_handler",
    # Per client address; the lockout policy (vpdt.accounts.lockout) limits per account. An office often shares one
    # public address.
    "DEFAULT_THROTTLE_RATES": {"login": env_str("VPDT_API_LOGIN_RATE", "300/min")},
}
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env_int("VPDT_API_TOKEN_HOURS", 10)),
    "AUTO_REFRESH": True,
}
# The schema (/api/v1/schema/) and its documentation page (/api/v1/docs/) are for signed-in people (session or
# token) unless VPDT_API_SCHEMA_PUBLIC=1.
VPDT_API_SCHEMA_PUBLIC = env_bool("VPDT_API_SCHEMA_PUBLIC", False)
SPECTACULAR_SETTINGS = {
    "SERVE_PERMISSIONS": ["vpdt.accounts.permissions.SchemaAccess"],
    "TITLE": "vpdt API",
    "DESCRIPTION": "API của văn phòng điện tử vpdt (quản lý văn bản và điều hành).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name for the account status reasons (used by users and by the lock/unlock actions).
    "ENUM_NAME_OVERRIDES": {
        "StatusReasonEnum": "vpdt.accounts.models.StatusReason",
        "SigningSessionStatusEnum": "vpdt.signing.models.SessionStatus",
        "AccountStatusEnum": "vpdt.accounts.models.AccountStatus",
        "BoardKindEnum": "vpdt.collab.boards.models.BoardKind",
        "ConversationKindEnum": "vpdt.collab.chat.models.Kind",
        "MailKindEnum": "vpdt.collab.mail.models.Kind",
        "TaskLinkKindEnum": "vpdt.collab.orders.models.LinkKind",
        "FollowUpKindEnum": "vpdt.collab.orders.models.FollowUpKind",
        "RoleEnum": "vpdt.core.roles.Role",
        "CalendarEntryStatusEnum": "vpdt.collab.calendar.models.EntryStatus",
        "CalendarParticipantRoleEnum": "vpdt.collab.calendar.models.ParticipantRole",
        "CalendarFrequencyEnum": "vpdt.collab.calendar.models.Frequency",
        "CalendarReminderEnum": "vpdt.collab.calendar.models.Reminder",
    },
}

# --- Celery (background work) ----------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_ALWAYS_EAGER = env_bool("VPDT_CELERY_EAGER", False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# OCR is slow and CPU-heavy: its own queue (the embedded worker of `vpdt serve` consumes "celery" and "ocr";
# production runs a dedicated worker with `celery -A vpdt worker -Q ocr`).
CELERY_TASK_ROUTES = {
    "vpdt.digitize.tasks.run_ocr": {"queue": "ocr"},
    "vpdt.digitize.tasks.build_archive": {"queue": "ocr"},
    "vpdt.exchange.tasks.*": {"queue": "exchange"},
}
VPDT_OCR_JOBS = env_int("VPDT_OCR_JOBS", 1)  # pages OCRed in parallel by one job
# Threads of one Tesseract reading a page (its OpenMP threads). One by default: the extra threads spin while they
# wait and, on a server that does other work, cost up to three times the CPU seconds for the same text, and more
# wall time too. Raise it only on a machine kept for OCR alone; an OMP_THREAD_LIMIT in the environment wins.
VPDT_OCR_THREADS = env_int("VPDT_OCR_THREADS", 1)
# DOCX/ODT → PDF with LibreOffice: time and memory ceilings of one conversion, and the most a package may unpack to.
VPDT_OFFICE_TIMEOUT_SECONDS = env_int("VPDT_OFFICE_TIMEOUT_SECONDS", 180)
VPDT_OFFICE_MEMORY_MB = env_int("VPDT_OFFICE_MEMORY_MB", 2048)
VPDT_OFFICE_MAX_UNPACKED_MB = env_int("VPDT_OFFICE_MAX_UNPACKED_MB", 200)
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = DATA_DIR / "broker"
    for _sub in ("out", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        # Exchange bindings; kombu's default is "control" in the current directory.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    # kombu's filesystem transport, writing each message whole before the worker can see it (vpdt.core.broker).
    CELERY_BROKER_TRANSPORT = "vpdt.core.broker:Transport"


def _cron(spec: str) -> crontab:
    minute, hour, day_of_month, month_of_year, day_of_week = spec.split()
    return crontab(
        minute=minute, hour=hour, day_of_month=day_of_month, month_of_year=month_of_year, day_of_week=day_of_week
    )


CELERY_BEAT_SCHEDULE = {
    "accounts-enforce-inactivity": {
        "task": "vpdt.accounts.tasks.enforce_inactivity",
        "schedule": _cron(env_str("VPDT_INACTIVITY_CRON", "0 1 * * *")),
    },
    "backups-weekly": {
        "task": "vpdt.backups.tasks.scheduled_backup",
        "schedule": _cron(env_str("VPDT_BACKUP_CRON", "0 2 * * 0")),
    },
}

# --- Incoming documents ---------------------------------------------------------------------
VPDT_MAX_UPLOAD_MB = env_int("VPDT_MAX_UPLOAD_MB", 50)
VPDT_CLAMAV = env_str("VPDT_CLAMAV", "")  # e.g. tcp://127.0.0.1:3310 or unix:///run/clamav/clamd.ctl
# Non-urgent incoming documents reach the leader in batches (cron: minute hour); urgent ones at once.
VPDT_INCOMING_BATCH_CRON = env_str("VPDT_INCOMING_BATCH_CRON", "0 9,15 * * *")
CELERY_BEAT_SCHEDULE["incoming-submit-batch"] = {
    "task": "vpdt.incoming.tasks.submit_batch",
    "schedule": _cron(VPDT_INCOMING_BATCH_CRON),
}
VPDT_DUE_SOON_DAYS = env_int("VPDT_DUE_SOON_DAYS", 2)
CELERY_BEAT_SCHEDULE["incoming-reminders"] = {
    "task": "vpdt.incoming.tasks.send_reminders",
    "schedule": _cron(env_str("VPDT_REMINDER_CRON", "30 7 * * 1-5")),
}

# --- Outgoing documents ---------------------------------------------------------------------
# Public holidays (dd/mm/yyyy, comma separated) skipped when counting review deadlines in working days.
VPDT_HOLIDAYS = env_list("VPDT_HOLIDAYS", [])
VPDT_REVIEW_DAYS = env_int("VPDT_REVIEW_DAYS", 3)  # reviewers answer within 3 working days (1 if urgent)
CELERY_BEAT_SCHEDULE["outgoing-review-reminders"] = {
    "task": "vpdt.outgoing.tasks.review_reminders",
    "schedule": _cron(env_str("VPDT_REVIEW_REMINDER_CRON", "35 7 * * 1-5")),
}

# --- Announcements and boards (tin điều hành) ----------------------------------------------
# An announcement is kept one quarter from posting, longer when the agency's administrator extends it.
VPDT_ANNOUNCEMENT_RETENTION_MONTHS = env_int("VPDT_ANNOUNCEMENT_RETENTION_MONTHS", 3)
CELERY_BEAT_SCHEDULE["boards-expire-announcements"] = {
    "task": "vpdt.collab.boards.tasks.expire_announcements",
    "schedule": _cron(env_str("VPDT_ANNOUNCEMENT_RETENTION_CRON", "15 1 * * *")),
}

# --- Tasks as official orders (giao việc, nhắc việc) -----------------------------------------
# Every working morning the leads of open tasks due tomorrow or late are reminded.
CELERY_BEAT_SCHEDULE["orders-remind-due"] = {
    "task": "vpdt.collab.orders.tasks.remind_due",
    "schedule": _cron(env_str("VPDT_TASK_REMINDER_CRON", "40 7 * * 1-5")),
}

# --- Opinion polls on drafts (lấy ý kiến) ---------------------------------------------------
# A closed poll is kept one month from closing, longer when the agency's administrator extends it. Non-responders
# are reminded once this many days before the deadline.
VPDT_POLL_RETENTION_MONTHS = env_int("VPDT_POLL_RETENTION_MONTHS", 1)
VPDT_POLL_REMIND_DAYS = env_int("VPDT_POLL_REMIND_DAYS", 1)
CELERY_BEAT_SCHEDULE["polls-expire"] = {
    "task": "vpdt.collab.polls.tasks.expire_polls",
    "schedule": _cron(env_str("VPDT_POLL_RETENTION_CRON", "25 1 * * *")),
}
CELERY_BEAT_SCHEDULE["polls-remind"] = {
    "task": "vpdt.collab.polls.tasks.remind_non_responders",
    "schedule": _cron(env_str("VPDT_POLL_REMIND_CRON", "0 7 * * *")),
}
# An open poll is closed automatically (summary, attached to the draft, those who did not answer told) once its
# deadline has passed: checked every 15 minutes.
CELERY_BEAT_SCHEDULE["polls-close-expired"] = {
    "task": "vpdt.collab.polls.tasks.close_expired",
    "schedule": _cron(env_str("VPDT_POLL_CLOSE_CRON", "*/15 * * * *")),
}

# --- Work calendar and meetings (lịch công tác) -------------------------------------------
# An entry is kept this many months after it ends (a year), then removed by the daily task (journaled). Reminders
# (15, 30 or 60 minutes before an approved entry) are sent by a task every minute.
VPDT_CALENDAR_RETENTION_MONTHS = env_int("VPDT_CALENDAR_RETENTION_MONTHS", 12)
CELERY_BEAT_SCHEDULE["calendar-expire"] = {
    "task": "vpdt.collab.calendar.tasks.expire_entries",
    "schedule": _cron(env_str("VPDT_CALENDAR_RETENTION_CRON", "35 1 * * *")),
}
CELERY_BEAT_SCHEDULE["calendar-remind"] = {
    "task": "vpdt.collab.calendar.tasks.send_reminders",
    "schedule": _cron(env_str("VPDT_CALENDAR_REMINDER_CRON", "* * * * *")),
}

# --- Internal mail (thư nội bộ) ------------------------------------------------------------
# A copy left in a person's trash this many days is deleted for them (the message stays for the others).
VPDT_MAIL_TRASH_DAYS = env_int("VPDT_MAIL_TRASH_DAYS", 30)
CELERY_BEAT_SCHEDULE["internalmail-empty-trash"] = {
    "task": "vpdt.collab.mail.tasks.empty_trash",
    "schedule": _cron(env_str("VPDT_MAIL_TRASH_CRON", "20 1 * * *")),
}

# Digitization jobs lost by a stopped worker (queued or running for over 30 minutes) are sent again.
CELERY_BEAT_SCHEDULE["digitize-requeue-stale"] = {
    "task": "vpdt.digitize.tasks.requeue_stale",
    "schedule": _cron(env_str("VPDT_OCR_REQUEUE_CRON", "*/15 * * * *")),
}

CELERY_BEAT_SCHEDULE["delegation-expiry"] = {
    "task": "vpdt.delegation.tasks.notify_expired",
    "schedule": _cron(env_str("VPDT_DELEGATION_EXPIRY_CRON", "5 0 * * *")),
}
CELERY_BEAT_SCHEDULE["signing-certificate-expiry"] = {
    "task": "vpdt.signing.tasks.certificate_expiry",
    "schedule": _cron(env_str("VPDT_CERT_EXPIRY_CRON", "10 7 * * *")),
}

# --- Journal ---------------------------------------------------------------------------------
# The journal's keys live outside the database (README, "Khóa nhật ký"): VPDT_JOURNAL_KEY, one or more secrets
# separated by commas, the current one first; unset, the key file below, created on first use (0600).
VPDT_JOURNAL_KEY = env_str("VPDT_JOURNAL_KEY", "")
VPDT_JOURNAL_KEY_FILE = Path(env_str("VPDT_JOURNAL_KEY_FILE", str(DATA_DIR / "journal.key")))
# Signed checkpoints of the journal's head, appended outside the database by the beat task below.
VPDT_JOURNAL_CHECKPOINTS = Path(env_str("VPDT_JOURNAL_CHECKPOINTS", str(DATA_DIR / "journal-checkpoints.jsonl")))
CELERY_BEAT_SCHEDULE["journal-checkpoint"] = {
    "task": "vpdt.journal.tasks.checkpoint",
    "schedule": _cron(env_str("VPDT_JOURNAL_CHECKPOINT_CRON", "*/10 * * * *")),
}

# --- Backups ---------------------------------------------------------------------------------
VPDT_BACKUP_DIR = Path(env_str("VPDT_BACKUP_DIR", str(DATA_DIR / "backups")))
VPDT_BACKUP_KEEP = env_int("VPDT_BACKUP_KEEP", 8)

# --- E-mail ----------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("VPDT_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("VPDT_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("VPDT_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("VPDT_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("VPDT_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("VPDT_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env_str("VPDT_EMAIL_FROM", "vpdt@localhost")
# The address people reach vpdt at (e.g. https://vpdt.nghean.gov.vn): links in notification e-mails start with it.
VPDT_SITE_URL = env_str("VPDT_SITE_URL", "")

# --- Web push (thông báo đẩy) -----------------------------------------------------------------------
# The VAPID key pair of this deployment (created on first use, 0600; keep it in the backups) and the contact the
# push services see (default: VPDT_SITE_URL when it is https, else mailto: the sender address above).
VPDT_VAPID_PRIVATE_KEY_FILE = Path(env_str("VPDT_VAPID_PRIVATE_KEY_FILE", str(DATA_DIR / "vapid.pem")))
VPDT_VAPID_SUBJECT = env_str("VPDT_VAPID_SUBJECT", "")
# The push services a browser may name (scheme://host patterns): the server posts only to these.
VPDT_WEBPUSH_SERVICES = env_list(
    "VPDT_WEBPUSH_SERVICES",
    [
        "https://fcm.googleapis.com",
        "https://updates.push.services.mozilla.com",
        "https://*.push.apple.com",
        "https://*.notify.windows.com",
    ],
)

# --- SMS (tin nhắn) ----------------------------------------------------------------------------------
# The gateway: "outbox" (default: messages appended to VPDT_SMS_OUTBOX and the log) or "http" (an SMS-brandname
# API; see vpdt.collab.sms.gateway for the template's placeholders). The password comes from the environment
# (VPDT_SMS_PASSWORD) or a file (VPDT_SMS_PASSWORD_FILE), never from this file, and is never logged.
VPDT_SMS_GATEWAY = env_str("VPDT_SMS_GATEWAY", "outbox")
VPDT_SMS_OUTBOX = Path(env_str("VPDT_SMS_OUTBOX", str(DATA_DIR / "sms-outbox.jsonl")))
VPDT_SMS_URL = env_str("VPDT_SMS_URL", "")
VPDT_SMS_USERNAME = env_str("VPDT_SMS_USERNAME", "")
VPDT_SMS_PASSWORD_FILE = env_str("VPDT_SMS_PASSWORD_FILE", "")
VPDT_SMS_BRANDNAME = env_str("VPDT_SMS_BRANDNAME", "VPDT")
VPDT_SMS_TEMPLATE = env_str(
    "VPDT_SMS_TEMPLATE",
    '{"username": "{username}", "password": "{password}", "brandname": "{brandname}", '
    '"phone": "{phone_intl}", "message": "{text}", "ref": "{id}"}',
)
VPDT_SMS_ACCEPT_FIELD = env_str("VPDT_SMS_ACCEPT_FIELD", "status")  # empty: any 2xx answer accepts
VPDT_SMS_ACCEPT_VALUES = env_list("VPDT_SMS_ACCEPT_VALUES", ["0", "ok", "success", "100"])
VPDT_SMS_ERROR_FIELD = env_str("VPDT_SMS_ERROR_FIELD", "message")
VPDT_SMS_REF_FIELD = env_str("VPDT_SMS_REF_FIELD", "id")
VPDT_SMS_TIMEOUT = env_int("VPDT_SMS_TIMEOUT", 10)  # seconds to connect, and to wait for the answer
VPDT_SMS_RETRIES = env_int("VPDT_SMS_RETRIES", 3)  # further tries after a timeout, a connection error or a 5xx
VPDT_SMS_RETRY_SECONDS = env_int("VPDT_SMS_RETRY_SECONDS", 60)  # first wait; doubled at each try
# The secret a gateway's delivery reports (POST /tin-nhan/bao-nhan/) carry in the X-Vpdt-Sms-Token header; empty:
# no reports are taken.
VPDT_SMS_REPORT_TOKEN = env_str("VPDT_SMS_REPORT_TOKEN", "")
VPDT_SMS_MAX_LENGTH = env_int("VPDT_SMS_MAX_LENGTH", 160)  # characters; longer messages are cut with "..."
VPDT_SMS_RATE_LIMIT = env_int("VPDT_SMS_RATE_LIMIT", 20)  # messages one person may send ...
VPDT_SMS_RATE_MINUTES = env_int("VPDT_SMS_RATE_MINUTES", 60)  # ... within this many minutes

# --- Logging ---------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "filters": {"request_id": {"()": "vpdt.core.middleware.RequestIdFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]},
        "file": {
            "class": "logging.handlers.RotatingFileHandler",
            "filename": str(LOG_DIR / "vpdt.log"),
            "maxBytes": 10 * 1024 * 1024,
            "backupCount": 10,
            "encoding": "utf-8",
            "formatter": "plain",
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console", "file"], "level": env_str("VPDT_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # pyHanko logs every failed path build with a traceback; our verification report says it in Vietnamese.
        "pyhanko": {"level": "ERROR"},
        "pyhanko_certvalidator": {"level": "ERROR"},
    },
}

# Digital signatures (signing app)
VPDT_SIGNING_KEY = env_str("VPDT_SIGNING_KEY", "")  # encrypts stored PKCS#12 files; defaults to the secret key
VPDT_SIGNING_ONLINE = env_bool("VPDT_SIGNING_ONLINE", False)  # fetch CRL/OCSP over the network when verifying
VPDT_SIGNING_SESSION_MINUTES = env_int("VPDT_SIGNING_SESSION_MINUTES", 30)
VPDT_LOCAL_SIGNER_URL = env_str("VPDT_LOCAL_SIGNER_URL", "http://127.0.0.1:8765/sign")  # USB-token service
VPDT_SEAL_MM = env_int("VPDT_SEAL_MM", 36)
VPDT_REMOTE_SIGNER_URL = env_str("VPDT_REMOTE_SIGNER_URL", "")  # remote signing service (server-side adapter)
VPDT_REMOTE_SIGNER_TOKEN = env_str("VPDT_REMOTE_SIGNER_TOKEN", "")
VPDT_REMOTE_SIGNER_TIMEOUT = env_int("VPDT_REMOTE_SIGNER_TIMEOUT", 60)

# Exchange (liên thông): the shared secrets of connected systems are encrypted with this key (defaults to the secret
# key); the worker sends what is due and fetches from the hub above on these schedules; the largest package taken.
VPDT_EXCHANGE_KEY = env_str("VPDT_EXCHANGE_KEY", "")
VPDT_EXCHANGE_MAX_PACKAGE_MB = env_int("VPDT_EXCHANGE_MAX_PACKAGE_MB", 200)
VPDT_EXCHANGE_MAX_ATTACHMENT_MB = env_int("VPDT_EXCHANGE_MAX_ATTACHMENT_MB", 150)
# A failed send is retried after 1, 2, 4… times VPDT_EXCHANGE_RETRY_SECONDS; a worker's lease on a message it is
# sending lasts VPDT_EXCHANGE_LEASE_SECONDS (a worker killed mid-send leaves it due again after that).
VPDT_EXCHANGE_RETRY_SECONDS = env_int("VPDT_EXCHANGE_RETRY_SECONDS", 60)
VPDT_EXCHANGE_LEASE_SECONDS = env_int("VPDT_EXCHANGE_LEASE_SECONDS", 120)


def _every(seconds_variable: str, cron_variable: str, cron_default: str):
    """A schedule in seconds when ``seconds_variable`` is set (a hub under load, a test), else the cron one."""
    seconds = env_int(seconds_variable, 0)
    return timedelta(seconds=seconds) if seconds > 0 else _cron(env_str(cron_variable, cron_default))


CELERY_BEAT_SCHEDULE["exchange-send-due"] = {
    "task": "vpdt.exchange.tasks.send_due",
    "schedule": _every("VPDT_EXCHANGE_SEND_SECONDS", "VPDT_EXCHANGE_SEND_CRON", "* * * * *"),
}
CELERY_BEAT_SCHEDULE["exchange-poll"] = {
    "task": "vpdt.exchange.tasks.poll",
    "schedule": _every("VPDT_EXCHANGE_POLL_SECONDS", "VPDT_EXCHANGE_POLL_CRON", "*/5 * * * *"),
}
if not PRODUCTION:  # the demo's simulated connected system answers what the demo sends it
    CELERY_BEAT_SCHEDULE["demo-partner"] = {
        "task": "vpdt.sampledata.tasks.answer_as_demo_partner",
        "schedule": _cron(env_str("VPDT_DEMO_PARTNER_CRON", "* * * * *")),
    }

SILENCED_SYSTEM_CHECKS: list[str] = []
CSRF_FAILURE_VIEW = "vpdt.core.views.csrf_failure"
