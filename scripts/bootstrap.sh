# shellcheck shell=bash
# Sourced by scripts/run and scripts/test: create .venv when missing and
# install the given requirements file when it changed since the last install.
# Needs only python3 (3.11+) and git on the machine.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PYTHON_BIN="${PYTHON:-python3}"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

bootstrap_venv() {
    local requirements="$1"
    if [ ! -x "$PY" ]; then
        echo "==> Creating the virtualenv in .venv"
        "$PYTHON_BIN" -m venv "$VENV"
        "$PY" -m pip install --quiet --upgrade pip
    fi
    # Reinstall only when a requirements file changed (fast restarts).
    local stamp="$VENV/.installed-$(basename "$requirements")"
    local digest
    digest="$(cat requirements*.txt | sha256sum | cut -d' ' -f1)"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
        echo "==> Installing $requirements"
        "$PY" -m pip install --quiet --disable-pip-version-check -r "$requirements"
        echo "$digest" > "$stamp"
    fi
}

migrate() {
    echo "==> Migrating the database"
    "$PY" manage.py migrate --noinput | grep -v "^  No migrations to apply" || true
}
