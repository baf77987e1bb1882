"""The default address through real syncs over HTTP against both sandboxes, with the default mapping
(Individual Customers: NetSuite's default address ⇄ Google's first home address): NetSuite's codes reach
Google as code and name and read back as no change; an address edited on both sides follows the conflict
policy as one value; Google's free-text country reaches NetSuite as its ISO code."""

from __future__ import annotations

from syncengine.choices import Outcome, RunStatus
from syncengine.models import RecordOutcome

from .harness import sync
from .helpers import g_by_email, g_person, ns_by_email, ns_person, seed, writes

HOME_LINE = {
    "label": "Home",
    "defaultBilling": True,
    "defaultShipping": True,
    "addressBookAddress": {"addr1": "1 Main St", "city": "Springfield", "state": "IL", "zip": "62701", "country": "US"},
}


def home_address(sandboxes, email: str) -> dict:
    person = g_by_email(sandboxes)[email][0]
    (item,) = [a for a in person.get("addresses", []) if a.get("type") == "home"]
    return {k: v for k, v in item.items() if k not in ("metadata", "formattedType", "formattedValue")}


def netsuite_address(sandboxes, email: str) -> dict:
    """The default entry of the record's address book (default billing), as NetSuite stores it."""
    items = ns_by_email(sandboxes)[email][0]["addressBook"]["items"]
    (line,) = [item for item in items if item.get("defaultBilling")]
    address = dict(line["addressBookAddress"])
    country = address.get("country")
    address["country"] = country["id"] if isinstance(country, dict) else country
    return {k: address[k] for k in ("addr1", "city", "state", "zip", "country") if address.get(k)}


def test_an_address_reaches_google_settles_and_a_conflict_keeps_one_whole_address(sandboxes, connection):
    (ns_id,), _ = seed(
        sandboxes, netsuite=[ns_person("Ann", "Lee", "ann@example.com", addressBook={"items": [dict(HOME_LINE)]})]
    )
    assert sync(connection).status == RunStatus.SUCCEEDED

    assert home_address(sandboxes, "ann@example.com") == {
        "type": "home",
        "streetAddress": "1 Main St",
        "city": "Springfield",
        "region": "IL",
        "postalCode": "62701",
        "countryCode": "US",
        "country": "United States",
    }
    sync(connection)  # reads back our own write
    sandboxes.clear_logs()
    run = sync(connection)  # the code in NetSuite and the name in Google are one address: nothing to write
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert writes(sandboxes.requests()["netsuite"]) == [] and writes(sandboxes.requests()["google"]) == []

    # Both sides edit the address: NetSuite its street (a new default entry), then Google (later) its city.
    moved = {**HOME_LINE["addressBookAddress"], "addr1": "2 Oak Ave"}
    sandboxes.netsuite.touch("customer", ns_id, addressBook={"items": [{**HOME_LINE, "addressBookAddress": moved}]})
    g_name = g_by_email(sandboxes)["ann@example.com"][0]["resourceName"]
    google_home = home_address(sandboxes, "ann@example.com")
    sandboxes.google.advance = None
    sandboxes.google.touch(g_name, addresses=[{**google_home, "city": "Shelbyville"}])
    run = sync(connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    # Google's address won whole: its street (not NetSuite's new one) with its city, on both sides.
    assert netsuite_address(sandboxes, "ann@example.com") == {
        "addr1": "1 Main St",
        "city": "Shelbyville",
        "state": "IL",
        "zip": "62701",
        "country": "US",
    }
    assert home_address(sandboxes, "ann@example.com")["streetAddress"] == "1 Main St"
    conflict = RecordOutcome.objects.get(run=run, outcome=Outcome.CONFLICT_RESOLVED)
    assert "Default Address ⇄ Home address" in conflict.message


def test_a_free_text_country_from_google_reaches_netsuite_as_its_code(sandboxes, connection):
    hamburg = {"type": "home", "streetAddress": "Hafenstr. 2", "city": "Hamburg", "country": "Germany"}
    moscow = {"type": "home", "city": "Moscow", "country": "Russia"}  # no exact ISO name: the one country it fits
    seed(
        sandboxes,
        google=[
            g_person("Jan", "Berg", "jan@example.de", addresses=[hamburg]),
            g_person("Ivan", "Petrov", "ivan@example.ru", addresses=[moscow]),
        ],
    )

    run = sync(connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    assert netsuite_address(sandboxes, "jan@example.de") == {"addr1": "Hafenstr. 2", "city": "Hamburg", "country": "DE"}
    assert netsuite_address(sandboxes, "ivan@example.ru") == {"city": "Moscow", "country": "RU"}
