"""Settings behave safely at startup (run in subprocesses, as a deployment would)."""

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "FIELD_ENCRYPTION_KEYS")}
    base.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_mode_without_secret_key_stops_with_a_clear_message():
    result = _manage("check", DEBUG="0")
    assert result.returncode == 1
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_mode_without_encryption_keys_stops_with_a_clear_message():
    result = _manage("check", DEBUG="0", SECRET_KEY="x" * 60)
    assert result.returncode == 1
    assert "FIELD_ENCRYPTION_KEYS is not set" in result.stderr


def test_check_deploy_passes_with_the_documented_production_settings():
    # The same variables the README's "Production settings" section lists.
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="k8#Lq2!vZ9@wP4$rT7^yU1&iO6*pA3(sD5)fG0_hJ-+=mN" + "Xc" * 10,
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="sync.example.com",
        SECURE_HSTS_PRELOAD="1",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
