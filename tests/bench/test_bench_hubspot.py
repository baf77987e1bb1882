"""``manage.py bench_sync --app hubspot`` end to end with a small N: NetSuite customers ⇄ HubSpot contacts
against both sandboxes (HubSpot's rate limits on), its minimum from HubSpot's limits. As for Google
(test_bench_sync.py), this checks that the command works and its figures are sane, not the speed."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from devtools.bench.sandboxes import summarize_requests
from devtools.management.commands.bench_sync import Command

RECORDS = 300
SIDES = ("netsuite", "hubspot")


@pytest.fixture(scope="module")
def report() -> dict:
    out = StringIO()
    call_command("bench_sync", app="hubspot", records=RECORDS, latency_ms=5, as_json=True, stdout=out)
    return json.loads(out.getvalue())


def test_every_phase_succeeds_against_the_hubspot_sandbox_and_no_run_beats_its_minimum(report):
    assert report["config"]["app"] == "hubspot"
    assert list(report["phases"]) == ["initial", "incremental", "no_change"]
    for name, phase in report["phases"].items():
        assert phase["status"] == "succeeded", (name, phase["error"])
        assert set(phase["requests"]) == set(SIDES)
        assert phase["requests"]["hubspot"]["read"] >= 1, name
        assert phase["throttled"]["hubspot"] == 0, name  # 300 records stay far under 190 requests per 10 s
        assert 0 < phase["min_overlapped_s"] <= phase["min_s"] <= phase["wall_s"], name


def test_the_initial_sync_links_half_and_creates_the_rest_in_batches_of_100(report):
    initial = report["phases"]["initial"]
    half = RECORDS // 2
    assert initial["writes_needed"] == {
        "netsuite": {"create": half, "update": half // 2},
        "hubspot": {"create": half, "update": half // 2},
    }
    calls = initial["calls"]["hubspot"]
    assert calls["POST /crm/v3/objects/contacts/batch/create"] == 2  # 150 creates: 100 + 50
    assert calls["POST /crm/v3/objects/contacts/batch/update"] == 1  # 75 updates
    assert calls["GET /crm/v3/objects/contacts"] == 3  # the first read lists 300, 100 a page
    # The minimum: NetSuite 1 page + 225 writes 5 at a time; HubSpot 3 pages + 2 + 1 batches, at 5 ms.
    assert initial["min_s"] == pytest.approx(0.005 * ((1 + 45) + (3 + 3)), abs=0.001)


def test_one_percent_of_changes_and_no_change_write_what_they_should_and_nothing_more(report):
    incremental, no_change = report["phases"]["incremental"], report["phases"]["no_change"]
    changed = RECORDS // 100
    assert incremental["reads_needed"] == {"netsuite": changed, "hubspot": changed}
    assert incremental["writes_needed"] == {
        "netsuite": {"create": 0, "update": changed},
        "hubspot": {"create": 0, "update": changed},
    }
    assert incremental["requests"]["hubspot"]["write"] == 1  # one batch update
    assert no_change["requests"]["netsuite"]["write"] == 0
    assert no_change["requests"]["hubspot"]["write"] == 0
    for settle in report["settle"].values():
        assert settle["status"] == "succeeded"
        assert all(settle["requests"][side]["write"] == 0 for side in SIDES)


def test_the_text_table_names_the_app(report):
    out = StringIO()
    Command(stdout=out)._table(report)
    lines = out.getvalue().splitlines()
    assert "app hubspot" in lines[0]
    no_change = report["phases"]["no_change"]
    assert lines[-1].split()[6] == f"{no_change['requests']['hubspot']['read']}/0"


def test_hubspot_searches_and_batch_reads_count_as_reads():
    def entry(method, path):
        return {"method": method, "path": path, "status": 200, "start": 0.0, "end": 0.1, "ms": 100.0}

    log = [
        entry("POST", "/crm/v3/objects/contacts/search"),
        entry("POST", "/crm/v3/objects/contacts/batch/read"),
        entry("GET", "/crm/v3/objects/contacts"),
        entry("POST", "/crm/v3/objects/contacts/batch/update"),
        entry("POST", "/crm/v3/properties/contacts"),
    ]
    summary = summarize_requests("hubspot", log)
    assert (summary["read"], summary["write"]) == (3, 2)


def test_the_shared_account_scenario_refuses_another_app():
    with pytest.raises(CommandError, match="Google users only"):
        call_command("bench_sync", "--scenario", "shared-account", "--app", "hubspot")
