"""The rule editor's operator filter (rules/static/rules/operator_filter.js) in Chromium: choosing a field
leaves only its type's operators enabled and clears an operator that no longer fits.

The condition row is the one the admin renders (its options and data-operators), opened as a file with the
script inlined: no live server is needed to prove what the script does with them."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which("chromium") is None, reason="Chromium is not installed"),
]
SCRIPT = Path(__file__).resolve().parents[2] / "rules" / "static" / "rules" / "operator_filter.js"


def _condition_row(html: str) -> str:
    """The template row of a new condition (its field and operator dropdowns), renamed to row 0."""
    field = re.search(r'<select name="[^"]*condition[^"]*-__prefix__-field_id"[^>]*>(.*?)</select>', html, re.S)
    operator = re.search(r'<select name="[^"]*condition[^"]*-__prefix__-operator"[^>]*>(.*?)</select>', html, re.S)
    return (
        f'<select class="rule-condition-field" name="c-0-field_id">{field.group(1)}</select>'
        f'<select class="rule-condition-operator" name="c-0-operator">{operator.group(1)}</select>'
    )


def test_choosing_a_field_offers_only_its_operators_and_clears_one_that_does_not_fit(
    client, administrator_user, to_app_rule, tmp_path
):
    from playwright.sync_api import sync_playwright

    client.force_login(administrator_user)
    html = client.get(reverse("admin:rules_rule_change", args=[to_app_rule.pk])).content.decode()
    page_file = tmp_path / "condition.html"
    page_file.write_text(_condition_row(html) + f"<script>{SCRIPT.read_text()}</script>")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"))
        try:
            page = browser.new_page()
            page.goto(page_file.as_uri())
            enabled = 'select[name="c-0-operator"] option:not([disabled])'
            # Before a field is chosen: the whole-record operators only.
            assert page.eval_on_selector_all(enabled, "els => els.map(e => e.value)") == [
                "",
                "exists_in_other_app",
                "not_exists_in_other_app",
            ]
            page.eval_on_selector('select[name="c-0-operator"]', "e => { e.value = 'starts_with'; }")
            page.select_option('select[name="c-0-field_id"]', "custentity_vip")  # a check box

            assert page.eval_on_selector_all(enabled, "els => els.map(e => e.value)") == [
                "",
                "is_true",
                "is_false",
                "is_empty",
                "is_not_empty",
            ]
            assert page.eval_on_selector('select[name="c-0-operator"]', "e => e.value") == ""
        finally:
            browser.close()
