"""Rules that test and set a Mailchimp member's tags, through the engine over HTTP against both sandboxes
(issue 19, item 4). A member's tags are a read-only groups field of open options: a rule NetSuite → Mailchimp
adds or removes one tag (the group actions), a rule Mailchimp → NetSuite tests them ("contains any of",
"contains none of"); a tag is never mapped, a second run writes nothing, and a person's own tags are kept."""

from __future__ import annotations

import time

import pytest
import requests
from django.core.exceptions import ValidationError
from django.urls import reverse

from connections.providers.mailchimp.keys import subscriber_hash
from mappings.models import FieldMapping
from rules.choices import ActionKind, ApplyOn, Operator, RuleDirection
from rules.models import Action, Condition, Rule
from syncengine.choices import Outcome, RunStatus, SyncDirection
from syncengine.models import RecordOutcome, SyncRun

from ..mappings_admin.admin_forms import add_inline_row, change_form_data, inline_prefix
from .helpers import ns_by_email, ns_person, seed, writes
from .hubspot_setup import run
from .rule_setup import disable_default_rule, rule_from_admin_forms

pytestmark = pytest.mark.django_db(transaction=True)

TO_APP, TO_NS = RuleDirection.TO_APP, RuleDirection.TO_NETSUITE


def tags(app, email: str) -> list[str]:
    return [t["name"] for t in app.member(email)["tags"]]


def app_writes(app) -> list[tuple[str, str]]:
    return [(r["method"], r["path"]) for r in app.requests() if r["method"] != "GET"]


def tag_by_hand(mailchimp, email: str, name: str, status: str = "active") -> None:
    """A person tags a member in Mailchimp (its API, as any other tool would)."""
    app, server = mailchimp
    info = app.print_config(server.base_url)
    answer = requests.post(
        f"{info['base_url']}/lists/{info['list_id']}/members/{subscriber_hash(email)}/tags",
        json={"tags": [{"name": name, "status": status}]},
        auth=("anystring", info["api_key"]),
        timeout=10,
    )
    assert answer.status_code == 204, answer.text


def outcomes(sync: SyncRun, direction: str) -> dict[str, str]:
    return dict(RecordOutcome.objects.filter(run=sync, direction=direction).values_list("email", "outcome"))


def test_a_rule_tags_the_members_of_matching_netsuite_records_keeps_their_own_tags_and_then_writes_nothing(
    sandboxes, mailchimp, mailchimp_connection
):
    app, _ = mailchimp
    rule_from_admin_forms(
        mailchimp_connection,
        TO_APP,
        "Customers are tagged",
        conditions=[{"field_id": "comments", "operator": Operator.CONTAINS, "value": "customer"}],
        actions=[
            {"kind": ActionKind.ADD_TO_GROUP, "value": "Customer"},  # no member has it yet: made on first use
            {"kind": ActionKind.REMOVE_FROM_GROUP, "value": "Prospect"},
        ],
    )
    (ada_id, _, _), _ = seed(
        sandboxes,
        netsuite=[
            ns_person("Ada", "Lovelace", "ada@lovelace.io", comments="Paying customer since 1843"),
            ns_person("Grace", "Hopper", "grace@hopper.io", comments="A prospect"),
            ns_person("Linus", "Pauling", "linus@pauling.io", comments="Customer of the lab"),
        ],
    )
    # Linus is in the audience already (paired by email), with a tag of his own and the tag the rule removes.
    app.add_member("linus@pauling.io", tags=["Newsletter", "Prospect"], merge_fields={"FNAME": "Linus"})

    first = run(mailchimp_connection)

    assert first.status == RunStatus.SUCCEEDED, first.error
    assert outcomes(first, SyncDirection.TO_APP) == {
        "ada@lovelace.io": Outcome.CREATED,
        "grace@hopper.io": Outcome.CREATED,
        "linus@pauling.io": Outcome.UPDATED,
    }
    assert tags(app, "ada@lovelace.io") == ["Customer"]
    assert tags(app, "grace@hopper.io") == []  # the rule's condition does not match Grace
    assert tags(app, "linus@pauling.io") == ["Newsletter", "Customer"]  # his own tag kept
    tag_calls = [path for method, path in app_writes(app) if path.endswith("/tags")]
    assert len(tag_calls) == 3  # Ada +Customer, Linus +Customer, Linus -Prospect: nothing else
    # A tag is no field of NetSuite's nor a change to send back: NetSuite got nothing from the tags.
    assert outcomes(first, SyncDirection.TO_NETSUITE) == {"linus@pauling.io": Outcome.UNCHANGED}  # paired
    assert writes(sandboxes.netsuite.requests()) == []

    before = (len(app_writes(app)), len(writes(sandboxes.netsuite.requests())))
    second = run(mailchimp_connection)  # reads back the tagged members: an echo, nothing to write

    assert second.status == RunStatus.SUCCEEDED, second.error
    assert RecordOutcome.objects.filter(run=second).count() == 0
    assert (len(app_writes(app)), len(writes(sandboxes.netsuite.requests()))) == before

    # Someone tags Ada by hand, and takes the rule's tag off Linus: neither fights the sync.
    tag_by_hand(mailchimp, "ada@lovelace.io", "Met at a fair")
    tag_by_hand(mailchimp, "linus@pauling.io", "Customer", "inactive")
    third = run(mailchimp_connection)

    assert third.status == RunStatus.SUCCEEDED, third.error
    assert (len(app_writes(app)), len(writes(sandboxes.netsuite.requests()))) == (before[0] + 2, before[1])
    assert tags(app, "ada@lovelace.io") == ["Customer", "Met at a fair"]
    assert tags(app, "linus@pauling.io") == ["Newsletter"]

    # Ada changes in NetSuite: her update holds the tag already (no tag call), and her own tag stays.
    sandboxes.netsuite.touch("customer", ada_id, lastName="King")
    fourth = run(mailchimp_connection)

    assert fourth.status == RunStatus.SUCCEEDED, fourth.error
    assert outcomes(fourth, SyncDirection.TO_APP) == {"ada@lovelace.io": Outcome.UPDATED}
    assert app.member("ada@lovelace.io")["merge_fields"]["LNAME"] == "King"
    assert tags(app, "ada@lovelace.io") == ["Customer", "Met at a fair"]
    assert [p for _, p in app_writes(app)[before[0] + 2 :] if p.endswith("/tags")] == []


def test_a_rule_on_a_members_tags_decides_who_goes_to_netsuite(sandboxes, mailchimp, mailchimp_connection):
    app, _ = mailchimp
    disable_default_rule(mailchimp_connection, TO_NS)
    rule = rule_from_admin_forms(
        mailchimp_connection,
        TO_NS,
        "VIPs, never a competitor",
        conditions=[
            {"field_id": "tags", "operator": Operator.CONTAINS_ANY, "value": "VIP"},
            {"field_id": "tags", "operator": Operator.CONTAINS_NONE, "value": "Competitor"},
        ],
    )
    assert [c.value for c in rule.conditions.all()] == [
        [{"id": "VIP", "name": "VIP"}],
        [{"id": "Competitor", "name": "Competitor"}],
    ]
    app.add_member("vip@lovelace.io", tags=["VIP"], merge_fields={"FNAME": "Vi", "LNAME": "Pea"})
    app.add_member("plain@hopper.io", merge_fields={"FNAME": "Plain", "LNAME": "Member"})
    app.add_member("rival@pauling.io", tags=["VIP", "Competitor"], merge_fields={"FNAME": "Ri", "LNAME": "Val"})

    first = run(mailchimp_connection)

    assert first.status == RunStatus.SUCCEEDED, first.error
    assert outcomes(first, SyncDirection.TO_NETSUITE) == {
        "vip@lovelace.io": Outcome.CREATED,
        "plain@hopper.io": Outcome.SKIPPED_BY_RULES,
        "rival@pauling.io": Outcome.SKIPPED_BY_RULES,
    }
    assert sorted(ns_by_email(sandboxes)) == ["vip@lovelace.io"]
    skipped = RecordOutcome.objects.get(run=first, email="rival@pauling.io")
    assert "Tags contains none of «Competitor» → failed" in skipped.message

    before = len(writes(sandboxes.netsuite.requests()))
    second = run(mailchimp_connection)
    assert second.status == RunStatus.SUCCEEDED, second.error
    assert len(writes(sandboxes.netsuite.requests())) == before and app_writes(app) == []
    assert Outcome.CREATED not in outcomes(second, SyncDirection.TO_NETSUITE).values()

    # The plain member is tagged VIP in Mailchimp: the next run brings them to NetSuite.
    tag_by_hand(mailchimp, "plain@hopper.io", "VIP")
    third = run(mailchimp_connection)

    assert third.status == RunStatus.SUCCEEDED, third.error
    # (The rival is read again within the read's overlap window, as every member changed in its last minutes
    # is, and the rules refuse it again: logged, nothing written.)
    assert outcomes(third, SyncDirection.TO_NETSUITE) == {
        "plain@hopper.io": Outcome.CREATED,
        "rival@pauling.io": Outcome.EXCLUDED_BY_RULES,
    }
    assert sorted(ns_by_email(sandboxes)) == ["plain@hopper.io", "vip@lovelace.io"]


def test_a_mapping_into_tags_stays_refused(mailchimp_connection):
    mapping = FieldMapping(connection=mailchimp_connection, netsuite_field="comments", app_field="tags")
    with pytest.raises(ValidationError) as refused:
        mapping.full_clean()
    assert "is read-only in Mailchimp" in str(refused.value)


@pytest.fixture
def admin_client(client, administrator_user):
    client.force_login(administrator_user)
    return client


def test_the_rule_page_offers_tag_conditions_and_tag_actions_for_an_audience(admin_client, mailchimp_connection):
    add = reverse("admin:rules_rule_add")
    to_app = admin_client.get(f"{add}?connection={mailchimp_connection.pk}&direction={TO_APP}")
    html = to_app.content.decode()
    # The action's field list has Tags among the fields actions change (not apart as read-only), and the
    # field may be left empty for a group action.
    actions_select = html.split('name="actions-__prefix__-field_id"', 1)[1].split("</select>", 1)[0]
    assert 'value="tags"' in actions_select
    assert "Read-only fields" not in actions_select.split('value="tags"', 1)[0].rsplit("<optgroup", 1)[-1]
    assert "For a group action, leave empty to use Tags." in html

    to_ns = admin_client.get(f"{add}?connection={mailchimp_connection.pk}&direction={TO_NS}")
    conditions_select = to_ns.content.decode().split('name="conditions-__prefix__-field_id"', 1)[1]
    tags_option = conditions_select.split('value="tags"', 1)[1].split(">", 1)[0]
    assert 'data-operators="contains_any contains_none is_empty is_not_empty"' in tags_option

    # A whole rule saved through the page: "add tag Customer" (a tag no member has yet) on every update too.
    data = change_form_data(to_app)
    data.update({"connection": mailchimp_connection.pk, "direction": TO_APP, "name": "Tag customers", "order": 20})
    data.update({"match": "all", "enabled": "on"})
    add_inline_row(
        data,
        inline_prefix(to_app, "action"),
        {"kind": ActionKind.ADD_TO_GROUP, "field_id": "", "value": "Customer", "apply_on": ApplyOn.BOTH},
    )
    add_inline_row(
        data,
        inline_prefix(to_app, "action"),
        {"kind": ActionKind.SET_FIELD, "field_id": "tags", "value": "Customer", "apply_on": ApplyOn.BOTH},
    )
    refused = admin_client.post(f"{add}?connection={mailchimp_connection.pk}&direction={TO_APP}", data)
    assert refused.status_code == 200 and not Rule.objects.filter(name="Tag customers").exists()
    assert "Tags is read-only in Mailchimp, so a rule cannot set it" in refused.content.decode()

    data[f"{inline_prefix(to_app, 'action')}-TOTAL_FORMS"] = "1"  # without the "set field" row
    saved = admin_client.post(f"{add}?connection={mailchimp_connection.pk}&direction={TO_APP}", data)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    action = Action.objects.get(rule__name="Tag customers")
    assert (action.kind, action.field_id, action.value) == (
        ActionKind.ADD_TO_GROUP,
        "tags",
        {"id": "Customer", "name": "Customer"},
    )
    assert not Condition.objects.filter(rule=action.rule).exists()


def test_a_rule_on_a_field_that_is_not_mapped_is_tested_again_when_only_that_field_changes(
    sandboxes, mailchimp, mailchimp_connection
):
    """NetSuite's comments are not mapped to Mailchimp: a change of them alone used to read back as an echo, so
    the rule that tests them was not asked again. The fields rules test are part of what an echo compares."""
    app, _ = mailchimp
    rule_from_admin_forms(
        mailchimp_connection,
        TO_APP,
        "Customers are tagged",
        conditions=[{"field_id": "comments", "operator": Operator.CONTAINS, "value": "customer"}],
        actions=[{"kind": ActionKind.ADD_TO_GROUP, "value": "Customer"}],
    )
    (ada_id,), _ = seed(sandboxes, netsuite=[ns_person("Ada", "Lovelace", "ada@lovelace.io", comments="A prospect")])
    assert run(mailchimp_connection).status == RunStatus.SUCCEEDED
    assert tags(app, "ada@lovelace.io") == []
    run(mailchimp_connection)  # reads back its own writes

    time.sleep(1.1)  # NetSuite's modification times have whole seconds
    sandboxes.netsuite.touch("customer", ada_id, comments="Now a paying customer")
    changed = run(mailchimp_connection)

    assert changed.status == RunStatus.SUCCEEDED, changed.error
    assert tags(app, "ada@lovelace.io") == ["Customer"]
    quiet = run(mailchimp_connection)  # and then nothing more
    assert outcomes(quiet, TO_APP) == {}
