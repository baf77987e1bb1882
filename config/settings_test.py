"""Settings for the test suite: the normal settings in development mode.

The suite runs on ``DATABASE_URL`` when it is set (PostgreSQL in CI) and on
SQLite otherwise.
"""

import os

os.environ.setdefault("DEBUG", "1")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast test users
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file (not :memory:) so that child processes (qcluster, sync workers)
    # share it; one per test process so parallel runs do not collide.
    DATABASES["default"]["TEST"] = {"NAME": str(LOCAL_DIR / f"test-{os.getpid()}.sqlite3")}  # noqa: F405

# pytest-django runs the tests with DEBUG off: the in-process sandboxes are trusted hosts.
API_BASE_URL_ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

# The unit and engine tests run inside one transaction per test (pytest-django), which on SQLite holds
# the write lock for the whole test: the leases, taken on a connection of their own, would wait for it.
# So they cap per process here; the slot stores have tests of their own (tests/slots) and the
# integration test runs real workers on the database and on Redis.
NETSUITE_SLOT_STORE = os.environ.get("NETSUITE_SLOT_STORE", "process")
