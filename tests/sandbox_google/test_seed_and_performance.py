"""Generated data (varied, reproducible, fast at 100,000 contacts) and the
speed of a page of 1000 and a batch of 200 writes."""

from __future__ import annotations

import time
import weakref
from collections import Counter

from sandbox.google import GoogleSandbox
from sandbox.google.generator import generate_people
from sandbox.google.person_fields import READ_FIELDS

# Generous bounds for a loaded 2-core machine; typical timings are 5-10x lower.
PAGE_BUDGET_MS = 400
BATCH_BUDGET_MS = 400


def test_generated_people_are_varied_like_a_real_address_book():
    people = [g.person for g in generate_people(2000, seed=1)]
    emails = Counter(p["emailAddresses"][0]["value"] for p in people if "emailAddresses" in p)
    assert 0.03 < sum(1 for p in people if "emailAddresses" not in p) / len(people) < 0.15
    assert any(count > 1 for count in emails.values())  # some contacts share an email
    phone_types = {phone["type"] for p in people for phone in p.get("phoneNumbers", [])}
    assert phone_types == {"mobile", "work", "home", "other"}
    for field in ("organizations", "addresses", "biographies", "birthdays", "urls", "userDefined"):
        assert sum(1 for p in people if field in p) > 100, field
    assert any("year" not in p["birthdays"][0]["date"] for p in people if "birthdays" in p)  # year-less birthdays


def test_generation_is_reproducible():
    assert [g.person for g in generate_people(50, seed=4)] == [g.person for g in generate_people(50, seed=4)]
    assert [g.person for g in generate_people(50, seed=4)] != [g.person for g in generate_people(50, seed=5)]


def test_generated_contacts_join_user_groups(sandbox, api):
    result = sandbox.seed({"generate": {"contacts": 300, "seed": 2, "groups": 3}})
    assert result["generated"] == 300
    groups = {g["name"]: g for g in sandbox.state()["contact_groups"]}
    assert groups["myContacts"]["memberCount"] == 300
    assert all(groups[name]["memberCount"] > 0 for name in ("Customers", "Partners", "Newsletter"))


def test_seeding_100000_contacts_takes_seconds():
    app = GoogleSandbox()
    started = time.perf_counter()
    result = app.seed({"generate": {"contacts": 100_000, "seed": 1}})
    elapsed = time.perf_counter() - started
    assert result["created"] == 100_000 and app.state()["contacts"] == 100_000
    assert elapsed < 20, f"seeding 100,000 contacts took {elapsed:.1f} s"
    # Dropped, it is freed at once (no reference cycle left for a long collector pause later).
    store = weakref.ref(app.store)
    del app
    assert store() is None


def test_a_page_of_1000_and_a_batch_of_200_are_served_in_milliseconds(sandbox, api, base_url):
    sandbox.seed({"generate": {"contacts": 3000, "seed": 1}})
    # A plain session: checking 1000-person pages against the schemas is slow and
    # done elsewhere; here only the sandbox's own time counts (its request log),
    # the best of two tries so that a burst of load on the machine is not blamed.
    session = api.session
    session.headers["Authorization"] = f"Bearer {api.access_token}"

    def best_ms(send) -> tuple[float, dict]:
        timings = []
        for _ in range(2):
            response = send()
            assert response.status_code == 200, response.text
            timings.append(sandbox.requests()[-1]["ms"])
        return min(timings), response.json()

    fields = ",".join(READ_FIELDS)
    token = None
    for _ in range(3):
        params = {"personFields": fields, "pageSize": 1000, "requestSyncToken": "true"}
        if token:
            params["pageToken"] = token
        ms, page = best_ms(lambda: session.get(f"{base_url}/v1/people/me/connections", params=params, timeout=30))
        assert len(page["connections"]) == 1000
        assert ms < PAGE_BUDGET_MS
        token = page.get("nextPageToken")

    contacts = [
        {"contactPerson": {"names": [{"givenName": f"N{i}"}], "emailAddresses": [{"value": f"n{i}@example.com"}]}}
        for i in range(200)
    ]
    ms, created = best_ms(
        lambda: session.post(
            f"{base_url}/v1/people:batchCreateContacts", json={"contacts": contacts, "readMask": "names,metadata"}
        )
    )
    assert ms < BATCH_BUDGET_MS
    etags = {c["person"]["resourceName"]: c["person"]["etag"] for c in created["createdPeople"]}

    def update_all():
        body = {
            "contacts": {name: {"etag": etag, "names": [{"givenName": "U"}]} for name, etag in etags.items()},
            "updateMask": "names",
            "readMask": "names",
        }
        response = session.post(f"{base_url}/v1/people:batchUpdateContacts", json=body)
        etags.update({name: r["person"]["etag"] for name, r in response.json()["updateResult"].items()})
        return response

    ms, _ = best_ms(update_all)
    assert ms < BATCH_BUDGET_MS
