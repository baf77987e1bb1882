"""Mailchimp's refusals of an add, through the engine, over HTTP against both sandboxes (issue 19): "Member Exists"
(a member who joined between the run's read and its write, or a create sent by a run that crashed before
recording it) links the NetSuite record to that member, with nothing lost and no duplicate on either side;
"Forgotten Email Not Subscribed" (an address permanently deleted, which the API can never add again) fails
that record alone, saying so, and never creates anything; a batch subscribe that refuses one member fails
that record alone with Mailchimp's words, creates the others, and the next run retries only it."""

from __future__ import annotations

import time

import pytest

from connections.clients import client_for
from connections.providers.base import WriteRequest
from connections.providers.mailchimp.client import MailchimpClient
from syncengine.choices import LinkState, Outcome, RunStatus, SyncDirection
from syncengine.chunk_pairing import new_key
from syncengine.models import RecordLink, RecordOutcome

from .helpers import ns_by_email, ns_person, seed
from .mailchimp_checks import app_writes, members, message, ns_record, outcomes, quiet_run, run

pytestmark = pytest.mark.django_db(transaction=True)

TO_APP, TO_NS = SyncDirection.TO_APP, SyncDirection.TO_NETSUITE
LINKED_WARNING = (
    "Warning: Mailchimp already has this member (same email): linked to it, and none of its values were written over."
)


def batch_subscribes(app, since: int = 0) -> list[dict]:
    return [r for r in app_writes(app, since) if r["path"] == f"/3.0/lists/{app.config.default_list_id}"]


def test_a_member_who_joins_between_the_read_and_the_write_is_linked_not_duplicated(
    sandboxes, mailchimp, mailchimp_connection, monkeypatch
):
    app, _ = mailchimp
    seed(sandboxes, netsuite=[ns_person("Ada", "Lovelace", "ada@lovelace.io"), ns_person("Bob", "B", "bob@b.io")])
    send = MailchimpClient.create_many

    def a_sign_up_form_first(self, object_type, requests, **scope):
        # Ada fills in the audience's sign-up form while the run plans her create: the batch finds her there.
        app.add_member("Ada@Lovelace.io", merge_fields={"FNAME": "Ada", "LNAME": "King"})
        return send(self, object_type, requests, **scope)

    monkeypatch.setattr(MailchimpClient, "create_many", a_sign_up_form_first)
    first = run(mailchimp_connection)
    monkeypatch.undo()

    assert outcomes(first) == {(TO_APP, Outcome.LINKED, "ada@lovelace.io"), (TO_APP, Outcome.CREATED, "bob@b.io")}
    assert message(first, "ada@lovelace.io", Outcome.LINKED) == LINKED_WARNING
    found = members(app)
    assert set(found) == {"ada@lovelace.io", "bob@b.io"}
    assert found["ada@lovelace.io"]["merge_fields"]["LNAME"] == "King"  # her own sign-up, not written over
    link = RecordLink.objects.get(match_key="ada@lovelace.io")
    assert (link.state, link.app_id) == (LinkState.LINKED, found["ada@lovelace.io"]["id"])

    # The next run reads her member (changed since the cursor): hers is the newer change, it reaches NetSuite.
    second = run(mailchimp_connection)
    assert outcomes(second) == {(TO_NS, Outcome.UPDATED, "ada@lovelace.io")}
    assert ns_record(sandboxes, "ada@lovelace.io")["lastName"] == "King"
    quiet_run(mailchimp_connection, sandboxes, app)
    assert len(members(app)) == 2 and len(ns_by_email(sandboxes)) == 2


def test_a_create_sent_by_a_run_that_crashed_before_recording_it_is_linked_on_the_next_run(
    sandboxes, mailchimp, mailchimp_connection
):
    app, _ = mailchimp
    seed(sandboxes, netsuite=[ns_person("Bob", "B", "bob@b.io")])
    run(mailchimp_connection)
    (carol_id,), _ = seed(sandboxes, netsuite=[ns_person("Carol", "Shaw", "carol@shaw.io")])
    # The crashed run: its journal saved the link (state "creating"), then the batch subscribe reached
    # Mailchimp, then the process died before the answer was recorded.
    crashed = RecordLink.objects.create(
        connection=mailchimp_connection,
        key=new_key(),
        netsuite_id=str(carol_id),
        match_key="carol@shaw.io",
        state=LinkState.CREATING,
    )
    client = client_for(mailchimp_connection.app_account)
    values = {"email": "carol@shaw.io", "merge.FNAME": "Carol", "merge.LNAME": "Shaw"}
    (sent,) = client.create_many(mailchimp_connection.app_object_type, [WriteRequest(key=crashed.key, values=values)])
    assert sent.ok and app.member("carol@shaw.io")["status"] == "subscribed"
    mark = len(app.requests())

    recovered = run(mailchimp_connection)

    assert outcomes(recovered) == {(TO_APP, Outcome.LINKED, "carol@shaw.io")}
    assert message(recovered, "carol@shaw.io", Outcome.LINKED) == LINKED_WARNING
    assert len(batch_subscribes(app, mark)) == 1  # sent again, safely: Mailchimp answered "already a member"
    crashed.refresh_from_db()
    assert (crashed.state, crashed.app_id) == (LinkState.LINKED, app.member("carol@shaw.io")["id"])
    assert RecordLink.objects.filter(connection=mailchimp_connection).count() == 2
    assert set(members(app)) == {"bob@b.io", "carol@shaw.io"}
    assert len(ns_by_email(sandboxes)["carol@shaw.io"]) == 1
    quiet_run(mailchimp_connection, sandboxes, app)


