"""Notifications: a failed run, repeated authentication failures (the connection pauses itself) and a
tripped deletion safety valve email the connection's owners, once per ongoing problem, with no secret;
the connection is flagged in the admin list."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from changelog.models import ChangeRecord
from connections.choices import DeletionPolicy
from connections.models import Connection
from syncengine.choices import RunStatus
from syncengine.models import ConnectionState, SyncRun
from syncengine.notifications import AUTH_PAUSE_PREFIX, notify_run_finished

from ..engine.harness import sync
from ..engine.linked_pairs import link_pairs

OWNER_EMAILS = ["olga@example.com", "omar@example.com"]
LIST = reverse("admin:connections_connection_changelist")


def status_in_list(client, connection: Connection, query: str = "") -> str | None:
    """The status column of ``connection`` in the admin list (None when the list leaves it out)."""
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    cl = response.context["cl"]
    for obj in cl.result_list:
        if obj.pk == connection.pk:
            return str(cl.model_admin.sync_status(obj))
    return None


def test_repeated_authentication_failures_pause_the_connection_and_ask_for_reauthorization(
    admin_client, sandboxes, connection
):
    secrets = connection.netsuite_account.get_credentials()
    wrong = "ts-WRONG-0f1e2d3c4b5a69788796"
    connection.netsuite_account.update_credentials(token_secret=wrong)
    connection.netsuite_account.save()

    first = sync(connection)
    assert first.status == RunStatus.FAILED and first.error.startswith("Authentication failed"), first.error
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == OWNER_EMAILS and "cannot authenticate" in mail.outbox[0].subject
    assert "Needs attention" in status_in_list(admin_client, connection)

    sync(connection)
    assert len(mail.outbox) == 1  # the same problem: nobody is told twice
    connection.refresh_from_db()
    assert not connection.paused

    third = sync(connection)
    assert third.status == RunStatus.FAILED
    connection.refresh_from_db()
    assert connection.paused and connection.paused_reason.startswith(AUTH_PAUSE_PREFIX)
    assert "re-authorize Sandbox NetSuite" in connection.paused_reason
    assert len(mail.outbox) == 2
    paused_mail = mail.outbox[1]
    assert "paused" in paused_mail.subject and "re-authorization" in paused_mail.subject
    assert f"/admin/connections/connection/{connection.pk}/change/" in paused_mail.body
    for message in mail.outbox:
        text = message.subject + message.body
        for secret in [*secrets.values(), wrong]:
            assert secret not in text
    # Flagged in the list (the status column and the filter), and the pause is in the change history.
    assert "Needs attention" in status_in_list(admin_client, connection)
    assert status_in_list(admin_client, connection, "attention=yes") is not None
    record = ChangeRecord.objects.filter(connection_id=connection.pk, via="sync engine").get()
    assert {c["field"] for c in record.changes} == {"paused", "paused_reason"}


def test_a_tripped_deletion_safety_valve_emails_the_owners_once(admin_client, sandboxes, connection):
    pairs = link_pairs(sandboxes, connection, 20)
    connection.netsuite_deletions = DeletionPolicy.DELETE
    connection.save()
    for pair in pairs[:5]:
        sandboxes.netsuite.delete_record("customer", pair.netsuite_id)
    mail.outbox.clear()

    blocked = sync(connection)

    assert blocked.status == RunStatus.FAILED and "safety valve" in blocked.error
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == OWNER_EMAILS
    assert "deletions held back" in mail.outbox[0].subject and "5 of 20" in mail.outbox[0].body
    assert "Needs attention" in status_in_list(admin_client, connection)
    assert status_in_list(admin_client, connection, "attention=yes") is not None

    assert sync(connection).status == RunStatus.FAILED  # still held back: no second email
    assert len(mail.outbox) == 1

    state = ConnectionState.objects.get(connection=connection)
    state.deletions_confirmed = True
    state.save(update_fields=["deletions_confirmed"])
    assert sync(connection).status == RunStatus.SUCCEEDED
    assert len(mail.outbox) == 1
    assert status_in_list(admin_client, connection, "attention=yes") is None


def _finished(connection, status: str, error: str = "", minutes: int = 0, dry_run: bool = False) -> SyncRun:
    return SyncRun.objects.create(
        connection=connection,
        status=status,
        error=error,
        dry_run=dry_run,
        finished_at=timezone.now() + timedelta(minutes=minutes),
    )


def test_one_email_per_problem_again_after_a_recovery_and_never_for_dry_runs(connection_obj):
    sequence = [
        (RunStatus.FAILED, "The run stopped: NetSuite is unavailable (503).", False, True),
        (RunStatus.FAILED, "The run stopped: NetSuite is unavailable (503).", False, False),
        (RunStatus.FAILED, "The run stopped: Google timed out.", False, False),  # still failing
        (RunStatus.FAILED, "Deletion safety valve: this run would delete 9 of 10 ...", False, True),  # new problem
        (RunStatus.SUCCEEDED, "", False, False),
        (RunStatus.FAILED, "Unexpected error: boom", True, False),  # a dry run
        (RunStatus.PARTIALLY_FAILED, "2 record(s) failed", False, False),  # records fail: the health shows them
        (RunStatus.FAILED, "The run stopped: NetSuite is unavailable (503).", False, True),  # back after recovery
    ]
    for minute, (status, error, dry_run, emails) in enumerate(sequence):
        before = len(mail.outbox)
        notify_run_finished(_finished(connection_obj, status, error, minute, dry_run))
        assert len(mail.outbox) - before == (1 if emails else 0), (minute, status, error)
    assert all(sorted(m.to) == OWNER_EMAILS for m in mail.outbox)


def test_a_connection_without_reachable_owners_is_still_flagged(admin_client, connection_obj):
    connection_obj.owners.clear()
    notify_run_finished(_finished(connection_obj, RunStatus.FAILED, "The run stopped: NetSuite is unavailable."))
    assert mail.outbox == []
    assert "Needs attention" in status_in_list(admin_client, connection_obj)


def test_the_needs_attention_filter_lists_exactly_the_flagged_connections(admin_client, connection_obj):
    def clone(name: str, **fields) -> Connection:
        return Connection.objects.create(
            name=name,
            netsuite_account=connection_obj.netsuite_account,
            subsidiary=connection_obj.subsidiary,
            contact_type=connection_obj.contact_type,
            app_account=connection_obj.app_account,
            **fields,
        )

    fine = clone("fine")
    _finished(fine, RunStatus.SUCCEEDED)
    failed = clone("failed")
    _finished(failed, RunStatus.FAILED, "The run stopped.")
    held = clone("held")
    ConnectionState.objects.create(connection=held, deletions_awaiting_confirmation=4)
    paused_by_someone = clone("paused by someone", paused=True, paused_reason="Paused by adam")
    _finished(paused_by_someone, RunStatus.FAILED, "The run stopped.")
    paused_by_engine = clone("paused by the engine", paused=True, paused_reason=f"{AUTH_PAUSE_PREFIX} (3 runs)")

    response = admin_client.get(f"{LIST}?attention=yes")

    names = {c.name for c in response.context["cl"].result_list}
    assert names == {"failed", "held", "paused by the engine"}
    assert "Needs attention" in status_in_list(admin_client, paused_by_engine)
    assert "Paused" in status_in_list(admin_client, paused_by_someone)
    assert "Active" in status_in_list(admin_client, fine)
