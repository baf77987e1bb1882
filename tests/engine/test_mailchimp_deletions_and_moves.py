"""Deletions and email changes between NetSuite and a Mailchimp audience, through the engine, over HTTP against
both sandboxes (issue 19): a NetSuite deletion under the policy "mark" or "delete" archives the member (its
history kept, the address free to join again), never a permanent delete; a member archived in Mailchimp is
read by the next run as a deletion (the read since the cursor lists the members archived since); a
customer whose email changes in NetSuite moves the member to the new address's id, the link follows, and
nothing is duplicated or written again."""

from __future__ import annotations

import time

import pytest
import requests

from connections.choices import DeletionPolicy
from syncengine.choices import LinkState, Outcome, SyncDirection
from syncengine.models import RecordLink

from .helpers import ns_by_email, ns_person, seed
from .mailchimp_checks import app_writes, members, netsuite_writes, ns_record, outcomes, quiet_run, run

pytestmark = pytest.mark.django_db(transaction=True)

TO_APP, TO_NS = SyncDirection.TO_APP, SyncDirection.TO_NETSUITE
PEOPLE = [("Ada", "ada@lovelace.io"), ("Grace", "grace@hopper.io"), ("Linus", "linus@torvalds.io")]


def synced(sandboxes, mailchimp, connect, **fields):
    """Three NetSuite customers synced into the audience by a first run; their NetSuite ids."""
    connection = connect(deletion_safety_percent=100, **fields)  # one of three is more than the default 10 %
    ns_ids, _ = seed(sandboxes, netsuite=[ns_person(first, "P", email) for first, email in PEOPLE])
    run(connection)
    app, _ = mailchimp
    assert {m["status"] for m in members(app).values()} == {"subscribed"} and len(members(app)) == 3
    return connection, ns_ids


def archived_in_mailchimp(mailchimp, email: str) -> None:
    """Someone archives the member in Mailchimp (the API's DELETE, as Mailchimp's own pages do)."""
    app, server = mailchimp
    info = app.print_config(server.base_url)
    member_id = app.member(email)["id"]
    answer = requests.delete(
        f"{info['base_url']}/lists/{info['list_id']}/members/{member_id}", auth=("someone", info["api_key"]), timeout=5
    )
    assert answer.status_code == 204


@pytest.mark.parametrize(
    ("policy", "outcome"), [(DeletionPolicy.MARK, Outcome.MARKED_DELETED), (DeletionPolicy.DELETE, Outcome.DELETED)]
)
def test_a_netsuite_deletion_archives_the_member_never_a_permanent_delete(
    sandboxes, mailchimp, mailchimp_connect, policy, outcome
):
    app, _ = mailchimp
    connection, ns_ids = synced(sandboxes, mailchimp, mailchimp_connect, netsuite_deletions=policy)
    time.sleep(1.1)  # NetSuite's cursor counts whole seconds
    sandboxes.netsuite.delete_record("customer", ns_ids[0])
    mark = len(app.requests())

    deleted = run(connection)

    assert outcomes(deleted) == {(TO_APP, outcome, "ada@lovelace.io")}
    ada_id = members(app)["ada@lovelace.io"]["id"]
    assert [(r["method"], r["path"]) for r in app_writes(app, mark)] == [
        ("DELETE", f"/3.0/lists/{app.config.default_list_id}/members/{ada_id}")
    ]
    assert {email: m["status"] for email, m in members(app).items()} == {
        "ada@lovelace.io": "archived",  # kept, with its history
        "grace@hopper.io": "subscribed",
        "linus@torvalds.io": "subscribed",
    }
    assert app.state()["lists"][app.config.default_list_id]["forgotten"] == 0  # never permanently deleted
    assert RecordLink.objects.get(match_key="ada@lovelace.io").state == LinkState.DELETED_IN_NETSUITE
    quiet_run(connection, sandboxes, app)  # the archived member read back: nothing more to do


