"""The change history: every create, change and delete of accounts, connections, mappings and rules,
with who, when and what changed field by field; secrets masked; read-only for everyone."""

from __future__ import annotations

import json

from django.contrib.contenttypes.models import ContentType
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from changelog.actor import acting_as
from changelog.models import ChangeAction, ChangeRecord
from connections.models import ConnectedAccount, Connection
from mappings.models import FieldMapping
from rules.models import Action, Condition, Rule

from ..conftest import NETSUITE_SECRETS, point_at_sandbox
from ..mappings_admin.admin_forms import change_form_data

HISTORY = reverse("admin:changelog_changerecord_changelist")


def records_of(obj, pk=None) -> list[ChangeRecord]:
    content_type = ContentType.objects.get_for_model(type(obj))
    object_id = str(pk or obj.pk)
    return list(ChangeRecord.objects.filter(content_type=content_type, object_id=object_id).order_by("id"))


def change(record: ChangeRecord, field: str) -> tuple[str, str]:
    found = next(c for c in record.changes if c["field"] == field)
    return found["old"], found["new"]


def test_an_admin_edit_of_a_connection_records_who_and_each_field_old_to_new(
    client, administrator_user, connection_obj
):
    client.force_login(administrator_user)
    url = reverse("admin:connections_connection_change", args=[connection_obj.pk])
    data = change_form_data(client.get(url))
    data.update(
        name="ACME ⇄ Google (sales)",
        interval_minutes="30",
        conflict_policy="netsuite_wins",
        owners=[str(administrator_user.pk)],
    )
    before = ChangeRecord.objects.count()

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    new = list(ChangeRecord.objects.order_by("id")[before:])
    assert len(new) == 1, [r.changes for r in new]  # the owners are part of the same change
    record = new[0]
    assert record.action == ChangeAction.CHANGED and record.object_repr == "ACME ⇄ Google (sales)"
    assert record.user == administrator_user and record.username == "adam-administrator" and record.via == "admin"
    assert record.connection_id == connection_obj.pk and record.connection_name == "ACME ⇄ Google (sales)"
    assert change(record, "name") == ("ACME individual_customers ⇄ Google", "ACME ⇄ Google (sales)")
    assert change(record, "interval_minutes") == ("15", "30")
    assert change(record, "conflict_policy") == ("Most recent change wins", "NetSuite wins")
    assert change(record, "owners") == ("—", "adam-administrator")
    assert {c["field"] for c in record.changes} == {"name", "interval_minutes", "conflict_policy", "owners"}


def test_a_save_that_changes_nothing_is_not_recorded(connection_obj):
    before = ChangeRecord.objects.count()
    Connection.objects.get(pk=connection_obj.pk).save()
    assert ChangeRecord.objects.count() == before


def test_new_credentials_are_recorded_as_changed_never_shown(
    client, administrator_user, netsuite_account, sandbox_netsuite
):
    point_at_sandbox(netsuite_account, sandbox_netsuite)
    netsuite_account.update_credentials(
        **{k: sandbox_netsuite[k] for k in ("consumer_key", "consumer_secret", "token_id")}
    )
    netsuite_account.save()
    client.force_login(administrator_user)
    url = reverse("admin:connections_connectedaccount_change", args=[netsuite_account.pk])
    data = change_form_data(client.get(url))
    new_secret = sandbox_netsuite["token_secret"]  # a rotation NetSuite accepts (it is checked before storing)
    data.update(token_secret=new_secret, label="ACME sandbox (rotated)")

    assert client.post(url, data).status_code == 302

    record = records_of(netsuite_account)[-1]
    assert record.action == ChangeAction.CHANGED and record.user == administrator_user
    assert change(record, "credentials_encrypted") == ("(hidden)", "changed: token_secret")
    assert change(record, "label") == ("ACME sandbox", "ACME sandbox (rotated)")
    everything = json.dumps([r.changes for r in ChangeRecord.objects.all()]) + client.get(HISTORY).content.decode()
    for secret in [*NETSUITE_SECRETS.values(), new_secret]:
        assert secret not in everything
    assert ConnectedAccount.objects.get(pk=netsuite_account.pk).credentials_encrypted not in everything


def test_a_client_renewing_its_access_token_is_not_a_change(db):
    account = ConnectedAccount(provider="google_contacts", label="Google", account_id="g@example.com")
    account.set_credentials({"refresh_token": "1//refresh-token-abcdef", "access_token": "ya29.first-access"})
    account.save()
    created = records_of(account)
    assert [r.action for r in created] == [ChangeAction.CREATED]
    assert change(created[0], "credentials_encrypted") == ("—", "set")

    account.update_credentials(access_token="ya29.second-access", expires_at="1999999999")
    account.save(update_fields=["credentials_encrypted", "updated_at"])
    assert len(records_of(account)) == 1

    account.update_credentials(refresh_token="1//another-refresh-token")
    account.save(update_fields=["credentials_encrypted", "updated_at"])
    assert change(records_of(account)[-1], "credentials_encrypted") == ("(hidden)", "changed: refresh_token")


