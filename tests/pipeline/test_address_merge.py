"""The three-way merge treats an address as ONE value (pure, table-driven): a street from one side never mixes
with a city from the other; both sides edited differently is one conflict, and the policy picks one whole
address. Spelling differences (a country's name against its code, a state's name, case, blanks, line
endings) are no change at all, so a synced address never goes back and forth."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connections.choices import ConflictPolicy
from connections.providers.fields import FieldSpec, FieldType
from syncengine.merge import APP, NETSUITE, Slot, merge

ADDRESS = Slot(
    FieldSpec("defaultAddress", "Default Address", FieldType.ADDRESS),
    FieldSpec("address.work", "Work address", FieldType.ADDRESS),
    True,
    True,
)
BASE = {"street": "1 Main St", "city": "Berlin", "postal_code": "10115", "country": "DE"}
NS_EDIT = {**BASE, "street": "2 Harbour Rd"}  # NetSuite changed the street
APP_EDIT = {**BASE, "city": "Hamburg", "postal_code": "20095"}  # Google changed the city
EARLY, LATE = datetime(2026, 5, 1, 9, tzinfo=UTC), datetime(2026, 5, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("case", "ns_now", "app_now", "policy", "ns_modified", "app_modified", "to_app", "to_netsuite", "winner"),
    [
        ("edited on both sides, NetSuite later: NetSuite's whole address", NS_EDIT, APP_EDIT,
         ConflictPolicy.MOST_RECENT, LATE, EARLY, NS_EDIT, None, NETSUITE),
        ("edited on both sides, the app later: the app's whole address", NS_EDIT, APP_EDIT,
         ConflictPolicy.MOST_RECENT, EARLY, LATE, None, APP_EDIT, APP),
        ("NetSuite wins: its whole address, never Google's city", NS_EDIT, APP_EDIT,
         ConflictPolicy.NETSUITE_WINS, EARLY, LATE, NS_EDIT, None, NETSUITE),
        ("the app wins: its whole address, never NetSuite's street", NS_EDIT, APP_EDIT,
         ConflictPolicy.APP_WINS, LATE, EARLY, None, APP_EDIT, APP),
        ("edited on one side only: that whole address flows", NS_EDIT, BASE,
         ConflictPolicy.MOST_RECENT, EARLY, LATE, NS_EDIT, None, None),
        ("edited on the app side only: that whole address flows", BASE, APP_EDIT,
         ConflictPolicy.MOST_RECENT, LATE, EARLY, None, APP_EDIT, None),
        ("edited alike on both sides, spelled differently: no conflict, nothing written",
         {**NS_EDIT, "country": "DE"}, {**NS_EDIT, "country": "Germany", "city": " berlin"},
         ConflictPolicy.MOST_RECENT, EARLY, LATE, None, None, None),
        ("only spelled differently: no change", BASE,
         {**BASE, "country": "germany", "street": "1 Main St\r\n"},
         ConflictPolicy.MOST_RECENT, EARLY, LATE, None, None, None),
        ("cleared on one side, edited on the other: a conflict, and the address is kept, not blanked", None, APP_EDIT,
         ConflictPolicy.NETSUITE_WINS, LATE, EARLY, None, APP_EDIT, APP),
    ],
    ids=lambda value: value if isinstance(value, str) and " " in value else "",
)  # fmt: skip
def test_an_address_merges_as_one_value(
    case, ns_now, app_now, policy, ns_modified, app_modified, to_app, to_netsuite, winner
):
    result = merge(
        [ADDRESS],
        {"defaultAddress": ns_now},
        {"address.work": app_now},
        {"defaultAddress": BASE},
        {"address.work": BASE},
        policy=policy,
        netsuite_modified=ns_modified,
        app_modified=app_modified,
    )
    assert result.to_app.get("address.work") == to_app
    assert result.to_netsuite.get("defaultAddress") == to_netsuite
    assert [c.winner for c in result.conflicts] == ([winner] if winner else [])  # one conflict: the address
    for written in (result.to_app.get("address.work"), result.to_netsuite.get("defaultAddress")):
        # Whatever is written is one side's address, whole: never a mix of the two.
        assert written in (None, NS_EDIT, APP_EDIT)
