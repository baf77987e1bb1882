"""The error console (issue 15): the outcome list names records and shows the API's reason, links each record
to NetSuite and Google, searches partial emails and names, skips a failing record until it changes (with who
and why in the change history), retries one failure group; the health banner counts the failing records and
warns when alerts reach nobody."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from changelog.models import ChangeRecord
from connections.choices import AccountStatus
from ops.health import connection_health
from ops.record_urls import app_record_url, netsuite_record_url
from syncengine.choices import Outcome, RunStatus, Side
from syncengine.failure_causes import failure_reason, meaningful_message
from syncengine.models import MirrorRecord, RecordOutcome, SyncRun
from syncengine.names import display_name
from syncengine.services import connection_status

from ..engine.harness import sync
from ..engine.helpers import g_person, ns_by_email, seed

OUTCOMES = reverse("admin:syncengine_recordoutcome_changelist")
NS_REFUSAL = (
    "NetSuite refused the request (upsert customer) (field email): HTTP 400 USER_ERROR: "
    "not-an-email is not a valid e-mail address"
)


def _failing(sandboxes, connection) -> list[str]:
    """Al and Cy fail (NetSuite refuses their work phones), Kim syncs."""
    _, google = seed(
        sandboxes,
        google=[
            g_person("Al", "Bad", "al@example.com", phoneNumbers=[{"value": "555 12", "type": "work"}]),
            g_person("Cy", "Bad", "cy@example.com", phoneNumbers=[{"value": "555 34", "type": "work"}]),
            g_person("Kim", "Ok", "kim@example.com"),
        ],
    )
    assert sync(connection).status == RunStatus.PARTIALLY_FAILED
    return google


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- pure parts ---------------------------------------------------------------------------------------------


def test_the_meaningful_part_of_a_message_is_the_apis_own_text():
    assert meaningful_message(NS_REFUSAL) == "not-an-email is not a valid e-mail address"
    assert meaningful_message('Google People API: Invalid email "x@" (HTTP 400 INVALID_ARGUMENT)') == (
        'Invalid email "x@"'
    )
    assert meaningful_message("Something broke\nTraceback…") == "Something broke"


def test_display_names_come_from_either_sides_values():
    assert display_name({"firstName": "Rosa", "lastName": "Vargas"}) == "Rosa Vargas"
    assert display_name({"companyName": "Acme Ltd", "firstName": ""}) == "Acme Ltd"
    assert display_name({"givenName": "Kim", "familyName": "Ok", "organization.name": "Globex"}) == "Kim Ok"
    assert display_name({"organization.name": "Globex", "givenName": ""}) == "Globex"
    assert display_name({"names": [{"givenName": "Kim", "familyName": "Ok"}]}) == "Kim Ok"
    assert display_name({"organizations": [{"name": "Globex"}]}) == "Globex"
    assert display_name({}) == ""


def test_record_urls_open_the_record_in_netsuite_and_google_contacts():
    assert (
        netsuite_record_url("1234567_SB1", "", "individual_customers", "42")
        == "https://1234567-sb1.app.netsuite.com/app/common/entity/custjob.nl?id=42"
    )
    assert (
        netsuite_record_url("1234567", "", "contacts", "7")
        == "https://1234567.app.netsuite.com/app/common/entity/contact.nl?id=7"
    )
    # A sandbox (an API base URL override) has no UI: its record JSON.
    assert (
        netsuite_record_url("1234567", "http://127.0.0.1:8801/", "company_customers", "9")
        == "http://127.0.0.1:8801/services/rest/record/v1/customer/9"
    )
    assert app_record_url("google_contacts", "", "people/c123") == "https://contacts.google.com/person/c123"


# --- the outcome list ---------------------------------------------------------------------------------------


def test_the_list_names_records_shows_the_reason_and_links_them(client, operator_user, sandboxes, connection):
    al, cy, kim = _failing(sandboxes, connection)
    failed = RecordOutcome.objects.get(app_id=al, outcome=Outcome.FAILED)
    assert failed.name == "Al Bad"  # stored by the runner from the mirror's values
    client.force_login(operator_user)

    html = client.get(OUTCOMES).content.decode()

    assert '<span class="record-name">Al Bad</span> <small>al@example.com</small>' in html
    # The reason column starts with NetSuite's own words (our "…: HTTP 400 USER_ERROR:" prefix left out),
    # the whole message on hover.
    assert failed.message.startswith("NetSuite refused the request")
    assert re.search(
        r'<span class="outcome-reason" title="NetSuite refused[^"]*">Error while accessing a resource', html
    )
    person = al.removeprefix("people/")
    base = connection.app_account.api_base_url.rstrip("/")
    assert f'href="{base}/v1/people/{person}?personFields=names,emailAddresses"' in html
    detail = client.get(reverse("admin:syncengine_recordoutcome_change", args=[failed.pk])).content.decode()
    assert "NetSuite id" in detail and "Netsuite id" not in detail
    assert '<ul class="outcome-rules">' in detail and '["' not in detail  # rules as a list, not JSON


def test_search_matches_part_of_an_email_or_a_name_in_any_case(admin_client, connection_obj):
    run = SyncRun.objects.create(connection=connection_obj, status=RunStatus.SUCCEEDED)
    RecordOutcome.objects.create(
        run=run, direction="to_app", outcome=Outcome.UPDATED, email="rosa.vargas@example.com", name="Rosa Vargas"
    )
    RecordOutcome.objects.create(run=run, direction="to_app", outcome=Outcome.UPDATED, email="kim@example.com")

    for query in ("rosa", "ROSA.V", "vargas", "Varg"):
        html = admin_client.get(OUTCOMES, {"q": query}).content.decode()
        assert "rosa.vargas@example.com" in html and "kim@example.com" not in html, query


def test_the_outcome_list_runs_a_fixed_number_of_queries(admin_client, connection_obj):
    run = SyncRun.objects.create(connection=connection_obj, status=RunStatus.PARTIALLY_FAILED)

    def add(n: int, start: int):
        RecordOutcome.objects.bulk_create(
            RecordOutcome(
                run=run,
                direction="to_app",
                outcome=Outcome.FAILED,
                email=f"p{i}@example.com",
                name=f"P {i}",
                netsuite_id=str(i),
                app_id=f"people/c{i}",
                message=NS_REFUSAL,
                diff={"phone": ["1", "2"]},
            )
            for i in range(start, start + n)
        )

    def queries() -> int:
        with CaptureQueriesContext(db) as ctx:
            assert admin_client.get(OUTCOMES).status_code == 200
        return len(ctx.captured_queries)

    add(3, 0)
    few = queries()
    add(200, 100)
    assert queries() == few


# --- skip, retry now ----------------------------------------------------------------------------------------


def test_skip_leaves_the_record_out_until_it_changes_and_says_who_and_why(client, operator_user, sandboxes, connection):
    al, cy, kim = _failing(sandboxes, connection)
    al_failed = RecordOutcome.objects.get(app_id=al, outcome=Outcome.FAILED)
    client.force_login(operator_user)

    response = client.post(OUTCOMES, {"action": "skip_records", "_selected_action": [al_failed.pk]}, follow=True)

    assert _messages(response) == ["1 record skipped until changed (see the change history)."]
    entry = ChangeRecord.objects.get(via="admin: skip")
    assert entry.username == operator_user.username and entry.connection_id == connection.pk
    assert entry.changes[0]["label"] == "Skipped until it changes"
    history = client.get(reverse("admin:changelog_changerecord_changelist"), {"connection_id": connection.pk})
    assert history.status_code == 200 and "Al Bad" in history.content.decode()
    assert failure_reason(al_failed.message) and al_failed.message.splitlines()[0][:50] in entry.changes[0]["new"]
    health = connection_health(connection)
    assert health.failing.count == 1  # Cy only
    assert {f.label: f.count for f in health.excluded}["Skipped by an operator"] == 1

    # A full run reads Al again (same modification time): still left out.
    sync(connection, full=True)
    assert (
        not RecordOutcome.objects.filter(app_id=al)
        .exclude(outcome=Outcome.SKIPPED_BY_OPERATOR)
        .exclude(pk=al_failed.pk)
        .exists()
    )
    assert "al@example.com" not in ns_by_email(sandboxes)

    # Al is edited in Google Contacts: the change syncs (and fails again, the phone is still refused).
    sandboxes.google.touch(al)
    sync(connection)
    latest = RecordOutcome.objects.filter(app_id=al).order_by("-id").first()
    assert latest.outcome != Outcome.SKIPPED_BY_OPERATOR and latest.pk > al_failed.pk


def test_retry_now_of_a_failure_group_requeues_exactly_its_records(client, operator_user, sandboxes, connection):
    al, cy, kim = _failing(sandboxes, connection)
    MirrorRecord.objects.filter(connection=connection).update(pending=False)
    group = connection_health(connection).failure_groups[0]
    client.force_login(operator_user)
    health_url = reverse("admin:connections_connection_health", args=[connection.pk])
    assert "Retry now" in client.get(health_url).content.decode()

    response = client.post(
        reverse("admin:syncengine_recordoutcome_retry_group", args=[connection.pk]),
        {"reason": group.reason, "next": health_url},
        follow=True,
    )

    run = SyncRun.objects.get(connection=connection, status=RunStatus.QUEUED)
    assert _messages(response) == [
        f"2 failed records of “{connection.name}” re-queued: run {run.pk} queued to retry only them."
    ]
    pending = set(MirrorRecord.objects.filter(connection=connection, pending=True).values_list("record_id", flat=True))
    assert pending == {al, cy}
    assert MirrorRecord.objects.filter(connection=connection, side=Side.APP, record_id=kim, pending=False).exists()


# --- health and the banner ----------------------------------------------------------------------------------


def test_the_banner_counts_failing_records_and_every_health_count_links(client, operator_user, sandboxes, connection):
    _failing(sandboxes, connection)
    status = connection_status(connection)
    assert status.code == "attention" and status.label == "Needs attention: 2 failing"
    client.force_login(operator_user)
    page = client.get(reverse("admin:connections_connection_change", args=[connection.pk])).content.decode()
    assert "Needs attention: 2 failing" in page
    health = connection_health(connection)
    assert f'<a href="{health.excluded_url}">{health.excluded_total}</a>'.replace("&", "&amp;") in page
    listing = client.get(reverse("admin:connections_connection_changelist")).content.decode()
    assert "Needs attention: 2 failing" in listing
    # Something else needs attention too (a broken account): the failing count still shows.
    account = connection.app_account
    account.status, account.status_message = AccountStatus.ERROR, "token revoked"
    account.save()
    connection.refresh_from_db()
    status = connection_status(connection)
    assert status.label == "Needs attention: 2 failing" and "token revoked" in status.detail


def test_a_connection_whose_alerts_reach_nobody_says_so(client, operator_user, connection_obj):
    client.force_login(operator_user)
    change = reverse("admin:connections_connection_change", args=[connection_obj.pk])
    listing = reverse("admin:connections_connection_changelist")
    page = client.get(change).content.decode()
    assert 'id="alerts-reach-nobody"' in page and f'href="{change}#id_owners"' in page
    assert "alerts reach nobody" in client.get(listing).content.decode()

    owner = get_user_model().objects.create_user("owner", email="")
    connection_obj.owners.add(owner)
    assert 'id="alerts-reach-nobody"' in client.get(change).content.decode()  # an owner without an email
    owner.email = "owner@example.com"
    owner.save()
    assert 'id="alerts-reach-nobody"' not in client.get(change).content.decode()
    assert "alerts reach nobody" not in client.get(listing).content.decode()
