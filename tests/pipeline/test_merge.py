"""The three-way merge (pure, table-driven): per mapping, a change on one side flows to the other, agreeing
changes write nothing, a one-way mapping never flows back, and a side never synced counts every value as
changed. Conflict policies and failing fields: tests/engine/test_merge_pure.py."""

from __future__ import annotations

import pytest

from connections.providers.fields import FieldSpec, FieldType
from syncengine.merge import Slot, merge

TWO_WAY = Slot(FieldSpec("title", "Job Title", FieldType.TEXT), FieldSpec("org", "Title", FieldType.TEXT), True, True)
TO_APP_ONLY = Slot(FieldSpec("memo", "Memo", FieldType.TEXT), FieldSpec("notes", "Notes", FieldType.TEXT), True, False)
TO_NS_ONLY = Slot(
    FieldSpec("nick", "Nickname", FieldType.TEXT), FieldSpec("nk", "Nickname", FieldType.TEXT), False, True
)
SLOTS = [TWO_WAY, TO_APP_ONLY, TO_NS_ONLY]


@pytest.mark.parametrize(
    ("case", "ns_now", "app_now", "ns_base", "app_base", "to_app", "to_netsuite"),
    [
        ("nothing changed: nothing to write", {"title": "A"}, {"org": "A"}, {"title": "A"}, {"org": "A"}, {}, {}),
        (
            "changed in NetSuite: written to the app",
            {"title": "B"},
            {"org": "A"},
            {"title": "A"},
            {"org": "A"},
            {"org": "B"},
            {},
        ),
        (
            "changed in the app: written to NetSuite",
            {"title": "A"},
            {"org": "B"},
            {"title": "A"},
            {"org": "A"},
            {},
            {"title": "B"},
        ),
        (
            "changed on both sides alike: nothing to write",
            {"title": "B"},
            {"org": "B"},
            {"title": "A"},
            {"org": "A"},
            {},
            {},
        ),
        ("cleared in NetSuite: cleared in the app", {}, {"org": "A"}, {"title": "A"}, {"org": "A"}, {"org": None}, {}),
        ("a one-way mapping flows its way", {"memo": "m"}, {}, {}, {}, {"notes": "m"}, {}),
        ("a one-way mapping never flows back", {}, {"notes": "m"}, {}, {}, {}, {}),
        (
            "the other one-way mapping flows toward NetSuite only",
            {"nick": "x"},
            {"nk": "y"},
            {},
            {"nk": "z"},
            {},
            {"nick": "y"},
        ),
        ("a new link (no snapshots): every non-empty value flows", {"title": "A"}, None, None, None, {"org": "A"}, {}),
        (
            "never synced, the other record exists and differs: written",
            {"memo": "m"},
            {"notes": "n"},
            None,
            None,
            {"notes": "m"},
            {},
        ),
    ],
)
def test_a_field_changed_on_one_side_flows_the_ways_its_mapping_allows(
    case, ns_now, app_now, ns_base, app_base, to_app, to_netsuite
):
    result = merge(SLOTS, ns_now, app_now, ns_base, app_base)
    assert (result.to_app, result.to_netsuite, result.conflicts) == (to_app, to_netsuite, []), case


def test_a_slot_new_to_the_pair_is_merged_as_never_synced():
    # The snapshot holds the value under another mapping of the same field: without ``fresh`` it would
    # count as already synced and nothing would flow.
    base = merge([TWO_WAY], {"title": "A"}, {}, {"title": "A"}, {})
    fresh = merge([TWO_WAY], {"title": "A"}, {}, {"title": "A"}, {}, fresh=frozenset({TWO_WAY.key}))
    assert (base.to_app, fresh.to_app) == ({}, {"org": "A"})