def test_mappings_rules_conditions_and_actions_are_recorded_under_their_connection(connection_obj, administrator_user):
    with acting_as(administrator_user, via="test"):
        mapping = FieldMapping.objects.create(
            connection=connection_obj, netsuite_field="comments", app_field="notes", direction="to_app"
        )
        mapping.enabled = False
        mapping.save()
        rule = Rule.objects.create(connection=connection_obj, direction="to_app", name="Web leads", order=20)
        condition = Condition.objects.create(
            rule=rule, field_id="leadSource", operator="is", value={"id": "1", "name": "Web"}
        )
        action = Action.objects.create(rule=rule, kind="set_field", field_id="notes", value="From the web")
        condition.value = {"id": "2", "name": "Trade Show"}
        condition.save()
        action_pk = action.pk
        action.delete()

    assert [r.action for r in records_of(mapping)] == ["created", "changed"]
    assert change(records_of(mapping)[1], "enabled") == ("yes", "no")
    assert change(records_of(mapping)[0], "direction") == ("—", "One-way, NetSuite → app")
    assert [r.action for r in records_of(condition)] == ["created", "changed"]
    assert change(records_of(condition)[1], "value") == (
        '{"id": "1", "name": "Web"}',
        '{"id": "2", "name": "Trade Show"}',
    )
    assert [r.action for r in records_of(action, action_pk)] == ["created", "deleted"]
    deleted = records_of(action, action_pk)[-1]
    assert deleted.action == ChangeAction.DELETED and ("From the web", "—") == change(deleted, "value")
    for obj, pk in ((mapping, None), (rule, None), (condition, None), (action, action_pk)):
        for record in records_of(obj, pk):
            assert record.connection_id == connection_obj.pk
            assert record.connection_name == connection_obj.name
            assert (record.user, record.via) == (administrator_user, "test")


def test_a_deleted_connection_keeps_its_history(connection_obj):
    pk, name = connection_obj.pk, connection_obj.name
    rule_ids = list(connection_obj.rules.values_list("pk", flat=True))
    connection_obj.delete()

    gone = ChangeRecord.objects.filter(connection_id=pk, action=ChangeAction.DELETED)
    kinds = sorted(gone.values_list("content_type__model", flat=True))
    assert kinds.count("connection") == 1 and kinds.count("rule") == len(rule_ids) == 2
    assert kinds.count("fieldmapping") > 0
    assert set(gone.values_list("connection_name", flat=True)) == {name}
    assert ChangeRecord.objects.filter(connection_id=pk, action=ChangeAction.CREATED).exists()


def test_history_filters_by_model_object_user_connection_and_date(admin_client, connection_obj, administrator_user):
    with acting_as(administrator_user, via="admin"):
        connection_obj.interval_minutes = 45
        connection_obj.save()
    connection_type = ContentType.objects.get_for_model(Connection)
    page = lambda query: admin_client.get(f"{HISTORY}?{query}").content.decode()  # noqa: E731

    by_object = page(f"content_type__id__exact={connection_type.pk}&object_id={connection_obj.pk}")
    assert by_object.count('class="field-changes_summary"') == 2  # created, then changed
    assert "45" in by_object
    by_user = page(f"user__id__exact={administrator_user.pk}")
    assert by_user.count('class="field-changes_summary"') == 1
    # The connection (created, changed) and the default mappings and rules it was created with.
    defaults = connection_obj.field_mappings.count() + connection_obj.rules.count()
    by_connection = page(f"connection_id={connection_obj.pk}")
    assert by_connection.count('class="field-changes_summary"') == 2 + defaults
    today = connection_obj.updated_at.date()
    this_month = page(f"created_at__year={today.year}&created_at__month={today.month}")
    assert this_month.count('class="field-changes_summary"') >= 2
    assert page(f"q={connection_obj.name}").count('class="field-changes_summary"') == 2 + defaults


def test_operators_can_read_the_history_but_nobody_can_change_it(
    client, operator_user, administrator_user, connection_obj
):
    record = records_of(connection_obj)[0]
    change_url = reverse("admin:changelog_changerecord_change", args=[record.pk])
    for user in (operator_user, administrator_user):
        client.force_login(user)
        assert client.get(HISTORY).status_code == 200
        page = client.get(change_url)
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
        assert client.post(change_url, {"action": "deleted"}).status_code == 403
        assert client.get(reverse("admin:changelog_changerecord_add")).status_code == 403
        assert client.get(reverse("admin:changelog_changerecord_delete", args=[record.pk])).status_code == 403
        assert "Change history" in client.get(reverse("admin:index")).content.decode()
    assert ChangeRecord.objects.get(pk=record.pk).action == ChangeAction.CREATED


def test_the_history_list_runs_a_fixed_number_of_queries(admin_client, connection_obj, django_user_model):
    def queries() -> int:
        with CaptureQueriesContext(db) as ctx:
            assert admin_client.get(HISTORY).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    users = [django_user_model.objects.create_user(f"user{i}") for i in range(5)]
    for i in range(300):
        with acting_as(users[i % 5], via="admin"):
            connection_obj.interval_minutes = 10 + i
            connection_obj.save(update_fields=["interval_minutes"])
    assert ChangeRecord.objects.count() > 300
    assert queries() == few
