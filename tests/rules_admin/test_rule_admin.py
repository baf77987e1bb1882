"""The rule editor: conditions and actions in one place, list values picked by name (never typed as ids),
and refusals with a clear message; operators view rules but cannot change them."""

import re

import pytest
from django.urls import reverse

from rules.models import Action, Condition, Rule

from ..mappings_admin.admin_forms import add_inline_row, change_form_data, inline_prefix


@pytest.fixture
def admin_client(client, administrator_user):
    client.force_login(administrator_user)
    return client


def _rule_url(rule: Rule) -> str:
    return reverse("admin:rules_rule_change", args=[rule.pk])


def _post_parts(client, rule: Rule, conditions=(), actions=()):
    """Add conditions and actions to ``rule`` through its change page, as a browser would."""
    page = client.get(_rule_url(rule))
    data = change_form_data(page)
    for values in conditions:
        add_inline_row(data, inline_prefix(page, "condition"), values)
    for values in actions:
        add_inline_row(data, inline_prefix(page, "action"), {"kind": "set_field", "apply_on": "both", **values})
    return client.post(_rule_url(rule), data)


def _errors(response, model_name: str) -> list[dict]:
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model._meta.model_name == model_name:
            return [dict(form.errors) for form in inline.formset.forms]
    raise AssertionError(f"no {model_name} inline")


def test_the_rule_page_offers_the_cached_option_names_and_both_catalogs(admin_client, to_app_rule):
    html = admin_client.get(_rule_url(to_app_rule)).content.decode()
    assert '<datalist id="rule-source-options">' in html
    assert '<option value="Ann Rep" label="Sales Rep"></option>' in html
    assert '<option value="John Smith [21]" label="Sales Rep"></option>' in html  # two John Smiths told apart
    assert '<option value="VIP" label="Contact groups (labels)"></option>' in html  # target: Google's groups
    assert 'list="rule-source-options"' in html
    assert 'list="rule-target-options"' in html
    assert "VIP (custentity_vip) · check box (yes/no)</option>" in html
    assert "The conditions offer the fields of NetSuite (Individual Customers) of ACME sandbox" in html


def _field_options(html: str) -> dict[str, str | None]:
    """The field dropdown of a new condition row (the inline's template row): option value -> its data-operators."""
    pattern = r'<select name="[^"]*condition[^"]*-__prefix__-field_id"[^>]*>(.*?)</select>'
    select = re.search(pattern, html, re.S).group(1)
    found = {}
    for attrs in re.findall(r"<option ([^>]*)>", select):
        value = re.search(r'value="([^"]*)"', attrs).group(1)
        operators = re.search(r'data-operators="([^"]*)"', attrs)
        found[value] = operators.group(1) if operators else None
    return found


def test_each_condition_field_offers_only_the_operators_of_its_type(admin_client, to_app_rule):
    html = admin_client.get(_rule_url(to_app_rule)).content.decode()

    options = _field_options(html)
    assert options["custentity_vip"] == "is_true is_false is_empty is_not_empty"  # a check box
    assert options["salesRep"] == "is is_not is_any_of is_none_of is_empty is_not_empty"  # a list
    assert options["custentity_renewal"] == "before after within_last_days is_empty is_not_empty"  # a date
    assert options[""] == "exists_in_other_app not_exists_in_other_app"  # the whole record
    assert "rules/operator_filter.js" in html
    assert 'class="rule-condition-operator"' in html


