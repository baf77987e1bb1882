"""What the operators' lists and detail pages say, in words: durations, change summaries, cut texts,
and a record link's last synced values as a table (never raw JSON)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from changelog.admin import render_changes, summarise_changes
from config.admin_display import clipped
from ops.admin import duration_words, render_diff, snapshot_rows
from syncengine.models import RecordLink


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(4.24, "4.2 s"), (59.94, "59.9 s"), (187, "3 min 07 s"), (3720, "1 h 02 min")],
)
def test_run_durations_are_written_short(seconds, words):
    assert duration_words(timedelta(seconds=seconds)) == words


def test_an_unfinished_run_has_no_duration():
    assert duration_words(None) == "—"


def test_change_summary_counts_the_fields_and_names_the_first_three():
    changes = [{"field": f, "label": f, "old": "a", "new": "b"} for f in ("name", "direction", "order")]
    assert summarise_changes(changes) == "3 fields: name, direction, order"
    assert summarise_changes([*changes, {"field": "enabled", "old": "no", "new": "yes"}]) == (
        "4 fields: name, direction, order, …"
    )
    assert summarise_changes(changes[:1]) == "1 field: name"
    assert summarise_changes([]) == "—"


def test_the_whole_change_is_a_table_with_a_header_and_no_raw_values():
    html = str(render_changes([{"field": "app_scope", "label": "app scope", "old": None, "new": "<b>VIP</b>"}]))
    assert "<thead><tr><th>Field</th><th>Before</th><th>After</th></tr></thead>" in html
    assert "<th scope='row'>app scope</th><td>—</td><td>&lt;b&gt;VIP&lt;/b&gt;</td>" in html  # escaped
    assert "None" not in html


def test_a_cut_text_keeps_the_whole_on_hover_escaped():
    html = str(clipped('Ada "the first" <Lovelace>', "s"))
    assert html == (
        '<span class="cell-clip clip-s" title="Ada &quot;the first&quot; &lt;Lovelace&gt;">'
        "Ada &quot;the first&quot; &lt;Lovelace&gt;</span>"
    )
    assert clipped("") == "—"
    with pytest.raises(ValueError):
        clipped("x", "xl")


def test_snapshot_rows_pair_the_mapped_fields_and_keep_the_unmapped_ones():
    rows = snapshot_rows(
        {"firstName": "Rosa", "email": "rosa@example.com", "old_field": "x"},
        {"givenName": "Rosa", "emailAddresses": "rosa@example.com"},
        [("firstName", "givenName"), ("email", "emailAddresses"), ("phone", "phoneNumbers")],
    )
    assert rows == [
        ("firstName ⇄ givenName", "Rosa", "Rosa"),
        ("email ⇄ emailAddresses", "rosa@example.com", "rosa@example.com"),
        ("old_field", "x", None),
    ]


def test_record_link_page_shows_last_synced_values_as_a_table(admin_client, connection_obj):
    link = RecordLink.objects.create(
        connection=connection_obj,
        key="k1",
        netsuite_id="1001",
        app_id="people/c1",
        match_key="rosa@example.com",
        netsuite_snapshot={"firstName": "Rosa", "salesRep": {"id": "7", "name": "Ann Rep"}},
        app_snapshot={"givenName": "Rosa", "memberships": ["VIP", "Customers"]},
    )
    connection_obj.field_mappings.filter(netsuite_field="firstName").update(app_field="givenName")
    html = admin_client.get(reverse("admin:syncengine_recordlink_change", args=[link.pk])).content.decode()
    assert '<table class="snapshot-values">' in html
    assert "<th scope='row'>firstName ⇄ givenName</th><td>Rosa</td><td>Rosa</td>" in html
    assert "<th scope='row'>salesRep</th><td>Ann Rep</td><td>—</td>" in html
    assert "<th scope='row'>memberships</th><td>—</td><td>VIP, Customers</td>" in html
    assert "{&quot;" not in html and "[&quot;" not in html  # no raw JSON


def test_record_link_list_cuts_the_email_and_keeps_it_whole_on_hover(admin_client, connection_obj):
    email = "rosa.vargas.149.with-a-long-mailbox@subdomain.example.com"
    RecordLink.objects.create(connection=connection_obj, key="k2", netsuite_id="1002", match_key=email)
    html = admin_client.get(reverse("admin:syncengine_recordlink_changelist")).content.decode()
    assert f'<span class="cell-clip clip-l" title="{email}">{email}</span>' in html


def test_an_address_in_a_field_diff_reads_as_one_line_not_as_json():
    html = str(
        render_diff(
            {"defaultAddress": [None, {"street": "1 Bay St", "city": "Toronto", "region": "ON", "country": "CA"}]}
        )
    )
    assert "1 Bay St, Toronto, ON, CA" in html
    assert "street" not in html and "{" not in html
    assert "<td>—</td>" in html  # no address before
