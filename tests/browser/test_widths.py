"""The admin read at a laptop's width (Chromium at 1400 × 900): on the lists of sync runs, record links,
change history and connections the columns an operator needs first are inside the window, rows keep to
one line and the filters are folded away (remembered per browser); the connection page and the rule
editor are no wider than the window."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from changelog.models import ChangeRecord
from rules.models import Action, Condition
from syncengine.choices import RunStatus, Trigger
from syncengine.models import RecordLink, SyncRun

from ..mappings_admin.catalog_data import make_connection, make_google_account, seed_live_catalogs
from .conftest import SCREENSHOTS, log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 1400, 900
LONG_NAME = "ACME Europe individual customers of the Benelux region ⇄ Google Contacts of the sales team"
LONG_EMAIL = "rosa.vargas.149.with-a-very-long-mailbox-name@subdomain.example-company-with-a-long-name.com"


@pytest.fixture
def wide_page(page: Page) -> Page:
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    return page


@pytest.fixture
def connection(netsuite_account):
    """A connection with a long name, its default mappings and rules, three finished runs, a link and history."""
    connection = make_connection(netsuite_account, make_google_account(), "individual_customers")
    connection.name = LONG_NAME
    connection.interval_minutes = 30
    connection.save()
    seed_live_catalogs(connection)
    now = timezone.now()
    for minutes, status in ((50, RunStatus.SUCCEEDED), (30, RunStatus.PARTIALLY_FAILED), (10, RunStatus.SUCCEEDED)):
        run = SyncRun.objects.create(
            connection=connection,
            trigger=Trigger.SCHEDULE,
            status=status,
            started_at=now - timedelta(minutes=minutes),
            finished_at=now - timedelta(minutes=minutes - 1, seconds=17),
            counters={
                "to_app": {"created": 12, "updated": 140, "unchanged": 9000, "failed": 2},
                "to_netsuite": {"updated": 7, "unchanged": 480, "skipped": 31},
                "action_overwrites": {"set_field": 3},
            },
        )
        SyncRun.objects.filter(pk=run.pk).update(queued_at=now - timedelta(minutes=minutes, seconds=5))
    RecordLink.objects.create(
        connection=connection,
        key="k" * 40,
        netsuite_id="1001",
        app_id="people/c8234723487234872348",
        match_key=LONG_EMAIL,
        netsuite_snapshot={"firstName": "Rosa", "lastName": "Vargas", "email": LONG_EMAIL},
        app_snapshot={"names": "Rosa Vargas", "email": LONG_EMAIL},
    )
    return connection


def shot_path(name: str):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


def _outside(page: Page, selector: str) -> list[str]:
    """The elements matching ``selector`` whose bounding box is not wholly inside the viewport, nor inside
    the visible part of the list (Django's ``.results`` box scrolls a too-wide table sideways)."""
    edge = min(WIDTH, page.evaluate("document.querySelector('#changelist .results').getBoundingClientRect().right"))
    boxes = page.locator(selector).evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [e.className, r.left, r.right, r.width]; })"
    )
    assert boxes, f"nothing matches {selector}"
    return [f"{name} {left:.0f}–{right:.0f}" for name, left, right, width in boxes if left < 0 or right > edge + 0.5]


def _wider_than_window(page: Page) -> list[str]:
    """The innermost elements reaching past the window's right edge (to say what widens a page)."""
    return page.evaluate(
        """w => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > w
                && ![...e.children].some(c => c.getBoundingClientRect().right > w))
            .slice(0, 8)
            .map(e => `${e.tagName.toLowerCase()}#${e.id}.${e.className} right=${e.getBoundingClientRect().right}`)""",
        WIDTH,
    )


def _assert_list_reads(page: Page, url: str, columns: list[str], screenshot: str) -> None:
    page.goto(url)
    page.wait_for_selector("#result_list")
    shot(page, screenshot, width=WIDTH, height=HEIGHT)
    for column in columns:
        outside = _outside(page, f"#result_list thead th.column-{column}")
        assert not outside, f"{url}: the {column} column lies outside the 1400 px window: {outside}"
        outside = _outside(page, f"#result_list tbody .field-{column}")
        assert not outside, f"{url}: a {column} cell lies outside the 1400 px window: {outside}"
    hidden = page.evaluate("(e => e.scrollWidth - e.clientWidth)(document.querySelector('#changelist .results'))")
    assert hidden <= 1, f"{url}: the list scrolls sideways by {hidden} px"
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, (
        f"{url} scrolls sideways: {_wider_than_window(page)}"
    )
    # One line per row: a row is as tall as one line of text (the admin's rows are ~35 px with padding).
    heights = page.locator("#result_list tbody tr").evaluate_all("rows => rows.map(r => r.offsetHeight)")
    assert heights and max(heights) <= 40, f"{url}: rows wrap over several lines: heights {heights}"


