"""The registry answers what the engine, mappings, rules, wizard and admin ask about an app (issue 16, item 1)."""

from __future__ import annotations

from django.urls import reverse

from connections import oauth_connect
from connections.providers.base import Record
from connections.providers.registry import (
    NETSUITE,
    PROVIDERS,
    app_object_type,
    app_providers,
    display_name,
    get_provider,
    static_catalog,
    sync_key_of,
)


def test_every_package_in_the_settings_registered_itself_netsuite_first():
    assert list(PROVIDERS) == ["netsuite", "google_contacts", "hubspot", "mailchimp"]
    assert [info.key for info in app_providers()] == ["google_contacts", "hubspot", "mailchimp"]
    assert get_provider(NETSUITE).is_netsuite


def test_the_sync_key_is_read_where_each_app_keeps_it():
    assert sync_key_of(Record(id="7", meta={"externalId": "cs-1"})) == "cs-1"
    assert sync_key_of(Record(id="people/c1", meta={"client_data": {"contactsync_key": "cs-2"}})) == "cs-2"
    assert sync_key_of(Record(id="people/c2", meta={"client_data": {"other": "x"}, "etag": "e"})) == ""
    assert sync_key_of(Record(id="9")) == ""


def test_object_types_and_static_catalogs_come_from_the_app():
    assert app_object_type("google_contacts") == "contacts"
    assert app_object_type("an_app_not_installed") == "contacts"
    assert {spec.id for spec in static_catalog("netsuite", "contacts")} >= {"firstName", "company"}
    assert static_catalog("netsuite", "vendors") == ()
    assert static_catalog("an_app_not_installed", "contacts") == ()


def test_a_person_name_from_any_app_wins_over_a_company_name():
    assert display_name({"companyName": "Acme", "firstName": "Rosa", "lastName": "Vargas"}) == "Rosa Vargas"
    assert display_name({"organization.name": "Globex", "name": "Kim Ok"}) == "Kim Ok"
    assert display_name({"entityId": "CUST-7"}) == "CUST-7"
    assert display_name(None) == ""


def test_the_oauth_sign_in_urls_and_return_parameter_are_derived_from_the_app():
    [google] = oauth_connect.sign_ins(next_url="/admin/wizard/app/")
    assert google["brand"] == "Google"
    assert google["url"] == reverse("admin:connections_google_connect") + "?next=%2Fadmin%2Fwizard%2Fapp%2F"
    assert oauth_connect.returned_account({"google_account": "12"}) == "12"
    assert oauth_connect.returned_account({"other": "12"}) == ""
