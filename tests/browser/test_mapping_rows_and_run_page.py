"""The connection page's mapping rows and a run's page, in Chromium at 1400 × 900: an invalid mapping's message
sits on its own row and the top of the page links to it; choosing a row's fields shows its allowed directions at
once and narrows its direction select; every row is one line; the run page shows its duration and a table per
direction whose counts lead to the right outcomes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mappings.models import FieldMapping
from rules.models import Action, Condition
from syncengine.choices import Outcome, RunStatus, SyncDirection, Trigger
from syncengine.models import RecordOutcome, SyncRun

from ..mappings_admin.catalog_data import make_connection, make_google_account, seed_live_catalogs
from .conftest import SCREENSHOTS, log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 1400, 900
ROW_HEIGHT = 45  # one line of fields: Django's label above a saved row made it ~67 px


@pytest.fixture
def wide_page(page: Page) -> Page:
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    return page


@pytest.fixture
def connection(netsuite_account):
    """Individual customers ⇄ Google with its default mappings and rules, and refreshed catalogs (custom fields)."""
    connection = make_connection(netsuite_account, make_google_account(), "individual_customers")
    seed_live_catalogs(connection)
    return connection


def _shot_path(name: str):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


def _part_shot(locator, name: str) -> None:
    """A screenshot of one part of the page (``docs/screenshots/<name>.png`` when refreshing them)."""
    locator.screenshot(path=str(_shot_path(name)))


def _change_url(connection) -> str:
    return f"/admin/connections/connection/{connection.pk}/change/"


def _page_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def _overflowing_inlines(page: Page) -> list[str]:
    """The inline groups whose table reaches past the group's right edge (cut off, or widening the page)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.inline-group')].filter(g => {
            const table = g.querySelector('table');
            return table && table.getBoundingClientRect().right > g.getBoundingClientRect().right + 0.5;
        }).map(g => g.id)"""
    )


def _box(locator) -> dict:
    box = locator.bounding_box()
    assert box is not None, "not rendered"
    return box


def _new_row(page: Page):
    """The first unsaved row of the mapping inline (the extra one Django adds)."""
    return page.locator("#field_mappings-group tr.form-row:not(.has_original):not(.empty-form)").first


def test_an_invalid_mapping_shows_its_message_on_its_row_and_the_top_links_to_it(
    wide_page: Page, administrator_user, connection
):
    page = wide_page
    # Saved before the table said no (an import, an older version): VIP is a check box, free text is no yes/no.
    stale = FieldMapping.objects.create(
        connection=connection,
        netsuite_field="custentity_vip",
        app_field="userDefined.VIP",
        direction="two_way",
        order=300,
    )
    log_in(page, administrator_user)
    page.goto(_change_url(connection))
    stale_row = page.locator("#field_mappings-group tr.form-row.has_original").filter(
        has=page.locator("select[name$='-netsuite_field'] option[selected][value='custentity_vip']")
    )
    stale_row.locator("input[name$='-order']").fill("301")  # changed, so it is checked again
    new = _new_row(page)
    new.locator("select[name$='-netsuite_field']").select_option("email")
    new.locator("select[name$='-app_field']").select_option("birthday")
    page.click("input[name=_continue]")

    page.wait_for_selector("p.errornote")
    links = page.locator("#row-error-links li")
    expect(links).to_have_count(2)
    texts = links.all_inner_texts()
    assert any(
        "custentity_vip → userDefined.VIP" in text and "is not allowed for these fields" in text for text in texts
    )
    assert any("email → birthday" in text and "cannot be mapped in either direction" in text for text in texts)
    assert _page_width(page) <= WIDTH
    assert not _overflowing_inlines(page), "an inline table is wider than its box"
    shot(page, "connection-page-mapping-errors-top", width=WIDTH, height=HEIGHT)

    for position, expected in ((0, "is not allowed for these fields"), (1, "cannot be mapped in either direction")):
        link = links.nth(position).locator("a")
        anchor = link.get_attribute("href")
        link.click()
        errors = page.locator(f"tr{anchor}")
        message = errors.locator("ul.errorlist li").first
        assert expected in message.inner_text()
        # The row of messages sits right above its row's fields, and the message is in sight after the jump.
        fields_row = errors.locator("xpath=following-sibling::tr[1]")
        assert "form-row" in fields_row.get_attribute("class")
        message_box, errors_box, fields_box = _box(message), _box(errors), _box(fields_row)
        assert errors_box["y"] <= message_box["y"]
        assert message_box["y"] + message_box["height"] <= errors_box["y"] + errors_box["height"] + 0.5
        assert abs(errors_box["y"] + errors_box["height"] - fields_box["y"]) <= 1
        assert 0 <= message_box["y"] and message_box["y"] + message_box["height"] <= HEIGHT, message_box
        assert 0 <= message_box["x"] and message_box["x"] + message_box["width"] <= WIDTH, message_box
    _part_shot(page.locator("#field_mappings-group"), "connection-page-mapping-errors")
    # The refused new row still says what its pair allows (nothing: the save's message says why).
    refused = page.locator("tr.row-errors + tr.form-row:not(.has_original) td.field-allowed_directions summary")
    expect(refused).to_have_text("not compatible")
    assert FieldMapping.objects.get(pk=stale.pk).order == 300  # nothing saved
    assert not FieldMapping.objects.filter(connection=connection, app_field="birthday").exists()


def test_choosing_the_fields_of_a_row_shows_its_allowed_directions_at_once(
    wide_page: Page, administrator_user, connection
):
    page = wide_page
    before = FieldMapping.objects.count()
    log_in(page, administrator_user)
    page.goto(_change_url(connection))
    row = _new_row(page)
    verdict = row.locator("td.field-allowed_directions")
    direction = row.locator("select[name$='-direction']")
    expect(verdict).to_have_text("Choose both fields.")

    row.locator("select[name$='-netsuite_field']").select_option("custentity_vip")
    row.locator("select[name$='-app_field']").select_option("userDefined.VIP")
    expect(verdict.locator("summary")).to_have_text("1 allowed · 2 not")
    # Only the allowed direction is offered, and chosen.
    offered = direction.locator("option:not([disabled])").evaluate_all("os => os.map(o => o.value)")
    assert offered == ["to_app"]
    assert direction.input_value() == "to_app"
    verdict.locator("summary").click()
    reason = verdict.locator(".reason")
    expect(reason).to_be_visible()
    assert "NetSuite → Google Contacts (written as Yes or No)" in reason.inner_text()
    assert "free text is not a yes/no answer" in reason.inner_text()
    group = _box(page.locator("#field_mappings-group"))
    page.screenshot(  # the group and the reason opened over what follows it
        path=str(_shot_path("connection-page-choosing-directions")),
        full_page=True,
        clip={
            "x": group["x"],
            "y": group["y"] + page.evaluate("scrollY"),
            "width": group["width"],
            "height": group["height"] + 90,
        },
    )

    # Another pair in the same row: the verdict follows, and all three directions come back.
    row.locator("select[name$='-app_field']").select_option("userDefined.Nickname")
    row.locator("select[name$='-netsuite_field']").select_option("custentity_nickname")
    expect(verdict.locator("summary")).to_have_text("3 allowed")
    offered = direction.locator("option:not([disabled])").evaluate_all("os => os.map(o => o.value)")
    assert offered == ["two_way", "to_app", "to_netsuite"]

    # A row added with "Add another" works the same.
    page.click("#field_mappings-group .add-row a")
    added = page.locator("#field_mappings-group tr.form-row.dynamic-field_mappings").last
    added.locator("select[name$='-netsuite_field']").select_option("custentity_renewal")
    added.locator("select[name$='-app_field']").select_option("birthday")
    expect(added.locator("td.field-allowed_directions summary")).to_have_text("3 allowed")
    added.locator("select[name$='-app_field']").select_option("userDefined.Renewal")
    expect(added.locator("td.field-allowed_directions summary")).to_have_text("1 allowed · 2 not")
    assert added.locator("select[name$='-direction']").input_value() == "to_app"

    # A saved row whose fields change is checked again too (date → text: one way only).
    saved = page.locator("#field_mappings-group tr.form-row.has_original").first
    saved.locator("select[name$='-netsuite_field']").select_option("custentity_renewal")
    saved.locator("select[name$='-app_field']").select_option("userDefined.Renewal")
    expect(saved.locator("td.field-allowed_directions summary")).to_have_text("1 allowed · 2 not")
    assert FieldMapping.objects.count() == before  # nothing was saved to get there


def test_mapping_and_rule_rows_are_one_line_each(wide_page: Page, administrator_user, connection):
    page = wide_page
    log_in(page, administrator_user)
    page.goto(_change_url(connection))
    for group in ("#field_mappings-group", ".inline-group:has(.field-summary)"):
        rows = page.locator(f"{group} tbody tr.form-row:not(.empty-form)")
        assert rows.count() >= 1, group
        heights = rows.evaluate_all("rows => rows.map(r => r.offsetHeight)")
        assert max(heights) < ROW_HEIGHT, f"{group}: rows are not one line: {heights}"
    # Each inline's table keeps within its box (a wider one would be cut or push the page sideways).
    assert not _overflowing_inlines(page), f"inline tables wider than their box: {_overflowing_inlines(page)}"
    # A rule's "Change" link stays, inside its row.
    change = page.locator(".inline-group a.inlinechangelink").first
    expect(change).to_be_visible()
    assert _page_width(page) <= WIDTH
    _part_shot(page.locator("#field_mappings-group"), "connection-page-mapping-rows")
    _part_shot(page.locator(".inline-group:has(.field-summary)").first, "connection-page-rule-rows")

    rule = connection.rules.get(direction="to_app")
    Condition.objects.create(rule=rule, field_id="companyName", operator="contains", value="ACME Benelux Holding")
    Action.objects.create(rule=rule, field_id="notes", value="Imported from NetSuite by the contact sync")
    page.goto(f"/admin/rules/rule/{rule.pk}/change/")
    rows = page.locator(".inline-group tbody tr.form-row:not(.empty-form)")
    assert rows.count() >= 2
    heights = rows.evaluate_all("rows => rows.map(r => r.offsetHeight)")
    assert max(heights) < ROW_HEIGHT, f"rule editor rows are not one line: {heights}"
    assert _page_width(page) <= WIDTH


@pytest.fixture
def finished_run(connection):
    """A partly failed run: created and updated records to Google, failures both ways, unchanged in NetSuite."""
    now = timezone.now()
    run = SyncRun.objects.create(
        connection=connection,
        trigger=Trigger.SCHEDULE,
        status=RunStatus.PARTIALLY_FAILED,
        started_at=now - timedelta(minutes=3, seconds=20),
        finished_at=now - timedelta(seconds=13),
        worker="laptop-1",
        counters={
            "to_app": {"created": 3, "updated": 6, "failed": 2},
            "to_netsuite": {"unchanged": 5, "failed": 1},
        },
    )
    SyncRun.objects.filter(pk=run.pk).update(queued_at=now - timedelta(minutes=3, seconds=22))
    rows = []
    for direction, outcome, n, message in (
        (SyncDirection.TO_APP, Outcome.CREATED, 3, ""),
        (SyncDirection.TO_APP, Outcome.UPDATED, 6, ""),
        (
            SyncDirection.TO_APP,
            Outcome.FAILED,
            2,
            "Google People API: Invalid email address 'bad-{}' (HTTP 400 INVALID_ARGUMENT)",
        ),
        (SyncDirection.TO_NETSUITE, Outcome.UNCHANGED, 5, ""),
        (SyncDirection.TO_NETSUITE, Outcome.FAILED, 1, "NetSuite refused the request: HTTP 400 USER_ERROR: Locked {}"),
    ):
        rows += [
            RecordOutcome(
                run=run,
                direction=direction,
                outcome=outcome,
                email=f"{direction}.{outcome}.{i}@example.com",
                name=f"Person {i}",
                netsuite_id=str(100 + i),
                app_id=f"people/c{i}",
                message=message.format(i),
            )
            for i in range(n)
        ]
    RecordOutcome.objects.bulk_create(rows)
    # Another run's outcomes must not leak into the links.
    other = SyncRun.objects.create(connection=connection, status=RunStatus.SUCCEEDED)
    RecordOutcome.objects.create(run=other, direction=SyncDirection.TO_APP, outcome=Outcome.CREATED, email="x@e.com")
    return run


def test_the_run_page_shows_its_duration_and_per_direction_tables_linking_to_the_outcomes(
    wide_page: Page, administrator_user, finished_run
):
    page = wide_page
    log_in(page, administrator_user)
    url = f"/admin/syncengine/syncrun/{finished_run.pk}/change/"
    page.goto(url)
    expect(page.locator("#run-duration")).to_have_text("3 min 07 s")
    assert page.locator("#run-started").inner_text().count(":") == 2  # to the second
    assert _page_width(page) <= WIDTH
    for table in ("#run-to_app", "#run-to_netsuite"):
        box = _box(page.locator(table))
        assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, (table, box)
    assert page.locator("#run-to_app h2").inner_text().lower() == "netsuite → google contacts"
    shot(page, "run-page", width=WIDTH, height=HEIGHT)

    expected = {
        ("#run-to_app", "Created"): (3, "created"),
        ("#run-to_app", "Updated"): (6, "updated"),
        ("#run-to_app", "Failed"): (2, "failed"),
        ("#run-to_netsuite", "Unchanged"): (5, "unchanged"),
        ("#run-to_netsuite", "Failed"): (1, "failed"),
    }
    for (table, label), (count, outcome) in expected.items():
        page.goto(url)
        row = page.locator(f"{table} tr.run-outcome").filter(has_text=label)
        link = row.locator("a")
        assert link.inner_text() == str(count)
        link.click()
        page.wait_for_selector("#result_list")
        expect(page.locator("#result_list tbody tr")).to_have_count(count)
        direction = "to_app" if table == "#run-to_app" else "to_netsuite"
        emails = page.locator("#result_list tbody td.field-record").all_inner_texts()
        assert all(f"{direction}.{outcome}." in email for email in emails), emails

    # The failures, grouped by cause with the API's words, lead to those records.
    page.goto(url)
    group = page.locator("#run-failures tr.run-failure-group").filter(has_text="Invalid email address")
    group.locator("a").click()
    page.wait_for_selector("#result_list")
    expect(page.locator("#result_list tbody tr")).to_have_count(2)


def test_a_dry_run_page_says_so(wide_page: Page, administrator_user, connection):
    run = SyncRun.objects.create(
        connection=connection, dry_run=True, status=RunStatus.SUCCEEDED, trigger=Trigger.MANUAL
    )
    page = wide_page
    log_in(page, administrator_user)
    page.goto(f"/admin/syncengine/syncrun/{run.pk}/change/")
    expect(page.locator("#run-dry-notice")).to_contain_text("Dry run")
    assert "(dry run)" in page.locator("#content h1").inner_text()