@pytest.mark.parametrize("policy", [DeletionPolicy.MARK, DeletionPolicy.DELETE, DeletionPolicy.IGNORE])
def test_a_member_archived_in_mailchimp_is_read_as_a_deletion_by_the_next_run(
    sandboxes, mailchimp, mailchimp_connect, policy
):
    app, _ = mailchimp
    connection, ns_ids = synced(sandboxes, mailchimp, mailchimp_connect, app_deletions=policy)
    archived_in_mailchimp(mailchimp, "grace@hopper.io")
    ns_mark = len(sandboxes.netsuite.requests())

    read = run(connection)

    expected = {
        DeletionPolicy.MARK: Outcome.MARKED_DELETED,
        DeletionPolicy.DELETE: Outcome.DELETED,
        DeletionPolicy.IGNORE: Outcome.DELETION_IGNORED,
    }[policy]
    assert outcomes(read) == {(TO_NS, expected, "grace@hopper.io")}
    grace = ns_by_email(sandboxes).get("grace@hopper.io", [])
    if policy == DeletionPolicy.DELETE:
        assert grace == []
    else:
        (customer,) = grace
        assert customer["isInactive"] is (policy == DeletionPolicy.MARK)  # "mark": made inactive in NetSuite
    assert len(netsuite_writes(sandboxes, ns_mark)) == (0 if policy == DeletionPolicy.IGNORE else 1)
    assert members(app)["grace@hopper.io"]["status"] == "archived"  # nothing written back to Mailchimp
    assert len(ns_by_email(sandboxes)) == (2 if policy == DeletionPolicy.DELETE else 3)
    quiet_run(connection, sandboxes, app)


def test_a_customer_the_sync_created_and_deleted_before_any_run_read_it_back_still_archives_its_member(
    sandboxes, mailchimp, mailchimp_connect
):
    app, _ = mailchimp
    connection = mailchimp_connect(netsuite_deletions=DeletionPolicy.MARK, deletion_safety_percent=100)
    app.add_member("grace@hopper.io", merge_fields={"FNAME": "Grace", "LNAME": "Hopper"})
    app.add_member("ada@lovelace.io", merge_fields={"FNAME": "Ada", "LNAME": "Lovelace"})
    assert outcomes(run(connection)) == {
        (TO_NS, Outcome.CREATED, "grace@hopper.io"),
        (TO_NS, Outcome.CREATED, "ada@lovelace.io"),
    }
    time.sleep(1.1)  # NetSuite's cursor counts whole seconds
    sandboxes.netsuite.delete_record("customer", int(ns_record(sandboxes, "grace@hopper.io")["id"]))

    deleted = run(connection)  # the engine never read Grace's customer: only its creation answer

    assert outcomes(deleted) == {(TO_APP, Outcome.MARKED_DELETED, "grace@hopper.io")}
    assert {email: m["status"] for email, m in members(app).items()} == {
        "grace@hopper.io": "archived",
        "ada@lovelace.io": "subscribed",
    }
    quiet_run(connection, sandboxes, app)


def test_an_email_changed_in_netsuite_moves_the_member_and_the_link_follows_without_duplicate(
    sandboxes, mailchimp, mailchimp_connection
):
    app, _ = mailchimp
    ns_ids, _ = seed(sandboxes, netsuite=[ns_person("Ada", "Lovelace", "ada@lovelace.io")])
    run(mailchimp_connection)
    old_id = app.member("ada@lovelace.io")["id"]
    sandboxes.netsuite.touch("customer", ns_ids[0], email="ada@analytical.io")
    mark = len(app.requests())

    moved = run(mailchimp_connection)

    assert outcomes(moved) == {(TO_APP, Outcome.UPDATED, "ada@analytical.io")}
    assert [(r["method"], r["path"]) for r in app_writes(app, mark)] == [
        ("PATCH", f"/3.0/lists/{app.config.default_list_id}/members/{old_id}")
    ]
    found = members(app)
    assert set(found) == {"ada@analytical.io"}  # moved, not copied
    new_id = found["ada@analytical.io"]["id"]
    assert new_id != old_id and app.member(old_id) is None
    assert found["ada@analytical.io"]["merge_fields"]["LNAME"] == "Lovelace"
    (link,) = RecordLink.objects.filter(connection=mailchimp_connection)
    assert (link.app_id, link.netsuite_id, link.state) == (new_id, str(ns_ids[0]), LinkState.LINKED)

    quiet_run(mailchimp_connection, sandboxes, app)  # the moved member read back under its new id: an echo
    assert set(members(app)) == {"ada@analytical.io"}
    assert ns_record(sandboxes, "ada@analytical.io")["id"] == str(ns_ids[0]) and len(ns_by_email(sandboxes)) == 1
