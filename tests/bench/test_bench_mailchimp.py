"""``manage.py bench_sync --app mailchimp`` end to end with a small N: NetSuite customers ⇄ the members of the
Mailchimp sandbox's audience (its limit of 10 requests in flight on), its minimum from Mailchimp's limits. As for
Google (test_bench_sync.py), this checks that the command works and its figures are sane, not the speed."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from devtools.bench.sandboxes import record_census, summarize_requests
from devtools.management.commands.bench_sync import Command
from sandbox.mailchimp import MailchimpSandbox

RECORDS = 300
SIDES = ("netsuite", "mailchimp")
MEMBERS = "/3.0/lists/a1b2c3d4e5/members"


@pytest.fixture(scope="module")
def report() -> dict:
    out = StringIO()
    call_command("bench_sync", app="mailchimp", records=RECORDS, latency_ms=5, as_json=True, stdout=out)
    return json.loads(out.getvalue())


def test_every_run_succeeds_against_the_mailchimp_sandbox_and_none_beats_its_minimum(report):
    assert report["config"]["app"] == "mailchimp"
    assert list(report["phases"]) == ["initial", "incremental", "no_change"]
    for name, phase in [*report["phases"].items(), *report["settle"].items()]:
        assert phase["status"] == "succeeded", (name, phase["error"])
        assert set(phase["requests"]) == set(SIDES)
        assert phase["requests"]["mailchimp"]["read"] >= 1, name
        # The client keeps at most 10 requests in flight: the sandbox never had to refuse one.
        assert phase["throttled"]["mailchimp"] == 0, name
        assert phase["max_in_flight"]["mailchimp"] <= 10, name
        assert 0 < phase["min_overlapped_s"] <= phase["min_s"] <= phase["wall_s"], name


def test_the_initial_sync_subscribes_in_one_batch_and_patches_each_update(report):
    initial = report["phases"]["initial"]
    half = RECORDS // 2
    assert initial["writes_needed"] == {
        "netsuite": {"create": half, "update": half // 2},
        "mailchimp": {"create": half, "update": half // 2},
    }
    calls = initial["calls"]["mailchimp"]
    assert calls["POST /3.0/lists/a1b2c3d4e5"] == 1  # 150 new members: one batch subscribe (500 at most)
    assert calls[f"PATCH {MEMBERS}/{{id}}"] == half // 2  # no batch update: a PATCH a member
    assert calls[f"GET {MEMBERS}"] == 1  # the first read: 300 members, 1,000 a page, no archived list
    assert initial["requests"]["mailchimp"] == {"read": 1, "write": 1 + half // 2}
    # The minimum: NetSuite 1 page + 225 writes 5 at a time; Mailchimp 1 page + 76 requests 10 at a time, at 5 ms.
    assert initial["min_s"] == pytest.approx(0.005 * ((1 + 45) + (1 + 8)), abs=0.001)
    assert initial["min_overlapped_s"] == pytest.approx(0.005 * (1 + 45), abs=0.001)


def test_one_percent_of_changes_and_no_change_write_what_they_should_and_nothing_more(report):
    incremental, no_change = report["phases"]["incremental"], report["phases"]["no_change"]
    changed = RECORDS // 100
    assert incremental["reads_needed"] == {"netsuite": changed, "mailchimp": changed}
    assert incremental["writes_needed"] == {
        "netsuite": {"create": 0, "update": changed},
        "mailchimp": {"create": 0, "update": changed},
    }
    assert incremental["calls"]["mailchimp"][f"PATCH {MEMBERS}/{{id}}"] == changed
    assert incremental["requests"]["mailchimp"]["write"] == changed
    # A read since a cursor lists the members changed since, then those archived since (the deletions).
    assert incremental["calls"]["mailchimp"][f"GET {MEMBERS}"] >= 2
    for name, run in [("no_change", no_change), *report["settle"].items()]:
        assert run["requests"]["netsuite"]["write"] == 0, name
        assert run["requests"]["mailchimp"]["write"] == 0, name
        assert run["writes_needed"] == {side: {"create": 0, "update": 0} for side in SIDES}, name


def test_the_text_table_names_the_app(report):
    out = StringIO()
    Command(stdout=out)._table(report)
    lines = out.getvalue().splitlines()
    assert "app mailchimp" in lines[0]
    no_change = report["phases"]["no_change"]
    assert lines[-1].split()[6] == f"{no_change['requests']['mailchimp']['read']}/0"


def test_mailchimp_gets_are_reads_and_a_batch_subscribe_is_a_write():
    def entry(method, path):
        return {"method": method, "path": path, "status": 200, "start": 0.0, "end": 0.1, "ms": 100.0}

    member = f"{MEMBERS}/0123456789abcdef0123456789abcdef"
    log = [
        entry("GET", MEMBERS),
        entry("GET", member),
        entry("POST", "/3.0/lists/a1b2c3d4e5"),
        entry("PATCH", member),
        entry("DELETE", member),
    ]
    summary = summarize_requests("mailchimp", log)
    assert (summary["read"], summary["write"]) == (2, 3)
    # Member ids (the MD5 of an email) are left out, so that a PATCH of each member counts as one kind of call.
    assert summary["calls"][f"PATCH {MEMBERS}/{{id}}"] == 1


def test_the_mailchimp_census_counts_live_members_and_shared_emails():
    app = MailchimpSandbox()
    app.add_member("ana@northwind-mail.com", merge_fields={"FNAME": "Ana"})
    app.add_member("ben@northwind-mail.com")
    app.add_member("gone@northwind-mail.com", status="archived")  # archived: not a live member
    # (An email is a member's identity in Mailchimp, so none is ever shared: the census says so all the same.)
    assert record_census("mailchimp", app) == {"records": {"member": 2}, "shared_emails": {"member": 0}}
