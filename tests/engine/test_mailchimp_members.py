"""NetSuite ⇄ a Mailchimp audience through the engine, over HTTP against both sandboxes (issue 19): the app is
the registered ``mailchimp`` provider, a connection names one audience and gets Mailchimp's default mappings,
and the runs behave as with the other apps: created both ways, our own writes read back as echoes, no
duplicate on either side."""

from __future__ import annotations

import pytest

from mappings.models import FieldMapping
from syncengine.choices import Outcome, RunStatus, SyncDirection
from syncengine.models import RecordOutcome, SyncRun

from .helpers import ns_by_email, ns_person, seed
from .hubspot_setup import run

pytestmark = pytest.mark.django_db(transaction=True)


def members(app) -> dict[str, dict]:
    """The demo audience's members by email (any status), as the sandbox's API renders them."""
    audience = app.account.lists[app.config.default_list_id]
    return {m.email.lower(): app.member(m.email) for m in audience.members.values()}


def outcomes(sync: SyncRun) -> set[tuple[str, str, str]]:
    return set(RecordOutcome.objects.filter(run=sync).values_list("direction", "outcome", "email"))


def test_initial_sync_into_an_audience_both_ways_then_a_run_with_no_write(sandboxes, mailchimp, mailchimp_connection):
    app, _ = mailchimp
    mapped = set(
        FieldMapping.objects.filter(connection=mailchimp_connection).values_list("netsuite_field", "app_field")
    )
    assert {("email", "email"), ("firstName", "merge.FNAME"), ("lastName", "merge.LNAME")} <= mapped
    seed(sandboxes, netsuite=[ns_person("Ada", "Lovelace", "ada@lovelace.io")])
    app.add_member("grace@hopper.io", merge_fields={"FNAME": "Grace", "LNAME": "Hopper"})

    first = run(mailchimp_connection)
    assert first.status == RunStatus.SUCCEEDED, first.error
    assert outcomes(first) == {
        (SyncDirection.TO_APP, Outcome.CREATED, "ada@lovelace.io"),
        (SyncDirection.TO_NETSUITE, Outcome.CREATED, "grace@hopper.io"),
    }
    found = members(app)
    assert set(found) == {"ada@lovelace.io", "grace@hopper.io"}
    ada = found["ada@lovelace.io"]
    assert ada["status"] == "subscribed"
    assert (ada["merge_fields"]["FNAME"], ada["merge_fields"]["LNAME"]) == ("Ada", "Lovelace")
    grace = ns_by_email(sandboxes)["grace@hopper.io"]
    assert len(grace) == 1 and (grace[0]["firstName"], grace[0]["lastName"]) == ("Grace", "Hopper")

    writes_before = len([r for r in app.requests() if r["method"] != "GET"])
    second = run(mailchimp_connection)  # reads back what the first wrote: nothing to write
    assert second.status == RunStatus.SUCCEEDED, second.error
    assert outcomes(second) == set()
    assert len([r for r in app.requests() if r["method"] != "GET"]) == writes_before
    assert len(members(app)) == 2 and len(ns_by_email(sandboxes)) == 2
