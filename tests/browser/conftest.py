"""Browser tests: Playwright driving Debian's ``chromium`` against the admin on pytest-django's
``live_server``, with both sandboxes in this process and, where a run must happen in the
background, a real ``qcluster`` child process on the test database.

Playwright's own browser download does not work on our machines, so the browser is the
system's ``chromium`` (``scripts/ensure-chromium`` installs it; ``scripts/test`` calls it).
A missing browser is a failure, not a skip. Screenshots of the key pages go to
``docs/screenshots/`` when ``UPDATE_SCREENSHOTS=1`` (``SCREENSHOTS_DIR`` overrides it), else to a temporary folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from ..engine.harness import Sandboxes, start_sandboxes
from ..engine.workers import worker_env
from ..integration.processes import ROOT, start_qcluster, stop

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The committed screenshots are refreshed on purpose (UPDATE_SCREENSHOTS=1 scripts/test -m browser);
# an ordinary run saves them in a temporary folder so it leaves the work tree clean.
SCREENSHOTS = Path(
    os.environ.get("SCREENSHOTS_DIR")
    or (
        ROOT / "docs" / "screenshots"
        if os.environ.get("UPDATE_SCREENSHOTS") == "1"
        else tempfile.mkdtemp(prefix="shots-")
    )
)
XSS_NAME = "<script>window.__xss=1</script>"


@pytest.fixture(scope="module")
def _async_unsafe_allowed():
    # Playwright's sync API keeps an asyncio loop in this thread; Django would then refuse the
    # test's own ORM calls as "async". They are plain sequential calls, so allow them, for as
    # long as the browser is open and no longer.
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if before is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture(scope="module")
def browser(_async_unsafe_allowed) -> Browser:
    """Debian's chromium, headless."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: run scripts/ensure-chromium (scripts/test does).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server) -> Page:
    """A fresh browser context (no cookies) at a laptop-sized window; fails fast on a slow page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="module")
def _sandbox_servers():
    sandboxes = start_sandboxes()
    yield sandboxes
    sandboxes.netsuite_server.stop()
    sandboxes.google_server.stop()


def ns_person(first: str, last: str, email: str | None) -> dict:
    body = {"isPerson": True, "firstName": first, "lastName": last, "subsidiary": {"id": "1"}}
    return {**body, "email": email} if email else body


def g_person(first: str, last: str, email: str) -> dict:
    return {"names": [{"givenName": first, "familyName": last}], "emailAddresses": [{"value": email}]}


@pytest.fixture
def sandboxes(_sandbox_servers: Sandboxes, settings) -> Sandboxes:
    """Both sandboxes emptied and seeded with a few people; NetSuite also with the generated
    subsidiaries (one inactive, one elimination), and one customer whose first name is a script."""
    _sandbox_servers.reset()
    netsuite, google = _sandbox_servers.netsuite, _sandbox_servers.google
    netsuite.seed({"generate": {"customers": 4, "contacts": 0, "seed": 3}})
    people = [
        ns_person("Ada", "Lovelace", "ada@example.com"),
        ns_person("Alan", "Turing", "alan@example.com"),
        ns_person(XSS_NAME, "Mallory", "mallory@example.com"),
        ns_person("Grace", "Hopper", None),  # no email: excluded
    ]
    netsuite.seed({"records": {"customer": people}})
    google.seed({"persons": [g_person("Katherine", "Johnson", "katherine@example.com")]})
    # pytest-django runs with DEBUG off, where only listed hosts may be API base URLs.
    settings.API_BASE_URL_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.GOOGLE_CLIENT_ID = google.config.client_id
    settings.GOOGLE_CLIENT_SECRET = google.config.client_secret
    return _sandbox_servers


@pytest.fixture
def qcluster(transactional_db, sandboxes, tmp_path):
    """A real background worker (``manage.py qcluster``, ORM broker) on the test database.

    It keeps the default cluster name: the ORM broker's queue is named after the cluster, and the
    live server (this process) enqueues under the default name."""
    env = worker_env(sandboxes, Q_WORKERS="1")
    log = tmp_path / "qcluster.log"
    process = start_qcluster(env, log)
    yield process, log
    stop(process)


def shot(page: Page, name: str, *, width: int = 1280, height: int | None = None) -> Path:
    """Save a screenshot as ``docs/screenshots/<name>.png``: the whole page at ``width``, or
    only its top ``height`` pixels (for long pages). The window size is restored afterwards."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    before = page.viewport_size
    page.set_viewport_size({"width": width, "height": height or before["height"]})
    page.screenshot(path=str(path), full_page=height is None)
    page.set_viewport_size(before)
    return path


def log_in(page: Page, user) -> None:
    """Log in through the admin's login form (the root conftest's users have password ``pw-<username>``)."""
    page.goto("/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw-" + user.username)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")
