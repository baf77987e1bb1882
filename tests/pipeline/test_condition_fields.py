"""The fields an echo compares include those the rules test (pure): a change of one alone is planned again, so
the rule is asked again; a read-only date-time (a modification time, which every write moves) is left out, and a
disabled rule's fields too."""

from __future__ import annotations

from connections.providers.fields import FieldSpec, FieldType
from rules.specs import ConditionSpec, RuleSpec
from syncengine.merge import Slot
from syncengine.sync_config import SyncConfig

T = FieldType
EMAIL_NS, EMAIL_APP = FieldSpec("email", "Email", T.EMAIL), FieldSpec("email", "Email", T.EMAIL)
NS = {
    "email": EMAIL_NS,
    "comments": FieldSpec("comments", "Comments", T.TEXT),
    "lastModifiedDate": FieldSpec("lastModifiedDate", "Last modified", T.DATETIME, writable=False),
    "title": FieldSpec("title", "Job title", T.TEXT),
}
APP = {"email": EMAIL_APP, "tags": FieldSpec("tags", "Tags", T.GROUPS, writable=False)}


def config(**rules) -> SyncConfig:
    return SyncConfig(slots=[Slot(EMAIL_NS, EMAIL_APP, True, True)], netsuite_catalog=NS, app_catalog=APP, **rules)


def test_the_fields_rules_test_join_the_mapped_ones_per_side():
    conditions = (
        ConditionSpec("comments", "contains", "customer"),
        ConditionSpec("lastModifiedDate", "after", "2026-01-01"),
        ConditionSpec(None, "exists_in_other_app"),
        ConditionSpec("email", "is_not_empty"),  # mapped already: once
    )
    to_app = [
        RuleSpec("Customers", conditions=conditions),
        RuleSpec("Off", enabled=False, conditions=(ConditionSpec("title", "is", "CEO"),)),
    ]
    to_netsuite = [RuleSpec("VIPs", conditions=(ConditionSpec("tags", "contains_any", [{"id": "VIP"}]),))]
    found = config(rules_to_app=to_app, rules_to_netsuite=to_netsuite)
    assert found.mapped_field_ids("netsuite") == ("email", "comments")
    assert found.mapped_field_ids("app") == ("email", "tags")
    assert config().mapped_field_ids("netsuite") == ("email",)
