"""Kenesh settings: one module, configured by environment variables (KENESH_*).

Every setting a deployment may change is read from the environment here, so nothing in
code changes between the embedded SQLite demo and a PostgreSQL deployment.
"""

import os
from pathlib import Path

import dj_database_url
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
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "rules.apps.AutodiscoverRulesConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kenesh.access.middleware.DenyByDefaultMiddleware",
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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("KENESH_DATABASE_URL") or f"sqlite:///{DATA_DIR / 'kenesh.sqlite3'}",
        conn_max_age=int(os.environ.get("KENESH_DB_CONN_MAX_AGE", "0")),
    )
}
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
# Serve straight from the apps when collectstatic has not run (tests, first start).
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

EMAIL_BACKEND = os.environ.get(
    "KENESH_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("KENESH_FROM_EMAIL", "kenesh@localhost")

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

# Background work (opinion maps): the database queue by default, run by `kenesh serve`'s
# worker or `kenesh manage db_worker`.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("KENESH_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

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

# --- sessions: tracking, timeouts, ending them (issue 10) ---

# --- headers and deployment (issue 10) ---
