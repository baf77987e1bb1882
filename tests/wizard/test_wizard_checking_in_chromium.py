"""In Chromium: while NetSuite is checked the wizard's button is disabled and says "Checking with NetSuite…";
after the timeout the refusal is a headline with its causes, and the secrets are kept, not shown."""

from __future__ import annotations

import shutil
import socket

import pytest

from .conftest import TBA_NAMES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which("chromium") is None, reason="Chromium is not installed"),
    pytest.mark.django_db(transaction=True),
]


def test_the_check_shows_progress_then_a_listed_refusal_keeping_the_secrets(
    live_server, administrator_user, sandboxes, settings
):
    from playwright.sync_api import sync_playwright

    settings.WIZARD_CHECK_TIMEOUT_SECONDS = 3
    administrator_user.set_password("pw-for-the-browser-1")
    administrator_user.save()
    info = sandboxes.ns_info
    with socket.socket() as hanging, sync_playwright() as playwright:
        hanging.bind(("127.0.0.1", 0))
        hanging.listen(8)  # accepts, never answers: a NetSuite that hangs
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"))
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(live_server.url + "/admin/login/")
            page.fill("#id_username", administrator_user.username)
            page.fill("#id_password", "pw-for-the-browser-1")
            page.click("input[type=submit]")
            page.goto(live_server.url + "/admin/connections/connection/wizard/netsuite/")
            page.fill("#id_new-account_id", info["account_id"])
            page.fill("#id_new-api_base_url", f"http://127.0.0.1:{hanging.getsockname()[1]}")
            for name in TBA_NAMES:
                page.fill(f"#id_new-{name}", info[name])
            # Clicked from the page itself, and read at once: the page stays until NetSuite is given up on.
            disabled, hidden, text = page.evaluate(
                """() => {
                    document.querySelector('#authorize-netsuite').click();
                    const status = document.querySelector('#netsuite-checking');
                    return [document.querySelector('#authorize-netsuite').disabled, status.hidden, status.textContent];
                }"""
            )
            assert disabled and not hidden
            assert text == "Checking with NetSuite… (at most 3 s)"

            page.wait_for_selector("#netsuite-refusal", timeout=15000)
            assert page.inner_text("#netsuite-refusal strong") == "The account was not saved."
            assert "did not answer within 3s" in page.inner_text("#netsuite-refusal li")
            for name in TBA_NAMES:
                assert page.input_value(f"#id_new-{name}") == ""  # never rendered back...
                assert page.get_attribute(f"#id_new-{name}", "placeholder") == "kept — type to replace"
            assert info["token_secret"] not in page.content()
        finally:
            browser.close()
