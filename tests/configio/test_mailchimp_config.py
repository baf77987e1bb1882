"""A Mailchimp connection as configuration (issue 19): its audience (the object type) and double opt-in travel
through export and import; a file that names no audience, or double opt-in for an app without it, is refused
with the reason and changes nothing."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from configio.export import export_config
from configio.format import ConfigError, dumps
from configio.importer import import_config
from connections.models import ConnectedAccount, Connection

MAILCHIMP_KEY = "0123456789abcdef0123456789abcdef-us6"
AUDIENCE = "audience/a1b2c3d4e5"


@pytest.fixture
def with_mailchimp(configured):
    """The configuration of ``configured`` plus a Mailchimp account and a connection to one of its audiences."""
    mailchimp = ConnectedAccount(
        provider="mailchimp", label="Marketing", account_id="acme-marketing", api_base_url="http://127.0.0.1:8804/3.0"
    )
    mailchimp.set_credentials({"api_key": MAILCHIMP_KEY})
    mailchimp.save()
    source = configured["connection"]
    connection = Connection.objects.create(
        name="ACME ⇄ Newsletter",
        netsuite_account=source.netsuite_account,
        subsidiary=source.subsidiary,
        contact_type="individual_customers",
        app_account=mailchimp,
        app_object_type=AUDIENCE,
        subscription_sync="both",
        double_opt_in=True,
    )
    env = {**configured["env"], "MAILCHIMP_ACME_MARKETING_API_KEY": MAILCHIMP_KEY}
    return {**configured, "env": env, "mailchimp": connection}


def _entry(config: dict, name: str) -> dict:
    return next(c for c in config["connections"] if c["name"] == name)


@pytest.mark.django_db(transaction=True)
def test_the_audience_and_double_opt_in_travel_and_an_import_into_an_empty_database_keeps_them(
    with_mailchimp, django_user_model, tmp_path
):
    config = export_config()
    entry = _entry(config, "ACME ⇄ Newsletter")
    assert (entry["app_object_type"], entry["double_opt_in"], entry["subscription_sync"]) == (AUDIENCE, True, "both")
    assert _entry(config, "ACME ⇄ Sales Google")["double_opt_in"] is False
    assert MAILCHIMP_KEY not in dumps(config)  # the key is named by its variable only
    first = dumps(config)
    path = tmp_path / "config.json"
    path.write_text(first)

    call_command("flush", interactive=False)
    django_user_model.objects.create_user("olga")
    import_config(json.loads(path.read_text()), with_mailchimp["env"])

    connection = Connection.objects.get(name="ACME ⇄ Newsletter")
    assert (connection.app_object_type, connection.double_opt_in, connection.subscription_sync) == (
        AUDIENCE,
        True,
        "both",
    )
    assert connection.app_account.get_credentials() == {"api_key": MAILCHIMP_KEY}
    assert dumps(export_config()) == first


@pytest.mark.parametrize("object_type", ["", "audience"])
def test_an_import_of_a_mailchimp_connection_naming_no_audience_is_refused_with_the_reason(with_mailchimp, object_type):
    config = export_config()
    _entry(config, "ACME ⇄ Newsletter")["app_object_type"] = object_type
    _entry(config, "ACME ⇄ Newsletter")["interval_minutes"] = 45
    with pytest.raises(ConfigError, match="A Mailchimp connection syncs one audience: choose the audience"):
        import_config(config, with_mailchimp["env"])
    connection = Connection.objects.get(name="ACME ⇄ Newsletter")
    assert (connection.app_object_type, connection.interval_minutes) == (AUDIENCE, 15)  # nothing changed


def test_a_new_mailchimp_connection_without_an_audience_is_not_created(with_mailchimp):
    config = export_config()
    entry = dict(_entry(config, "ACME ⇄ Newsletter"), name="ACME ⇄ Nowhere")
    entry.pop("app_object_type")
    config["connections"].append(entry)
    with pytest.raises(ConfigError, match="connection 'ACME ⇄ Nowhere': app_object_type: A Mailchimp connection"):
        import_config(config, with_mailchimp["env"])
    assert not Connection.objects.filter(name="ACME ⇄ Nowhere").exists()


def test_double_opt_in_for_an_app_without_it_is_refused_at_import(with_mailchimp):
    config = export_config()
    _entry(config, "ACME ⇄ Sales Google")["double_opt_in"] = True
    with pytest.raises(ConfigError, match="Google Contacts has no double opt-in"):
        import_config(config, with_mailchimp["env"])
    assert not Connection.objects.get(name="ACME ⇄ Sales Google").double_opt_in


def test_a_file_without_double_opt_in_leaves_it_as_it_is(with_mailchimp):
    config = export_config()
    del _entry(config, "ACME ⇄ Newsletter")["double_opt_in"]
    import_config(config, with_mailchimp["env"])
    assert Connection.objects.get(name="ACME ⇄ Newsletter").double_opt_in is True
