"""The change history records exactly what was stored, driven the way people do it (the wizard, the Google
sign-in, import_config) against the sandboxes: one entry per real create, change or delete; nothing for an
attempt that was refused or rolled back; the default mappings and rules a new connection gets included."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from changelog.models import ChangeAction, ChangeRecord
from connections.choices import AccountStatus
from connections.models import ConnectedAccount, Connection, Subsidiary
from mappings.models import FieldMapping
from rules.models import Rule

from ..mappings_admin.catalog_data import make_connection, make_google_account
from ..wizard.conftest import TBA_NAMES, WRONG_SECRET, authorize_form, walk_to_review, wizard_url

HISTORY = reverse("admin:changelog_changerecord_changelist")


def history_of(model) -> list[ChangeRecord]:
    content_type = ContentType.objects.get_for_model(model)
    return list(ChangeRecord.objects.filter(content_type=content_type).order_by("id"))


def actions_of(obj, pk=None) -> list[str]:
    content_type = ContentType.objects.get_for_model(type(obj))
    return list(
        ChangeRecord.objects.filter(content_type=content_type, object_id=str(pk or obj.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def google_sign_in(client, google_url: str, next_url: str = "") -> str:
    """Connect a Google account as a person does: the admin's form, the sandbox's consent page (followed
    with ``requests``, as the browser would), the callback. Returns where the admin sends the browser."""
    url = reverse("admin:connections_google_connect")
    if next_url:
        url += "?" + urlencode({"next": next_url})
    response = client.post(url, {"label": "", "api_base_url": google_url})
    assert response.status_code == 302, response.content.decode()[:2000]
    consent = requests.get(response["Location"], allow_redirects=False, timeout=10)
    assert consent.status_code == 302, consent.text
    back = urlsplit(consent.headers["Location"])
    response = client.get(back.path, {k: v[0] for k, v in parse_qs(back.query).items()})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def test_a_netsuite_account_authorized_in_the_wizard_is_recorded_once_as_created(client, administrator_user, sandboxes):
    client.force_login(administrator_user)
    response = client.post(wizard_url("netsuite"), authorize_form(sandboxes))
    assert response.status_code == 302

    account = ConnectedAccount.objects.get(provider="netsuite")
    assert account.status == AccountStatus.VERIFIED  # verified after it was saved: not a second "created"
    [record] = history_of(ConnectedAccount)
    assert (record.action, record.object_id) == (ChangeAction.CREATED, str(account.pk))
    assert (record.user, record.via) == (administrator_user, "wizard")
    credentials = next(c for c in record.changes if c["field"] == "credentials_encrypted")
    assert (credentials["old"], credentials["new"]) == ("—", "set")
    # Its subsidiaries, stored with it, once each.
    subsidiaries = set(account.subsidiaries.values_list("pk", flat=True))
    recorded = [r for r in history_of(Subsidiary)]
    assert sorted(int(r.object_id) for r in recorded) == sorted(subsidiaries)
    assert {r.action for r in recorded} == {ChangeAction.CREATED}


def test_a_google_account_connected_from_the_wizard_is_recorded_once_as_created(client, administrator_user, sandboxes):
    client.force_login(administrator_user)
    google_sign_in(client, sandboxes.google_url, next_url=wizard_url("app"))

    account = ConnectedAccount.objects.get(provider="google_contacts")
    assert account.status == AccountStatus.VERIFIED
    [record] = history_of(ConnectedAccount)
    assert (record.action, record.object_id) == (ChangeAction.CREATED, str(account.pk))
    assert (record.user, record.via) == (administrator_user, "wizard")


def test_re_authorizing_a_google_account_is_one_change_showing_only_that_credentials_changed(
    client, administrator_user, sandboxes
):
    client.force_login(administrator_user)
    google_sign_in(client, sandboxes.google_url)
    account = ConnectedAccount.objects.get(provider="google_contacts")
    old_token = account.get_credentials()["refresh_token"]
    account.mark_status(AccountStatus.NEEDS_REAUTH, "Google says the grant was revoked.")

    google_sign_in(client, sandboxes.google_url)

    account.refresh_from_db()
    new_token = account.get_credentials()["refresh_token"]
    assert new_token != old_token and account.status == AccountStatus.VERIFIED
    assert actions_of(account) == [ChangeAction.CREATED, ChangeAction.CHANGED]
    changed = history_of(ConnectedAccount)[-1]
    assert changed.changes == [
        {"field": "credentials_encrypted", "label": "credentials", "old": "(hidden)", "new": "changed: refresh_token"}
    ]
    assert (changed.user, changed.via) == (administrator_user, "admin")
    shown = json.dumps([r.changes for r in ChangeRecord.objects.all()]) + client.get(HISTORY).content.decode()
    for token in (old_token, new_token):
        assert token not in shown


def test_a_netsuite_authorization_that_netsuite_refused_records_nothing(client, administrator_user, sandboxes):
    client.force_login(administrator_user)

    response = client.post(wizard_url("netsuite"), authorize_form(sandboxes, consumer_secret=WRONG_SECRET))

    page = response.content.decode()
    assert "<strong>The account was not saved.</strong>" in page and "<li>NetSuite refused the credentials" in page
    assert not ConnectedAccount.objects.exists()
    assert not ChangeRecord.objects.exists(), [(r.action, r.object_repr) for r in ChangeRecord.objects.all()]


def test_a_refused_re_authorization_of_an_unverified_account_records_nothing(client, administrator_user, sandboxes):
    info = sandboxes.ns_info
    stale = ConnectedAccount(provider="netsuite", label="Old label", account_id=info["account_id"], status="error")
    stale.set_credentials({name: "old-" + name for name in TBA_NAMES})
    stale.save()
    recorded = ChangeRecord.objects.count()
    client.force_login(administrator_user)

    response = client.post(wizard_url("netsuite"), authorize_form(sandboxes, token_secret=WRONG_SECRET, label="New"))

    assert "NetSuite refused the credentials" in response.content.decode()
    stale.refresh_from_db()
    assert stale.label == "Old label" and stale.get_credentials()["token_secret"] == "old-token_secret"
    assert ChangeRecord.objects.count() == recorded

    # Accepted: one change (label and credentials), the subsidiaries it brought, nothing else.
    assert client.post(wizard_url("netsuite"), authorize_form(sandboxes, label="New")).status_code == 302
    assert actions_of(stale) == [ChangeAction.CREATED, ChangeAction.CHANGED]
    changed = history_of(ConnectedAccount)[-1]
    assert {c["field"]: c["new"] for c in changed.changes} == {
        "label": "New",
        "api_base_url": info["base_url"],
        "credentials_encrypted": "changed: " + ", ".join(sorted(TBA_NAMES)),
    }


def test_a_wizard_connection_records_each_default_mapping_and_rule_it_got(client, administrator_user, sandboxes):
    client.force_login(administrator_user)
    walk_to_review(client, sandboxes)
    before = ChangeRecord.objects.count()

    response = client.post(wizard_url("review"), {"r-name": "Sales people", "r-interval_minutes": "15"})

    assert response.status_code == 302
    connection = Connection.objects.get()
    new = list(ChangeRecord.objects.order_by("id")[before:])
    by_model: dict[str, list[ChangeRecord]] = {}
    for record in new:
        by_model.setdefault(record.content_type.model, []).append(record)
    assert set(by_model) == {"connection", "fieldmapping", "rule"}, set(by_model)
    assert len(by_model["connection"]) == 1  # created, with its owner (the person who set it up)
    mappings = {str(m.pk): m for m in FieldMapping.objects.filter(connection=connection)}
    rules = {str(r.pk): r for r in Rule.objects.filter(connection=connection)}
    assert len(mappings) >= 5 and len(rules) == 2
    assert sorted(r.object_id for r in by_model["fieldmapping"]) == sorted(mappings)  # one entry each
    assert sorted(r.object_id for r in by_model["rule"]) == sorted(rules)
    for record in new:
        assert record.action == ChangeAction.CREATED
        assert (record.user, record.via) == (administrator_user, "wizard")
        assert (record.connection_id, record.connection_name) == (connection.pk, "Sales people")
    first_name = next(
        r for r in by_model["fieldmapping"] if mappings[r.object_id].netsuite_field == "firstName"
    ).changes
    assert {c["field"]: c["new"] for c in first_name}.items() >= {
        "netsuite_field": "firstName",
        "app_field": "givenName",
        "direction": "Two-way (NetSuite ⇄ app)",
        "is_default": "yes",
    }.items()
    # Ops find them under the connection in the history page.
    page = client.get(f"{HISTORY}?connection_id={connection.pk}").content.decode()
    assert page.count('class="field-changes_summary"') == len(new)


def test_import_config_dry_run_records_nothing_and_a_real_import_records_what_it_stored(
    administrator_user, sandboxes, tmp_path, monkeypatch
):
    # A configuration made the ordinary way, exported, then removed: importing it makes it anew.
    info = sandboxes.ns_info
    netsuite = ConnectedAccount(provider="netsuite", label="ACME", account_id=info["account_id"])
    netsuite.set_credentials({name: info[name] for name in TBA_NAMES})
    netsuite.save()
    Subsidiary.objects.create(account=netsuite, internal_id="1", name="Parent Company")
    google = ConnectedAccount(provider="google_contacts", label="Sales Google", account_id="sales@acme.example")
    google.set_credentials({"refresh_token": "1//refresh-token-for-import"})
    google.save()
    connection = Connection.objects.create(
        name="ACME ⇄ Google",
        netsuite_account=netsuite,
        subsidiary=netsuite.subsidiaries.get(),
        contact_type="individual_customers",
        app_account=google,
    )
    connection.field_mappings.filter(netsuite_field="comments").delete()  # the file drops one default
    connection.field_mappings.filter(netsuite_field="title").update(enabled=False)  # ... and turns one off
    path = tmp_path / "config.json"
    call_command("export_config", "--output", str(path))
    config = json.loads(path.read_text())
    for account in config["accounts"]:
        for name, variable in account.get("secrets", {}).items():
            stored = (netsuite if account["provider"] == "netsuite" else google).get_credentials()[name]
            monkeypatch.setenv(variable, stored)
    connection.delete()
    ChangeRecord.objects.all().delete()

    call_command("import_config", str(path), "--dry-run")
    assert not Connection.objects.exists()
    assert not ChangeRecord.objects.exists()

    call_command("import_config", str(path))
    connection = Connection.objects.get()
    records = list(ChangeRecord.objects.order_by("id"))
    assert {r.via for r in records} == {"import_config"}
    stored = {("fieldmapping", str(pk)) for pk in connection.field_mappings.values_list("pk", flat=True)}
    stored |= {("rule", str(pk)) for pk in connection.rules.values_list("pk", flat=True)}
    stored.add(("connection", str(connection.pk)))
    # One entry per object stored, each a creation with its final values; none for the default the file
    # removed (it was never stored as far as anyone outside the import can tell).
    assert sorted((r.content_type.model, r.object_id) for r in records) == sorted(stored)
    assert {r.action for r in records} == {ChangeAction.CREATED}
    title = connection.field_mappings.get(netsuite_field="title")
    [title_record] = [r for r in records if r.object_id == str(title.pk) and r.content_type.model == "fieldmapping"]
    assert {c["field"]: c["new"] for c in title_record.changes}["enabled"] == "no"


# --- one entry per object per transaction ----------------------------------------------------------------


def _mapping(connection) -> FieldMapping:
    return connection.field_mappings.get(netsuite_field="email")


def test_saves_of_one_object_in_one_transaction_make_one_entry_from_first_old_to_last_new(connection_obj):
    mapping = _mapping(connection_obj)
    first = str(mapping.order)
    with transaction.atomic():
        mapping.enabled = False
        mapping.save()
        mapping.order = 999
        mapping.save()
        mapping.enabled = True  # back as it was: not a change
        mapping.save()
    [record] = [r for r in history_of(FieldMapping) if r.object_id == str(mapping.pk) and r.action == "changed"]
    assert record.changes == [{"field": "order", "label": "order", "old": first, "new": "999"}]

    pk = mapping.pk
    with transaction.atomic():
        mapping.order = int(first)
        mapping.save()
        mapping.delete()
    assert actions_of(mapping, pk) == [ChangeAction.CREATED, ChangeAction.CHANGED, ChangeAction.DELETED]
    deleted = history_of(FieldMapping)[-1]
    assert {c["field"]: c["old"] for c in deleted.changes}["order"] == "999"  # what was stored before it went

    with transaction.atomic():
        rule = Rule.objects.create(connection=connection_obj, direction="to_app", name="Short-lived", order=50)
        rule_pk = rule.pk
        rule.delete()
    assert actions_of(rule, rule_pk) == []  # created and deleted in one transaction: nothing was ever stored


def test_a_rolled_back_savepoint_leaves_no_entry_and_the_rest_of_the_transaction_is_still_recorded(connection_obj):
    mapping = _mapping(connection_obj)
    first = str(mapping.order)
    with transaction.atomic():
        try:
            with transaction.atomic():
                mapping.enabled = False
                mapping.save()
                raise RuntimeError("refused")
        except RuntimeError:
            mapping.enabled = True  # the instance as the database has it again
        mapping.order = 77
        mapping.save()
    [record] = [r for r in history_of(FieldMapping) if r.object_id == str(mapping.pk) and r.action == "changed"]
    assert record.changes == [{"field": "order", "label": "order", "old": first, "new": "77"}]


@pytest.mark.django_db(transaction=True)
def test_each_real_transaction_gets_its_own_entries_even_through_one_atomic_decorator(netsuite_account):
    """Real commits and rollbacks (no test transaction around them), as in production."""
    connection = make_connection(netsuite_account, make_google_account(), "individual_customers")
    mapping = _mapping(connection)
    first = str(mapping.order)

    @transaction.atomic
    def set_order(order: int, *, fail: bool = False) -> None:
        mapping.order = order
        mapping.save()
        mapping.order = order + 1
        mapping.save()
        if fail:
            raise RuntimeError("refused")

    set_order(100)
    set_order(200)
    with pytest.raises(RuntimeError):
        set_order(300, fail=True)
    changed = [r.changes for r in history_of(FieldMapping) if r.object_id == str(mapping.pk) and r.action == "changed"]
    assert changed == [
        [{"field": "order", "label": "order", "old": first, "new": "101"}],
        [{"field": "order", "label": "order", "old": "101", "new": "201"}],
    ]
    mapping.order = 5
    mapping.save()  # autocommit: a transaction of its own
    mapping.order = 6
    mapping.save()
    assert actions_of(mapping)[-2:] == [ChangeAction.CHANGED, ChangeAction.CHANGED]
