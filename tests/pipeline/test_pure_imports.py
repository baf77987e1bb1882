"""The pure steps load without Django's settings and without any model: a fresh interpreter imports them
and no ``models`` module of ours comes along (the import-linter contract ``pure`` checks the import graph;
this checks the loading)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PURE = (
    "syncengine.planner",
    "syncengine.merge",
    "syncengine.sync_config",
    "syncengine.pipeline.pairing",
    "syncengine.pipeline.exclusions",
    "syncengine.pipeline.echo",
    "syncengine.pipeline.deletions",
)


def test_the_planner_and_the_pipeline_import_without_settings_or_models():
    script = (
        "import importlib, json, sys\n"
        f"for name in {list(PURE)!r}: importlib.import_module(name)\n"
        "ours = [m for m in sys.modules if m.split('.')[-1] == 'models' and not m.startswith('django')]\n"
        "print(json.dumps(sorted(ours)))"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []
