"""Kenesh settings: one module, configured by environment variables (KENESH_*).

Every setting a deployment may change is read from the environment here, so nothing in
code changes between the embedded SQLite demo and a PostgreSQL deployment.
"""

import os
from pathlib import Path

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("KENESH_DEBUG")
DATA_DIR = Path(os.environ.get("KENESH_DATA_DIR") or Path.cwd() / "var").resolve()

SECRET_KEY = os.environ.get("KENESH_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "KENESH_SECRET_KEY is not set. Set it to a long random string "
            "(`kenesh demo` makes one for its data directory; KENESH_DEBUG=1 allows an "
            "insecure development key)."
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("KENESH_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("KENESH_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "kenesh.core",
    "kenesh.access",
    "kenesh.people",
    "kenesh.convenings",
    "kenesh.deliberation",
    "kenesh.papers",
    "kenesh.influence",
    "kenesh.mentoring",
    "kenesh.notifications",
    "kenesh.monitoring",
    "kenesh.demo",
    "kenesh.core.admin_config.KeneshAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "rules.apps.AutodiscoverRulesConfig",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    # Last, so that core's templates may override its widgets (an empty choice in words).
    "django.forms",
]
# Widgets render through the project's template engine, so core/templates/django/forms/
# can say "Choose…" instead of "---------".
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
FILTERS_EMPTY_CHOICE_LABEL = _("Any")

MIDDLEWARE = [
    # First, so it sees every other middleware's response: 503 while the database is down.
    "kenesh.core.dbdown.DatabaseDownMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files: WhiteNoise, collected .br/.gz copies ahead of the sources (core/transfer.py).
    "kenesh.core.transfer.StaticFilesMiddleware",
    # gzip for pages, with Django's BREACH counter; below WhiteNoise, which sends static
    # files precompressed, and above everything that writes a response's body.
    "kenesh.core.transfer.CompressionMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kenesh.core.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "kenesh.access.sessions.SessionLimitsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kenesh.access.middleware.SecondStepMiddleware",
    "kenesh.access.middleware.DenyByDefaultMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kenesh.urls"
WSGI_APPLICATION = "kenesh.wsgi.application"

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
                "kenesh.core.context_processors.platform",
                "kenesh.notifications.context_processors.unread",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("KENESH_DATABASE_URL") or f"sqlite:///{DATA_DIR / 'kenesh.sqlite3'}",
        conn_max_age=int(os.environ.get("KENESH_DB_CONN_MAX_AGE", "0")),
        # A kept connection is checked before a request uses it, so one cut by a database
        # restart is replaced instead of failing the request (see core/dbdown.py).
        conn_health_checks=int(os.environ.get("KENESH_DB_CONN_MAX_AGE", "0")) > 0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A server that does not answer fails the request in seconds rather than hanging it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the pages read while a task writes; a busy timeout avoids "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "access.User"
AUTHENTICATION_BACKENDS = [
    "kenesh.access.backends.ThrottleBackend",
    "rules.permissions.ObjectPermissionBackend",
    "kenesh.access.backends.LoginBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "access:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "access:login"

LANGUAGE_CODE = os.environ.get("KENESH_LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["kenesh.formats"]
TIME_ZONE = os.environ.get("KENESH_TIME_ZONE", "Asia/Bishkek")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("KENESH_STATIC_ROOT") or DATA_DIR / "static")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed names once collectstatic has run (`kenesh demo` and `kenesh
    # serve` run it), cached for a year; plain names before that (tests, a checkout).
    "staticfiles": {"BACKEND": "kenesh.core.storage.StaticStorage"},
}
# Serve straight from the apps what collectstatic has not collected (tests, first start).
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"
# Uploads (CVs, papers, Track II documents) are readable by the platform's own user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["KENESH_REDIS_URL"],
        }
        if os.environ.get("KENESH_REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Mail: KENESH_EMAIL_URL names an SMTP server (smtp://user:password@host:587/?tls=True,
# or smtps:// for implicit TLS); without it, KENESH_EMAIL_BACKEND, else every message is
# written as a file under <data dir>/mail (the demo's outbox), readable by its owner only.
if os.environ.get("KENESH_EMAIL_URL"):
    globals().update(dj_email_url.parse(os.environ["KENESH_EMAIL_URL"]))
else:
    EMAIL_BACKEND = os.environ.get(
        "KENESH_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
    )
    EMAIL_FILE_PATH = DATA_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("KENESH_FROM_EMAIL", "kenesh@localhost")
# Seconds an SMTP server may take to answer before the attempt counts as failed (and is
# tried again later).
EMAIL_TIMEOUT = int(os.environ.get("KENESH_EMAIL_TIMEOUT", "20"))
# Where the platform is reached, for links in mail sent from background work.
KENESH_SITE_URL = os.environ.get("KENESH_SITE_URL", "http://127.0.0.1:8000")
# The programme's name at the head of every mail, until staff set one.
KENESH_PROGRAMME_NAME = os.environ.get("KENESH_PROGRAMME_NAME", "Kenesh")
# The cover of a printed paper, in the paper's language (English or Russian; other
# languages print the English): the programme's name in Russian (else as above), the
# funder's acknowledgement (none printed until set) and the disclaimer. Staff-stored
# platform settings of the same names come first (the demo stores a fictional funder's).
KENESH_PROGRAMME_NAME_RU = os.environ.get("KENESH_PROGRAMME_NAME_RU", "")
KENESH_FUNDER_ACKNOWLEDGEMENT = {
    "en": os.environ.get("KENESH_FUNDER_ACKNOWLEDGEMENT", ""),
    "ru": os.environ.get("KENESH_FUNDER_ACKNOWLEDGEMENT_RU", ""),
}
KENESH_DISCLAIMER = {
    "en": os.environ.get(
        "KENESH_DISCLAIMER",
        "The views expressed are the authors' own and do not necessarily reflect those of "
        "the funder or of the programme.",
    ),
    "ru": os.environ.get(
        "KENESH_DISCLAIMER_RU",
        "Мнения, изложенные в документе, принадлежат авторам и не обязательно совпадают с "
        "позицией донора или программы.",
    ),
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("KENESH_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if env_bool("KENESH_BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Proxies (addresses or networks) whose X-Forwarded-For is believed when finding a
# client's address (rate limits, audit); empty: the connection's own address.
KENESH_TRUSTED_PROXIES = env_list("KENESH_TRUSTED_PROXIES")

# Background work (opinion maps, reports, mail, reminders): the database queue by
# default, run by `kenesh serve`'s worker or `kenesh manage kenesh_worker`.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("KENESH_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# A worker whose heartbeat stopped this long ago is taken for dead, and its running task
# is queued again (core/worker.py).
KENESH_WORKER_STALE_SECONDS = max(10, int(os.environ.get("KENESH_WORKER_STALE_SECONDS", "30")))

# Stability bootstrap replicates for the opinion map: unset, the opinion package's own
# rule (20 up to 2,000 participants); 0, none.
KENESH_OPINION_BOOTSTRAP = (
    int(os.environ["KENESH_OPINION_BOOTSTRAP"])
    if os.environ.get("KENESH_OPINION_BOOTSTRAP")
    else None
)

# Largest document a convening accepts, in bytes.
KENESH_MAX_UPLOAD_BYTES = int(os.environ.get("KENESH_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
# Rows per page on the roster.
KENESH_ROSTER_PAGE_SIZE = 25

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "client_errors": {"()": "kenesh.core.logfilters.ClientErrorsWithoutTraceback"},
        "bounded": {"()": "kenesh.core.logfilters.BoundedMessages"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["client_errors", "bounded"]}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("KENESH_LOG_LEVEL", "WARNING")},
}

# --- sign-in: multi-factor, throttling, password hashing (issue 10) ---
# Argon2 first; older PBKDF2 hashes still sign in and are rehashed with Argon2 then.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Two-step sign-in (an authenticator app, with recovery codes) is required of staff and
# administrators unless this is off; everyone else may turn it on.
KENESH_MFA_REQUIRED = env_bool("KENESH_MFA_REQUIRED", True)
OTP_TOTP_ISSUER = "Kenesh"
# Five failed sign-ins (password or second step) for one account from one address lock
# that pair, and only that pair, for 15 minutes. The address is read through
# KENESH_TRUSTED_PROXIES (kenesh.core.net.client_address).
AXES_FAILURE_LIMIT = int(os.environ.get("KENESH_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = int(os.environ.get("KENESH_LOGIN_LOCKOUT_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "kenesh.core.net.client_address"
AXES_LOCKOUT_CALLABLE = "kenesh.access.views.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
AXES_RESET_ON_SUCCESS = False
# A failed attempt is kept while it counts (axes clears it after the cool-off), with the
# password, username and second-step code masked; successful sign-ins are not recorded
# with their address at all (who signed in from where is itself sensitive).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code", "csrfmiddlewaretoken"]
AXES_DISABLE_ACCESS_LOG = True

# --- sessions: tracking, timeouts, ending them (issue 10) ---
# Sessions live in the database (django.contrib.sessions), one access.UserSession row
# beside each; access.sessions.SessionLimitsMiddleware ends a session idle for
# KENESH_SESSION_IDLE_MINUTES or older than KENESH_SESSION_MAX_HOURS, for every role.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
KENESH_SESSION_IDLE_MINUTES = int(os.environ.get("KENESH_SESSION_IDLE_MINUTES", "60"))
KENESH_SESSION_MAX_HOURS = int(os.environ.get("KENESH_SESSION_MAX_HOURS", "12"))
SESSION_COOKIE_AGE = KENESH_SESSION_MAX_HOURS * 3600

# --- headers and deployment (issue 10) ---
# Cookies: never read by scripts (htmx sends the CSRF token from the page), never sent on
# another site's POST. The language cookie follows the session cookie's Secure flag.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# HTTPS only, behind a TLS proxy: plain HTTP is redirected, except /healthz, which a load
# balancer may poll over plain HTTP. HSTS (sent on HTTPS responses only): a year, with
# subdomains; "preload" by default so that `check --deploy` is clean (KENESH_HSTS_PRELOAD=0
# drops it, and the check then warns security.W021).
SECURE_SSL_REDIRECT = env_bool("KENESH_BEHIND_TLS_PROXY")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("KENESH_HSTS_SECONDS", 365 * 24 * 3600))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("KENESH_HSTS_PRELOAD", default=True)
# Content-Security-Policy (django-csp): nothing inline, nothing from another host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# --- retention (issue 10) ---
# `kenesh purge` removes, by default, what is older than these many days (an explicit
# `--before DATE` overrides every rule): applications not selected (of calls closed that
# long ago), the notes of mentoring sessions, the links between votes and people in
# closed conversations, ended sign-in sessions, and records of failed sign-ins.
KENESH_RETENTION_DAYS = {
    "applications": int(os.environ.get("KENESH_RETAIN_APPLICATIONS_DAYS", "365")),
    "session_notes": int(os.environ.get("KENESH_RETAIN_SESSION_NOTES_DAYS", "730")),
    "vote_links": int(os.environ.get("KENESH_RETAIN_VOTE_LINKS_DAYS", "180")),
    "sessions": int(os.environ.get("KENESH_RETAIN_SESSIONS_DAYS", "90")),
    "sign_in_failures": int(os.environ.get("KENESH_RETAIN_SIGN_IN_FAILURES_DAYS", "90")),
    "merged_records": int(os.environ.get("KENESH_RETAIN_MERGED_RECORDS_DAYS", "30")),
}
