"""Mailchimp's limit of 10 simultaneous connections per account (reference C.7), through the engine, over HTTP
against both sandboxes (issue 19): the sandbox answers 429 to every request beyond 10 in flight. A run sends
its member changes 10 side by side; another client of the same account (another worker, a marketing tool)
keeps requests in flight meanwhile, so some of the run's calls are refused with 429. Those are retried after
a backoff and the run succeeds with every record written. The sandbox's log proves the 429s happened."""

from __future__ import annotations

import threading

import pytest
import requests

from syncengine.choices import Outcome, SyncDirection
from syncengine.models import RecordOutcome

from .helpers import ns_person, seed
from .mailchimp_checks import members, run

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = 120
OTHER_CLIENT_THREADS = 4  # the other client's requests in flight: with the run's 10, more than 10


class OtherClient:
    """Another client of the same Mailchimp account reading members in a loop on a few threads, until
    stopped; it counts the 429s it got (it does not retry: it only loads the account)."""

    def __init__(self, mailchimp):
        app, server = mailchimp
        info = app.print_config(server.base_url)
        self.url = f"{info['base_url']}/lists/{info['list_id']}/members"
        self.auth = ("other-tool", info["api_key"])
        self.stop = threading.Event()
        self.refused = 0
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._loop, daemon=True) for _ in range(OTHER_CLIENT_THREADS)]

    def _loop(self) -> None:
        with requests.Session() as session:
            while not self.stop.is_set():
                answer = session.get(self.url, params={"count": 1}, auth=self.auth, timeout=10)
                if answer.status_code == 429:
                    with self._lock:
                        self.refused += 1

    def __enter__(self) -> OtherClient:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop.set()
        for thread in self._threads:
            thread.join(timeout=15)


def test_429s_over_ten_requests_in_flight_are_retried_and_every_record_is_written(
    sandboxes, mailchimp, mailchimp_connection
):
    app, _ = mailchimp
    emails = [f"p{i:03d}@pioneers.io" for i in range(PEOPLE)]
    ns_ids, _ = seed(sandboxes, netsuite=[ns_person(f"P{i}", "Before", e) for i, e in enumerate(emails)])
    run(mailchimp_connection)
    assert {m["merge_fields"]["LNAME"] for m in members(app).values()} == {"Before"}
    for index, ns_id in enumerate(ns_ids):  # every one changes in NetSuite: one PATCH a member
        sandboxes.netsuite.touch("customer", ns_id, lastName=f"After{index}")
    app.faults.latency_ms = 40  # each request holds its connection a while, as over the internet
    mark = len(app.requests())

    with OtherClient(mailchimp) as other:
        changed = run(mailchimp_connection)

    log = app.requests()[mark:]
    patches = [r for r in log if r["method"] == "PATCH"]
    refused = [r for r in patches if r["status"] == 429]
    assert refused, "no 429 reached the run: the test proves nothing"
    assert {r["fault"] for r in refused} == {"concurrency"}  # over the 10 in flight, no other cause
    assert app.max_in_flight > 10
    member_ids = {m["id"] for m in members(app).values()}
    assert {r["path"].rsplit("/", 1)[-1] for r in patches if r["status"] == 200} == member_ids  # each, in the end
    assert len(patches) == PEOPLE + len(refused)  # each refused call was sent again, nothing else
    logged = RecordOutcome.objects.filter(run=changed, direction=SyncDirection.TO_APP)
    assert sorted(logged.values_list("outcome", flat=True)) == [Outcome.UPDATED] * PEOPLE
    assert {email: m["merge_fields"]["LNAME"] for email, m in members(app).items()} == {
        email: f"After{index}" for index, email in enumerate(emails)
    }
    most = max(sum(1 for r in refused if r["path"] == path) for path in {r["path"] for r in refused})
    print(f"{len(refused)} of the run's PATCHes refused with 429 and retried (at most {most} times for one member);")
    print(f"{other.refused} of the other client's requests refused")
