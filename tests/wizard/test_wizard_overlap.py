"""The wizard warns when the accounts chosen are already used by another connection (naming it and
saying what the engine does), and its dry run counts the people it will not create because that
connection links them (see syncengine.overlap)."""

from __future__ import annotations

from connections.models import ConnectedAccount, Connection
from syncengine.choices import Outcome, RunStatus, SyncDirection
from syncengine.models import RecordLink, RecordOutcome, SyncRun
from syncengine.runner import run_sync

from .conftest import google_account, walk_to_app, wizard_url

WARNING = "is already used by the connection “Demo customers”"
ENGINE_RULE = "never creates a person that another connection already links there"


def demo_connection(sandboxes) -> Connection:
    """The demo: Individual Customers of the root subsidiary ⇄ the sandbox's Google account, synced once."""
    netsuite = ConnectedAccount.objects.get(provider="netsuite")
    demo = Connection.objects.create(
        name="Demo customers",
        netsuite_account=netsuite,
        subsidiary=netsuite.subsidiaries.get(internal_id="1"),
        contact_type="individual_customers",
        app_account=google_account(sandboxes),
    )
    run = run_sync(SyncRun.objects.create(connection=demo).pk)
    assert run.status == RunStatus.SUCCEEDED, run.error
    return demo


def test_the_account_steps_warn_and_the_dry_run_counts_the_overlap(client, administrator_user, sandboxes):
    client.force_login(administrator_user)
    walk_to_app(client, sandboxes, contact_type="contacts")
    demo = demo_connection(sandboxes)
    demo_emails = set(RecordLink.objects.filter(connection=demo).values_list("match_key", flat=True)) - {""}
    assert demo_emails

    # The Google account step names the demo and says what the engine will do, before anything is chosen.
    page = client.get(wizard_url("app")).content.decode()
    assert 'id="overlap-warnings"' in page
    assert f"Sales Google {WARNING} (Individual Customers of" in page and ENGINE_RULE in page
    # So does the NetSuite account step (customers and contacts of one NetSuite are the same people).
    assert f"Sandbox NetSuite {WARNING}" in client.get(wizard_url("netsuite")).content.decode()

    response = client.post(wizard_url("app"), {"app-account": demo.app_account_id})
    assert response["Location"] == wizard_url("review")
    assert WARNING in client.get(wizard_url("review")).content.decode()

    client.post(wizard_url("review"), {"r-name": "Contacts ⇄ Google", "r-interval_minutes": "15"})
    dry = SyncRun.objects.get(connection__name="Contacts ⇄ Google", dry_run=True)
    assert dry.status == RunStatus.SUCCEEDED, dry.error
    held_back = RecordOutcome.objects.filter(
        run=dry, direction=SyncDirection.TO_NETSUITE, outcome=Outcome.EXCLUDED_OTHER_CONNECTION
    )
    # Every Google contact the demo links (none is a NetSuite contact too) would not be created as a contact.
    assert sorted(held_back.values_list("email", flat=True)) == sorted(demo_emails)
    assert dry.counters["to_netsuite"] == {Outcome.EXCLUDED_OTHER_CONNECTION: len(demo_emails)}
    assert all("“Demo customers”" in o.message and o.message.startswith("Dry run:") for o in held_back)

    page = client.get(wizard_url("preview")).content.decode()
    assert "<th>linked by another connection</th>" in page
    outcomes = f"?run__id__exact={dry.pk}&amp;direction__exact=to_netsuite&amp;outcome__exact=excluded_other_connection"
    assert f'{outcomes}">{held_back.count()}</a>' in page


def test_no_warning_when_no_other_connection_uses_the_accounts(client, administrator_user, sandboxes):
    client.force_login(administrator_user)
    walk_to_app(client, sandboxes)
    google_account(sandboxes)
    assert 'id="overlap-warnings"' not in client.get(wizard_url("app")).content.decode()
    assert 'id="overlap-warnings"' not in client.get(wizard_url("netsuite")).content.decode()
