"""Django settings, read from the environment (django-environ).

Every variable is documented in ``.env.example`` and the README. Embedded
defaults (SQLite, django-q2's ORM broker) let the app run on a fresh machine;
production sets ``DATABASE_URL`` (PostgreSQL) and ``REDIS_URL``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_DIR = BASE_DIR / ".local"  # git-ignored: development keys, the SQLite file

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def _stop(message: str) -> None:
    """Stop at startup with a message an operator can act on (no traceback)."""
    sys.stderr.write(f"\nConfiguration error: {message}\n\n")
    raise SystemExit(1)


def _local_key(name: str, make) -> str:
    """A development-only key kept in a git-ignored file, created on first use."""
    LOCAL_DIR.mkdir(exist_ok=True)
    path = LOCAL_DIR / name
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        _stop("SECRET_KEY is not set. Set SECRET_KEY to a long random string (or DEBUG=1 for local development).")
    from django.core.management.utils import get_random_secret_key

    SECRET_KEY = _local_key("dev-secret-key", get_random_secret_key)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- secrets at rest -------------------------------------------------------
# Comma-separated Fernet keys: the first encrypts, all decrypt (rotation).
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
if not FIELD_ENCRYPTION_KEYS:
    if not DEBUG:
        _stop(
            "FIELD_ENCRYPTION_KEYS is not set. Generate one with "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`."
        )
    from cryptography.fernet import Fernet

    FIELD_ENCRYPTION_KEYS = [_local_key("field-encryption.key", lambda: Fernet.generate_key().decode())]

# API base URL overrides (sandboxes) are allowed for any http(s) host in DEBUG;
# outside DEBUG only for the hosts listed here.
API_BASE_URL_ALLOWED_HOSTS = env.list("API_BASE_URL_ALLOWED_HOSTS", default=[])

# How long one API request may take before it counts as failed (and is retried with backoff).
API_TIMEOUT_SECONDS = env.float("API_TIMEOUT_SECONDS", default=30.0)
# A credential check someone waits for (the wizard, the account form): one attempt, given up after this.
WIZARD_CHECK_TIMEOUT_SECONDS = env.float("WIZARD_CHECK_TIMEOUT_SECONDS", default=min(10.0, API_TIMEOUT_SECONDS))

# Google OAuth client (the app registered in Google Cloud, or the sandbox's).
GOOGLE_CLIENT_ID = env.str("GOOGLE_CLIENT_ID", default="")
GOOGLE_CLIENT_SECRET = env.str("GOOGLE_CLIENT_SECRET", default="")

# The phone region (ISO 3166-1 alpha-2) of a connection that sets none and whose subsidiary has no
# country; empty: no region, so only numbers written with a country code are normalised (never US implicitly).
PHONE_DEFAULT_REGION = env.str("PHONE_DEFAULT_REGION", default="").strip().upper()

# The apps the product can connect: one package each under connections/providers/, which registers
# itself from its ``provider`` module (see docs/architecture.md, "Adding an app").
SYNC_PROVIDERS = [
    "connections.providers.netsuite",
    "connections.providers.google_contacts",
    "connections.providers.hubspot",
    "connections.providers.mailchimp",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_q",
    "connections",
    "mappings",
    "rules",
    "syncengine",
    "ops",
    "configio",
    "changelog",
    "devtools",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "changelog.middleware.ChangeActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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

# --- database ----------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{LOCAL_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    LOCAL_DIR.mkdir(exist_ok=True)
    # WAL + IMMEDIATE transactions + a busy timeout: the web server and the
    # qcluster workers write the same file without "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
    DATABASES["default"]["TEST"] = {"NAME": str(LOCAL_DIR / "test.sqlite3")}
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / ".local" / "static")

LOGIN_URL = "admin:login"

# --- sessions and security ---------------------------------------------------------
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- email (notifications) -----------------------------------------------------------
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="contact-sync@localhost")
# The admin's address as people reach it, for links in notification emails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000" if DEBUG else "")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- django-q2, configured defensively (see STYLE.md) ---------------------------------
# Tasks take ids only; retries are decided by our own run table, so django-q2
# never redelivers (max_attempts=1) and a task is acknowledged even when it
# fails. `timeout` < `retry`, or a long task would run twice at once.
REDIS_URL = env.str("REDIS_URL", default="")
Q_TASK_TIMEOUT = env.int("Q_TASK_TIMEOUT", default=3600)
# A queued run whose task no worker started this many minutes after it was sent, while the task queue is
# empty, had its task lost with the queue (a Redis restart): the reaper sends it again (syncengine/services.py).
SYNC_RESEND_LOST_AFTER_MINUTES = env.int("SYNC_RESEND_LOST_AFTER_MINUTES", default=5)
Q_CLUSTER = {
    "name": env.str("Q_CLUSTER_NAME", default="contactsync"),
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": Q_TASK_TIMEOUT,
    "retry": Q_TASK_TIMEOUT + 300,
    "max_attempts": 1,
    "ack_failures": True,
    "catch_up": False,
    "save_limit": 1000,
    "label": "Background tasks",
    "poll": 1 if not REDIS_URL else 0.2,
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# --- NetSuite concurrency slots (connections/slots.py) ---------------------------------------
# NetSuite's concurrency limit is per account: every worker on every machine shares it through leases.
# Where they live: "redis" (on REDIS_URL), "database", or "process" (this process's memory only: for
# tests and scripts, never for more than one worker). Default: redis when REDIS_URL is set, else database.
NETSUITE_SLOT_STORE = env.str("NETSUITE_SLOT_STORE", default="") or ("redis" if REDIS_URL else "database")
# A lease outlives the longest request (the API timeout) by a margin; a crashed worker's slot is free after it.
NETSUITE_SLOT_LEASE_SECONDS = env.float("NETSUITE_SLOT_LEASE_SECONDS", default=API_TIMEOUT_SECONDS + 15.0)

# --- logging: stdout, secrets redacted -------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_secrets": {"()": "config.redaction.RedactSecretsFilter"},
        "no_403_traceback": {"()": "config.log_filters.PermissionDeniedWithoutTraceback"},
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["redact_secrets"],
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
        # A 403 is the admin refusing as designed: one line, no traceback (propagates to "django").
        "django.request": {"filters": ["no_403_traceback"]},
        "django-q": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
    },
}
