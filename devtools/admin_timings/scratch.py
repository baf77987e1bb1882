"""The scratch database the measurements run in: created, migrated, and dropped afterwards."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection as db

from .progress import Log


@contextmanager
def scratch_database(log: Log) -> Iterator[str]:
    """A fresh, migrated database for the measurements, dropped afterwards; yields its name.

    Django's test-database machinery does the work: the configured database
    (``DATABASE_URL``) only lends its server, the scratch one gets its own
    name (a temporary SQLite file, or ``admin_timings_<pid>`` on PostgreSQL).
    """
    from django.test.utils import setup_test_environment, teardown_test_environment

    with tempfile.TemporaryDirectory(prefix="admin_timings-") as folder:
        settings_dict = settings.DATABASES["default"]
        if db.vendor == "sqlite":
            name = str(Path(folder) / "admin_timings.sqlite3")
        else:
            name = f"admin_timings_{os.getpid()}"
        if name == settings_dict["NAME"]:  # cannot happen with the names above; never drop the user's database
            raise RuntimeError(f"refusing to use the configured database {name!r} as the scratch database")
        settings_dict.setdefault("TEST", {})["NAME"] = name
        setup_test_environment()
        old_name = settings_dict["NAME"]
        log(f"Creating the scratch database {name} ({db.vendor}) and migrating it...")
        db.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            yield name
        finally:
            db.creation.destroy_test_db(old_name, verbosity=0)
            teardown_test_environment()
