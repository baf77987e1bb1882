"""Address mappings in configuration files: a connection mapping NetSuite's default address to Google's work
address, and one of its parts to a Google text field, exports and imports back the same; a part of an address
field the catalogs do not have is refused, saying which, though unknown (custom) fields pass at import."""

from __future__ import annotations

import json

import pytest

from changelog.models import ChangeRecord
from configio.export import export_config
from configio.format import ConfigError, dumps
from configio.importer import import_config
from connections.models import Connection
from mappings.models import FieldMapping

ACME = "ACME ⇄ Sales Google"
PART = ("defaultAddress.city", "organization.department")


def acme(config: dict) -> dict:
    return next(c for c in config["connections"] if c["name"] == ACME)


def mapped(connection: Connection) -> list[tuple]:
    return sorted(connection.field_mappings.values_list("netsuite_field", "app_field", "direction", "enabled"))


@pytest.fixture
def with_addresses(configured):
    """The ACME connection maps the default address to the work address, and its city to the department."""
    connection = configured["connection"]
    FieldMapping.objects.filter(connection=connection, netsuite_field="defaultAddress").delete()
    FieldMapping.objects.create(
        connection=connection, netsuite_field="defaultAddress", app_field="address.work", direction="two_way", order=80
    )
    FieldMapping.objects.create(
        connection=connection, netsuite_field=PART[0], app_field=PART[1], direction="to_app", order=90
    )
    return configured


def test_address_and_part_mappings_export_and_import_back_the_same(with_addresses):
    first = dumps(export_config())
    mappings = {(m["netsuite_field"], m["app_field"]): m for m in acme(export_config())["mappings"]}
    assert mappings[("defaultAddress", "address.work")]["direction"] == "two_way"
    assert mappings[PART]["direction"] == "to_app"
    before = mapped(with_addresses["connection"])
    Connection.objects.filter(name=ACME).delete()

    report = import_config(json.loads(first), with_addresses["env"])

    assert report.counts["connections"]["created"] == 1
    assert dumps(export_config()) == first
    assert mapped(Connection.objects.get(name=ACME)) == before


@pytest.mark.parametrize(
    "netsuite_field, app_field, named",
    [
        ("shippingAddress.city", "notes", "«shippingAddress.city» names the part city of «shippingAddress»"),
        ("email.city", "notes", "«email» which is not an address field"),
        ("middleName", "address.office.city", "«address.office.city» names the part city of «address.office»"),
    ],
)
def test_a_part_of_an_unknown_address_field_is_refused_and_nothing_is_imported(
    with_addresses, netsuite_field, app_field, named
):
    config = export_config()
    acme(config)["interval_minutes"] = 99  # would change if the import went ahead
    acme(config)["mappings"].append(
        {"netsuite_field": netsuite_field, "app_field": app_field, "direction": "to_app", "enabled": True}
    )
    recorded = ChangeRecord.objects.count()

    with pytest.raises(ConfigError) as error:
        import_config(config, with_addresses["env"])

    message = str(error.value)
    assert f"the mapping {netsuite_field} → {app_field}" in message, message
    assert named.replace(" which", ", which") in message, message
    assert "(the address fields: " in message
    assert not Connection.objects.filter(interval_minutes=99).exists()
    assert ChangeRecord.objects.count() == recorded


def test_a_custom_field_the_catalog_has_not_fetched_yet_still_passes_at_import(with_addresses):
    config = export_config()
    # A Google custom field whose key ends like a part, and a NetSuite custom field: both unknown until
    # the catalogs are refreshed, neither a part of an address.
    acme(config)["mappings"].append(
        {"netsuite_field": "custentity_city", "app_field": "userDefined.city", "direction": "to_app", "enabled": True}
    )
    import_config(config, with_addresses["env"])
    assert FieldMapping.objects.filter(netsuite_field="custentity_city", app_field="userDefined.city").exists()