def test_lists_show_the_operators_columns_at_1400(wide_page: Page, administrator_user, connection):
    page = wide_page
    log_in(page, administrator_user)
    _assert_list_reads(
        page,
        "/admin/syncengine/syncrun/",
        ["run_status", "when", "duration", "summary_line", "connection_name"],
        "runs-list",
    )
    # The summary is cut to one line; the whole of it is on hover.
    summary = page.locator("#result_list tbody td.field-summary_line [title]").first
    assert "rule action set_field overwrote 3 existing records" in summary.get_attribute("title")
    _assert_list_reads(
        page,
        "/admin/syncengine/recordlink/",
        ["email", "connection_name", "netsuite_id", "app_record", "state", "updated"],
        "record-links-list",
    )
    assert page.locator(f'#result_list .field-email [title="{LONG_EMAIL}"]').count() == 1
    _assert_list_reads(
        page,
        "/admin/changelog/changerecord/",
        ["when", "action", "object_link", "author", "changes_summary"],
        "change-history-list",
    )
    _assert_list_reads(
        page,
        "/admin/connections/connection/",
        ["connection_name", "sync_status", "failing_records", "last_run_at"],
        "connections-list-1400",
    )
    name = page.locator("#result_list .field-connection_name [title]").first
    assert name.get_attribute("title") == LONG_NAME


def test_change_history_summarises_the_diff_and_shows_it_whole(wide_page: Page, administrator_user, connection):
    page = wide_page
    connection.interval_minutes = 45
    connection.phone_region = "NL"
    connection.paused = True
    connection.save()
    entry = ChangeRecord.objects.filter(connection_id=connection.pk, action="changed").order_by("-id").first()
    assert entry is not None and len(entry.changes) >= 3
    log_in(page, administrator_user)
    page.goto("/admin/changelog/changerecord/")
    cell = page.locator(f"#result_list tr:has(a[href$='/{connection.pk}/change/']) td.field-changes_summary").first
    labels = [c["label"] for c in entry.changes]
    assert cell.inner_text().startswith(f"{len(labels)} fields: {labels[0]}, {labels[1]}")
    page.goto(f"/admin/changelog/changerecord/{entry.pk}/change/")
    table = page.locator("table.change-diff")
    assert table.locator("thead th").all_text_contents() == ["Field", "Before", "After"]
    assert table.locator("tbody tr").count() == len(entry.changes)
    assert "{" not in table.inner_text() and "[" not in table.inner_text()  # never raw JSON
    shot(page, "change-history-entry", width=WIDTH, height=HEIGHT)


def test_filters_are_folded_away_and_the_choice_is_remembered(wide_page: Page, administrator_user, connection):
    page = wide_page
    log_in(page, administrator_user)
    page.goto("/admin/syncengine/syncrun/")
    toggle = page.locator("#changelist-filter-toggle")
    assert not page.locator("#changelist-filter").is_visible()  # folded: the columns get the width
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert page.locator("#changelist-filter").is_visible()
    assert toggle.get_attribute("aria-expanded") == "true"
    shot(page, "runs-list-filters-open", width=WIDTH, height=HEIGHT)
    # Opened, they take no width from the list: the runs' columns are all still in sight.
    for column in ("run_status", "when", "duration", "summary_line", "outcomes"):
        assert not _outside(page, f"#result_list thead th.column-{column}"), f"open filters push {column} away"
    page.goto("/admin/changelog/changerecord/")  # one choice for every list, kept across pages
    assert page.locator("#changelist-filter").is_visible()
    page.locator("#changelist-filter-toggle").click()
    page.goto("/admin/syncengine/syncrun/?status__exact=succeeded")
    assert not page.locator("#changelist-filter").is_visible()
    # A filtered list says so on the folded toggle, so nobody reads a filtered list as the whole.
    assert "1 active" in page.locator("#changelist-filter-toggle").inner_text()


def test_connection_page_and_rule_editor_fit_the_window(wide_page: Page, administrator_user, connection):
    page = wide_page
    log_in(page, administrator_user)
    page.goto(f"/admin/connections/connection/{connection.pk}/change/")
    page.wait_for_selector("#content-main")
    width = page.evaluate("document.documentElement.scrollWidth")
    shot(page, "connection-page-1400", width=WIDTH)
    assert width <= WIDTH, f"the connection page is {width} px wide: {_wider_than_window(page)}"
    # One line per mapping: the reason of the allowed directions is folded into a <details>.
    rows = page.locator("#field_mappings-group tbody tr.form-row:not(.empty-form)")
    assert rows.count() >= 5
    heights = rows.evaluate_all("rows => rows.map(r => r.offsetHeight)")
    # One line of fields: Django's small label above a saved mapping made it ~67 px, and a wrapping
    # "allowed directions" 150–250 px.
    assert max(heights) < 45, f"mapping rows are not one line: heights {heights}"
    reason = page.locator("#field_mappings-group details.allowed-directions").first
    assert not reason.locator(".reason").is_visible()
    reason.locator("summary").click()
    assert reason.locator(".reason").is_visible()
    assert rows.first.evaluate("r => r.offsetHeight") < 45  # opened over the rows below, not inside its row
    page.locator("#field_mappings-group").screenshot(path=str(shot_path("connection-page-directions-open")))

    rule = connection.rules.get(direction="to_app")
    # Saved conditions and actions: their dropdowns list the catalogs' long labels.
    Condition.objects.create(rule=rule, field_id="companyName", operator="contains", value="ACME Benelux Holding")
    Action.objects.create(rule=rule, field_id="notes", value="Imported from NetSuite by the contact sync")
    page.goto(f"/admin/rules/rule/{rule.pk}/change/")
    page.wait_for_selector("#content-main")
    width = page.evaluate("document.documentElement.scrollWidth")
    shot(page, "rule-editor-1400", width=WIDTH)
    assert width <= WIDTH, f"the rule editor is {width} px wide: {_wider_than_window(page)}"
