"""Settings for the test suite: the normal settings in development mode.

The suite runs on ``DATABASE_URL`` when it is set (PostgreSQL in CI) and on
SQLite otherwise.
"""

import os

os.environ.setdefault("DEBUG", "1")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast test users
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