def test_an_operator_that_does_not_fit_the_field_type_is_refused(admin_client, to_app_rule):
    response = _post_parts(
        admin_client,
        to_app_rule,
        conditions=[{"field_id": "custentity_vip", "operator": "starts_with", "value": "x"}],
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "does not apply to VIP (a check box" in html
    assert "; use one of “" in html  # and names the ones that do
    assert not Condition.objects.exists()


def test_a_sales_rep_picked_by_name_is_stored_with_its_id_and_shown_by_name(admin_client, to_app_rule):
    response = _post_parts(
        admin_client,
        to_app_rule,
        conditions=[
            {"field_id": "salesRep", "operator": "is", "value": "ann rep"},
            {"field_id": "leadSource", "operator": "is_any_of", "value": "Web; Trade Show"},
            {"field_id": "salesRep", "operator": "is_not", "value": "John Smith [22]"},
        ],
    )

    assert response.status_code == 302, _errors(response, "condition")
    assert [c.value for c in to_app_rule.conditions.order_by("pk")] == [
        {"id": "7", "name": "Ann Rep"},
        [{"id": "1", "name": "Web"}, {"id": "2", "name": "Trade Show"}],
        {"id": "22", "name": "John Smith"},
    ]
    html = admin_client.get(_rule_url(to_app_rule)).content.decode()
    assert 'value="Ann Rep"' in html
    assert 'value="Web; Trade Show"' in html
    assert 'value="John Smith [22]"' in html


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Zed Nobody", "Sales Rep «Zed Nobody» is not a sales rep in this NetSuite account"),
        ("7", "Sales Rep «7» is not a sales rep in this NetSuite account"),  # an id is not a name
        ("John Smith", "Sales Rep «John Smith» matches 2 entries in this NetSuite account; pick the one you mean"),
    ],
)
def test_a_sales_rep_that_is_not_one_name_of_the_list_is_refused_with_a_clear_message(
    admin_client, to_app_rule, typed, message
):
    response = _post_parts(
        admin_client, to_app_rule, conditions=[{"field_id": "salesRep", "operator": "is", "value": typed}]
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Condition.objects.exists()


def test_text_in_a_date_condition_is_refused_with_a_clear_message(admin_client, to_app_rule):
    response = _post_parts(
        admin_client,
        to_app_rule,
        conditions=[{"field_id": "custentity_renewal", "operator": "after", "value": "last spring"}],
    )

    assert response.status_code == 200
    assert _errors(response, "condition")[0] == {"value": ["«last spring» is not a date (use YYYY-MM-DD)"]}
    assert not Condition.objects.exists()


def test_an_action_on_a_read_only_field_is_refused_with_a_clear_message(admin_client, to_netsuite_rule):
    response = _post_parts(
        admin_client, to_netsuite_rule, actions=[{"field_id": "lastModifiedDate", "value": "2025-01-01"}]
    )

    assert response.status_code == 200
    assert _errors(response, "action")[0] == {
        "field_id": ["Last Modified is read-only in NetSuite, so a rule cannot set it"]
    }
    assert not Action.objects.exists()


def test_a_list_without_known_options_asks_for_a_refresh_instead_of_taking_an_id(admin_client, to_app_rule):
    response = _post_parts(
        admin_client,
        to_app_rule,
        conditions=[{"field_id": "custentity_account_manager", "operator": "is", "value": "42"}],
    )

    assert response.status_code == 200
    assert "refresh the field catalogs, then pick a name from the list" in response.content.decode()


def test_actions_set_the_target_s_fields_and_groups_by_name(admin_client, to_app_rule, to_netsuite_rule):
    to_app = _post_parts(
        admin_client,
        to_app_rule,
        conditions=[{"field_id": "custentity_vip", "operator": "is_true", "value": ""}],
        actions=[
            {"kind": "add_to_group", "field_id": "", "value": "VIP"},
            {"field_id": "userDefined.Tier", "value": "Gold"},
        ],
    )
    assert to_app.status_code == 302, _errors(to_app, "action")
    assert [(a.kind, a.field_id, a.value) for a in to_app_rule.actions.order_by("pk")] == [
        ("add_to_group", "memberships", {"id": "contactGroups/5a1b", "name": "VIP"}),
        ("set_field", "userDefined.Tier", "Gold"),
    ]

    to_netsuite = _post_parts(
        admin_client,
        to_netsuite_rule,
        conditions=[{"field_id": "", "operator": "exists_in_other_app", "value": ""}],
        actions=[
            {"field_id": "partner", "value": "Acme Partners", "apply_on": "update"},
            {"field_id": "defaultAddress", "value": "1 Main St; Springfield; IL; 62701; US"},
        ],
    )
    assert to_netsuite.status_code == 302, _errors(to_netsuite, "action")
    assert [(a.field_id, a.value, a.apply_on) for a in to_netsuite_rule.actions.order_by("pk")] == [
        ("partner", {"id": "101", "name": "Acme Partners"}, "update"),
        (
            "defaultAddress",
            {"street": "1 Main St", "city": "Springfield", "region": "IL", "postal_code": "62701", "country": "US"},
            "both",
        ),
    ]


def test_the_connection_page_lists_the_rules_per_direction_with_links_to_edit_them(admin_client, connection):
    url = reverse("admin:connections_connection_change", args=[connection.pk])
    page = admin_client.get(url)
    html = page.content.decode()
    assert "Rules: NetSuite → Google Contacts" in html
    assert "Rules: Google Contacts → NetSuite" in html
    for rule in connection.rules.all():
        assert _rule_url(rule) in html
    assert "IF any record (no conditions) THEN sync" in html

    data = change_form_data(page)
    add_inline_row(
        data,
        inline_prefix(page, "rule", occurrence=1),
        {"name": "Google VIPs", "order": 20, "match": "all", "enabled": True},
    )
    assert admin_client.post(url, data).status_code == 302
    assert connection.rules.get(name="Google VIPs").direction == "to_netsuite"


def test_an_operator_views_rules_but_cannot_change_them(client, operator_user, to_app_rule, connection):
    Condition.objects.create(rule=to_app_rule, field_id="salesRep", operator="is", value={"id": "7", "name": "Ann Rep"})
    client.force_login(operator_user)

    page = client.get(_rule_url(to_app_rule))
    assert page.status_code == 200
    assert "Ann Rep" in page.content.decode()
    response = client.post(_rule_url(to_app_rule), {"name": "hijack", "order": 1, "match": "any"})
    assert response.status_code == 403
    assert client.get(reverse("admin:rules_rule_add")).status_code == 403
    to_app_rule.refresh_from_db()
    assert to_app_rule.name == "Sync everyone"

    connection_page = client.get(reverse("admin:connections_connection_change", args=[connection.pk]))
    assert connection_page.status_code == 200
    assert "IF Sales Rep is «Ann Rep» THEN sync" in connection_page.content.decode()
