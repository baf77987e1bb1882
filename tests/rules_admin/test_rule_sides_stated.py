"""Rules say what they do (issue 14, item 9): the editor states, per direction, which record the
conditions read and which the actions write, offers the matching field lists, creates a rule with
its conditions and actions on one page, and an action only fills in a created record unless
overwriting is chosen."""

import pytest
from django.urls import reverse

from rules.choices import ApplyOn
from rules.forms import ActionForm
from rules.models import Action, Condition, Rule

from ..mappings_admin.admin_forms import add_inline_row, change_form_data, inline_prefix


@pytest.fixture
def admin_client(client, administrator_user):
    client.force_login(administrator_user)
    return client


def _field_ids(response, model_name: str) -> set[str]:
    """The field ids the first form of the ``model_name`` inline offers."""
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model._meta.model_name == model_name:
            return {value for value, _ in _flat(inline.formset.forms[0].fields["field_id"].choices) if value}
    raise AssertionError(f"no {model_name} inline")


def _flat(choices):
    for value, label in choices:
        if isinstance(label, list | tuple):
            yield from _flat(label)
        else:
            yield value, label


@pytest.mark.parametrize(
    ("rule_fixture", "statement", "source_field", "target_field"),
    [
        (
            "to_app_rule",
            "NetSuite → Google Contacts: conditions read the NetSuite record; actions write the Google contact.",
            "salesRep",
            "organization.title",
        ),
        (
            "to_netsuite_rule",
            "Google Contacts → NetSuite: conditions read the Google contact; actions write the NetSuite record.",
            "organization.title",
            "salesRep",
        ),
    ],
)
def test_the_rule_page_states_what_each_direction_reads_and_writes_with_the_field_lists_to_match(
    admin_client, request, rule_fixture, statement, source_field, target_field
):
    rule = request.getfixturevalue(rule_fixture)
    response = admin_client.get(reverse("admin:rules_rule_change", args=[rule.pk]))
    html = response.content.decode()
    assert statement in html
    conditions, actions = _field_ids(response, "condition"), _field_ids(response, "action")
    assert source_field in conditions and source_field not in actions
    assert target_field in actions and target_field not in conditions


def test_a_rule_is_created_with_its_conditions_and_actions_on_one_page(admin_client, connection):
    add_url = reverse("admin:rules_rule_add")
    start = admin_client.get(add_url).content.decode()
    link = f"{add_url}?connection={connection.pk}&amp;direction=to_app"
    assert link in start  # the add page offers each connection and direction
    page = admin_client.get(f"{add_url}?connection={connection.pk}&direction=to_app")
    assert "conditions read the NetSuite record; actions write the Google contact" in page.content.decode()
    data = change_form_data(page)
    data.update({"name": "VIPs get a title", "order": "20", "match": "all", "enabled": "on"})
    add_inline_row(data, inline_prefix(page, "condition"), {"field_id": "custentity_vip", "operator": "is_true"})
    add_inline_row(
        data,
        inline_prefix(page, "action"),
        {"kind": "set_field", "field_id": "organization.title", "value": "VIP", "apply_on": "create"},
    )

    response = admin_client.post(add_url + f"?connection={connection.pk}&direction=to_app", data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    rule = Rule.objects.get(name="VIPs get a title")
    assert (rule.connection_id, rule.direction) == (connection.pk, "to_app")
    assert list(Condition.objects.filter(rule=rule).values_list("field_id", "operator")) == [
        ("custentity_vip", "is_true")
    ]
    assert list(Action.objects.filter(rule=rule).values_list("field_id", "value", "apply_on")) == [
        ("organization.title", "VIP", "create")
    ]


def test_an_action_by_default_only_fills_in_the_record_the_sync_creates(to_app_rule):
    assert Action(rule=to_app_rule).apply_on == ApplyOn.CREATE
    form = ActionForm()
    assert form.fields["apply_on"].initial == ApplyOn.CREATE
    labels = dict(form.fields["apply_on"].choices)
    assert labels[ApplyOn.CREATE] == "only when creating the record"
    assert "overwrite" in labels[ApplyOn.BOTH] and "overwrite" in labels[ApplyOn.UPDATE]
