"""An address part mapped on its own, through real syncs over HTTP against both sandboxes: a part written
alone changes only that part of the target's address (the street stays), a part changed in the app flows
back, and reading our own write back writes nothing (the parts are in the snapshot as they are read)."""

from __future__ import annotations

from mappings.choices import Direction
from mappings.models import FieldMapping
from syncengine.choices import RunStatus

from .harness import sync
from .helpers import g_by_email, g_person, ns_by_email, ns_person, seed, writes

WORK = {"type": "work", "streetAddress": "1 Dock Rd", "city": "Oldtown", "postalCode": "20095", "countryCode": "DE"}
HOME = {"type": "home", "streetAddress": "9 Elm St", "city": "Hometown"}


def addresses(sandboxes) -> list[dict]:
    return [
        {k: v for k, v in item.items() if k not in ("metadata", "formattedType", "formattedValue")}
        for item in g_by_email(sandboxes)["ann@example.com"][0].get("addresses", [])
    ]


def test_a_part_mapped_alone_changes_only_that_part_of_the_address(sandboxes, connection):
    # This test is about a part on the Google side: NetSuite's own address mapping stays out of it.
    FieldMapping.objects.filter(connection=connection, netsuite_field="defaultAddress").update(enabled=False)
    FieldMapping.objects.create(
        connection=connection,
        netsuite_field="middleName",
        app_field="address.work.city",
        direction=Direction.TWO_WAY,
        order=200,
    )
    (ns_id,), (g_name,) = seed(
        sandboxes,
        netsuite=[ns_person("Ann", "Lee", "ann@example.com", middleName="Oldtown")],
        google=[g_person("Ann", "Lee", "ann@example.com", addresses=[dict(HOME), dict(WORK)])],
    )
    assert sync(connection).status == RunStatus.SUCCEEDED  # linked; the city agrees already

    sandboxes.netsuite.touch("customer", ns_id, middleName="Newtown")
    run = sync(connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    home, work = addresses(sandboxes)
    assert home == HOME  # the other address is untouched
    assert work == {**WORK, "city": "Newtown", "country": "Germany"}  # the street, postal code, country stay

    sandboxes.clear_logs()
    run = sync(connection)  # Google reports the contact we changed: our own write, nothing to write back
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert writes(sandboxes.requests()["netsuite"]) == [] and writes(sandboxes.requests()["google"]) == []

    sandboxes.google.touch(g_name, addresses=[dict(HOME), {**WORK, "city": "Port Town"}])
    run = sync(connection)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert ns_by_email(sandboxes)["ann@example.com"][0]["middleName"] == "Port Town"


def test_a_part_set_in_google_where_it_was_empty_is_no_echo(sandboxes, connection):
    # Read echoes are recognised from the values just read: the parts must be read off the address there too,
    # or a part that was empty when last synced would hash as unchanged and the change would be lost.
    FieldMapping.objects.filter(connection=connection, netsuite_field="defaultAddress").update(enabled=False)
    FieldMapping.objects.create(
        connection=connection,
        netsuite_field="middleName",
        app_field="address.work.region",
        direction=Direction.TWO_WAY,
        order=200,
    )
    _, (g_name,) = seed(
        sandboxes,
        netsuite=[ns_person("Ann", "Lee", "ann@example.com")],
        google=[g_person("Ann", "Lee", "ann@example.com", addresses=[dict(WORK)])],
    )
    assert sync(connection).status == RunStatus.SUCCEEDED  # linked; no region on either side
    sync(connection)  # reads back what the first run wrote

    sandboxes.google.touch(g_name, addresses=[{**WORK, "region": "Hamburg"}])
    run = sync(connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    assert ns_by_email(sandboxes)["ann@example.com"][0]["middleName"] == "Hamburg"