def test_a_permanently_deleted_address_is_excluded_saying_it_cannot_be_added_and_tried_again_only_once_changed(
    sandboxes, mailchimp, mailchimp_connection
):
    app, _ = mailchimp
    app.seed({"members": [{"email_address": "gone@lovelace.io", "forgotten": True}]})
    ns_ids, _ = seed(
        sandboxes,
        netsuite=[ns_person("Gone", "G", "gone@lovelace.io"), ns_person("Ada", "Lovelace", "ada@lovelace.io")],
    )

    first = run(mailchimp_connection, RunStatus.SUCCEEDED)  # a refusal for good is not a failure

    assert outcomes(first) == {
        (TO_APP, Outcome.EXCLUDED_REFUSED, "gone@lovelace.io"),
        (TO_APP, Outcome.CREATED, "ada@lovelace.io"),
    }
    said = message(first, "gone@lovelace.io", Outcome.EXCLUDED_REFUSED)
    assert "gone@lovelace.io was permanently deleted and cannot be re-imported" in said
    assert "The sync can never add it again" in said and "not tried again until it changes" in said
    assert set(members(app)) == {"ada@lovelace.io"}
    assert app.state()["lists"][app.config.default_list_id]["forgotten"] == 1

    mark = len(app.requests())
    second = run(mailchimp_connection, RunStatus.SUCCEEDED)  # not tried again: nothing changed
    assert outcomes(second) == set()
    assert batch_subscribes(app, mark) == []

    time.sleep(1.1)  # NetSuite's modification times have whole seconds: the change must be a second later
    sandboxes.netsuite.touch("customer", ns_ids[0], title="Poet")  # it changes: tried again, refused again
    mark = len(app.requests())
    third = run(mailchimp_connection, RunStatus.SUCCEEDED)
    assert outcomes(third) == {(TO_APP, Outcome.EXCLUDED_REFUSED, "gone@lovelace.io")}
    assert len(batch_subscribes(app, mark)) == 1
    assert set(members(app)) == {"ada@lovelace.io"}
    assert len(ns_by_email(sandboxes)) == 2  # nothing else lost or created on NetSuite's side


def test_a_batch_that_refuses_one_member_fails_only_it_and_the_next_run_retries_only_it(
    sandboxes, mailchimp, mailchimp_connection
):
    app, _ = mailchimp
    emails = ["p0@pioneers.io", "p1@pioneers.io", "fake@example.com", "p3@pioneers.io"]
    (*_, fake_id, _), _ = seed(sandboxes, netsuite=[ns_person(f"P{i}", "Batch", e) for i, e in enumerate(emails)])

    first = run(mailchimp_connection, RunStatus.PARTIALLY_FAILED)

    assert len(batch_subscribes(app)) == 1  # one batch for the four
    logged = {o.email: o for o in RecordOutcome.objects.filter(run=first, direction=TO_APP)}
    assert {e: o.outcome for e, o in logged.items()} == {
        "p0@pioneers.io": Outcome.CREATED,
        "p1@pioneers.io": Outcome.CREATED,
        "fake@example.com": Outcome.FAILED,
        "p3@pioneers.io": Outcome.CREATED,
    }
    assert (
        "fake@example.com looks fake or invalid, please enter a real email address"
        in logged["fake@example.com"].message
    )
    assert [o.message for e, o in logged.items() if e != "fake@example.com"] == ["", "", ""]
    assert set(members(app)) == {"p0@pioneers.io", "p1@pioneers.io", "p3@pioneers.io"}

    mark = len(app.requests())
    second = run(mailchimp_connection, RunStatus.PARTIALLY_FAILED)  # retried alone, refused again
    assert outcomes(second) == {(TO_APP, Outcome.FAILED, "fake@example.com")}
    assert len(batch_subscribes(app, mark)) == 1

    sandboxes.netsuite.touch("customer", fake_id, email="p2@pioneers.io")  # someone fixes the address
    third = run(mailchimp_connection)
    assert outcomes(third) == {(TO_APP, Outcome.CREATED, "p2@pioneers.io")}
    assert set(members(app)) == {f"p{i}@pioneers.io" for i in range(4)}
    assert len(ns_by_email(sandboxes)) == 4
    quiet_run(mailchimp_connection, sandboxes, app)
