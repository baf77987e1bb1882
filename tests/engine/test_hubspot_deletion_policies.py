"""Deletion policy "mark" toward HubSpot (issue 18): HubSpot's capabilities say it has no way to mark a contact
deleted (``deletion_mark=""``: no inactive flag, group or tag the sync could set), so "mark" is refused for
deletions in NetSuite on a HubSpot connection, with the reason: on save (the connection form runs the model's
``clean``), at import (``connection_problems``), and at run start for one that got in anyway, whose deletions
are then left alone (never sent to a ``mark_deleted`` HubSpot does not have). Marking toward NetSuite (a
contact deleted in HubSpot: the customer made inactive) stays allowed."""

from __future__ import annotations

import time

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.test import RequestFactory

from connections.choices import DeletionPolicy
from connections.models import Connection
from syncengine.choices import Outcome, RunStatus, SyncDirection
from syncengine.config_checks import connection_problems
from syncengine.models import RecordOutcome

from .helpers import ns_person, seed
from .hubspot_setup import run

pytestmark = pytest.mark.django_db(transaction=True)

REASON = "HubSpot has no way to mark a record deleted"


def test_mark_for_deletions_in_netsuite_is_refused_on_a_hubspot_connection_with_the_reason(hubspot_connection):
    hubspot_connection.netsuite_deletions = DeletionPolicy.MARK
    with pytest.raises(ValidationError) as refused:
        hubspot_connection.full_clean()
    assert list(refused.value.message_dict) == ["netsuite_deletions"]
    (message,) = refused.value.message_dict["netsuite_deletions"]
    assert REASON in message and "Ignore" in message and "Delete on the other side too" in message
    assert any(REASON in problem for problem in connection_problems(hubspot_connection))  # at import too

    hubspot_connection.netsuite_deletions = DeletionPolicy.DELETE  # HubSpot's recycle bin: allowed
    hubspot_connection.app_deletions = DeletionPolicy.MARK  # deleted in HubSpot: NetSuite makes it inactive
    hubspot_connection.full_clean()
    assert connection_problems(hubspot_connection) == []


def test_the_connection_form_shows_the_refusal_next_to_the_policy(hubspot_connection, admin_user):
    request = RequestFactory().get("/")
    request.user = admin_user
    model_admin = admin.site._registry[Connection]
    form_class = model_admin.get_form(request, hubspot_connection, change=True)
    data = {k: v for k, v in model_to_dict(hubspot_connection).items() if k in form_class.base_fields and v is not None}
    data["netsuite_deletions"] = DeletionPolicy.MARK
    form = form_class(data=data, instance=hubspot_connection)
    assert not form.is_valid()
    assert REASON in " ".join(form.errors.get("netsuite_deletions", [])), form.errors


def test_a_run_of_a_hubspot_connection_forced_to_mark_names_the_problem_and_marks_nothing(
    sandboxes, hubspot, hubspot_connection
):
    app, _ = hubspot
    ns_ids, _ = seed(sandboxes, netsuite=[ns_person(f"P{i}", "Gone", f"p{i}@example.com") for i in range(20)])
    assert run(hubspot_connection).status == RunStatus.SUCCEEDED
    Connection.objects.filter(pk=hubspot_connection.pk).update(netsuite_deletions=DeletionPolicy.MARK)  # no check
    time.sleep(1.1)  # NetSuite's cursor counts whole seconds
    sandboxes.netsuite.delete_record("customer", ns_ids[0])
    mark = len(app.requests())

    later = run(hubspot_connection)

    assert later.status == RunStatus.PARTIALLY_FAILED, later.error
    assert REASON in later.error and "Deletions are ignored until then" in later.error
    outcomes = set(RecordOutcome.objects.filter(run=later).values_list("direction", "outcome", "email"))
    assert (SyncDirection.TO_APP, Outcome.DELETION_IGNORED, "p0@example.com") in outcomes
    assert {email for *_, email in outcomes} == {"p0@example.com"}
    assert not {Outcome.MARKED_DELETED, Outcome.FAILED} & {outcome for _, outcome, _ in outcomes}
    reads = ("/search", "/batch/read")  # POSTs that read (the contacts' company associations too)
    assert [r for r in app.requests()[mark:] if r["method"] != "GET" and not r["path"].endswith(reads)] == []
    assert len(list(app.portal.store("contacts").active())) == 20  # the contact is still there, unmarked
