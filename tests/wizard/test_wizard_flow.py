"""The wizard from the subsidiary to "Start": each step validates, the review shows the defaults
the connection gets, the preview is a real dry run of a paused connection, and Start queues the
first run."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse

from connections.models import Connection
from mappings.models import FieldMapping
from ops.wizard.setup import DRAFT_REASON
from ops.wizard.state import SESSION_KEY
from rules.models import Rule
from syncengine import lease
from syncengine.choices import Outcome, RunStatus, SyncDirection, Trigger
from syncengine.models import RecordOutcome, SyncRun

from .conftest import walk_to_review, wizard_url


def test_end_to_end_with_dry_run_preview_and_start(client, administrator_user, sandboxes):
    client.force_login(administrator_user)
    chosen = walk_to_review(client, sandboxes)

    page = client.get(wizard_url("review")).content.decode()
    # The default mappings of Individual Customers ⇄ Google Contacts, and the default rules.
    for label in ("First Name", "Last Name", "Email", "Mobile Phone", "Comments", "Default Address", "Home address"):
        assert f"<td>{label}</td>" in page
    assert page.count("Sync everyone") == 2
    assert "NetSuite → Google Contacts" in page and "Google Contacts → NetSuite" in page
    assert "Individual Customers ⇄ Sales Google" in page  # the suggested name

    response = client.post(wizard_url("review"), {"r-name": "Sales ⇄ Google", "r-interval_minutes": "30"})
    assert response.status_code == 302 and response["Location"] == wizard_url("preview")
    connection = Connection.objects.get()
    assert connection.name == "Sales ⇄ Google" and connection.interval_minutes == 30
    assert connection.paused and connection.paused_reason == DRAFT_REASON
    assert connection.netsuite_account_id == chosen["netsuite"] and connection.subsidiary_id == chosen["subsidiary"]
    assert connection.app_account_id == chosen["google"] and connection.contact_type == "individual_customers"
    assert list(connection.owners.all()) == [administrator_user]
    assert FieldMapping.objects.filter(connection=connection, is_default=True).count() == 9
    assert Rule.objects.filter(connection=connection).count() == 2

    dry = SyncRun.objects.get(connection=connection)
    assert dry.dry_run and dry.status == RunStatus.SUCCEEDED
    created_to_google = RecordOutcome.objects.filter(
        run=dry, direction=SyncDirection.TO_APP, outcome=Outcome.CREATED
    ).count()
    assert created_to_google > 0
    assert sandboxes.google.state()["contacts"] == 4  # a dry run writes nothing

    page = client.get(wizard_url("preview")).content.decode()
    assert "would create" in page and "conflicts" in page and "excluded" in page
    outcomes = reverse("admin:syncengine_recordoutcome_changelist") + f"?run__id__exact={dry.pk}"
    assert f'href="{outcomes}"' in page
    created_link = f"{outcomes}&amp;direction__exact=to_app&amp;outcome__exact=created"
    assert f'<a href="{created_link}">{created_to_google}</a>' in page
    assert client.get(f"{outcomes}&direction__exact=to_app&outcome__in=updated,linked").status_code == 200

    response = client.post(wizard_url("start"))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:connections_connection_change", args=[connection.pk])
    connection.refresh_from_db()
    assert not connection.paused and connection.paused_reason == ""
    first = SyncRun.objects.get(connection=connection, dry_run=False)
    assert first.trigger == Trigger.INITIAL and first.status == RunStatus.QUEUED
    assert SESSION_KEY not in client.session
    page = client.get(response["Location"]).content.decode()
    assert f"its first sync (run {first.pk}) is queued" in page


def test_each_step_explains_a_missing_or_wrong_choice(client, administrator_user, sandboxes):
    client.force_login(administrator_user)
    walk_to_review(client, sandboxes)
    netsuite = Connection._meta.get_field("netsuite_account").related_model.objects.get(provider="netsuite")
    inactive = netsuite.subsidiaries.get(is_inactive=True)
    page = client.post(wizard_url("subsidiary"), {"s-subsidiary": inactive.pk}).content.decode()
    assert "That subsidiary cannot be used (inactive, elimination, or of another account)." in page
    page = client.post(wizard_url("subsidiary"), {}).content.decode()
    assert "Choose the subsidiary whose records this connection syncs." in page
    page = client.post(wizard_url("contact-type"), {"c-contact_type": "vendors"}).content.decode()
    assert "Choose one of the three contact types." in page
    page = client.post(wizard_url("app"), {"app-account": netsuite.pk}).content.decode()
    assert "That account is no longer connected" in page  # a NetSuite account is not an app account
    page = client.post(wizard_url("review"), {"r-name": "", "r-interval_minutes": "0"}).content.decode()
    assert "Give the connection a name." in page
    assert "Choose an interval between 1 minute and 1440 minutes (a day)." in page
    page = client.post(wizard_url("review"), {"r-name": "x", "r-interval_minutes": "soon"}).content.decode()
    assert "Type a whole number of minutes." in page
    assert not Connection.objects.exists()


def test_going_back_and_changing_the_contact_type_makes_a_fitting_connection(client, administrator_user, sandboxes):
    client.force_login(administrator_user)
    walk_to_review(client, sandboxes)
    client.post(wizard_url("review"), {"r-name": "First try", "r-interval_minutes": "15"})
    first = Connection.objects.get()

    # Same choices: the draft is updated, not duplicated.
    client.post(wizard_url("review"), {"r-name": "Renamed", "r-interval_minutes": "20"})
    assert list(Connection.objects.values_list("pk", "name", "interval_minutes")) == [(first.pk, "Renamed", 20)]

    client.post(wizard_url("contact-type"), {"c-contact_type": "company_customers"})
    response = client.get(wizard_url("preview"))  # the preview was for the old choices
    assert response.status_code == 302 and response["Location"] == wizard_url("review")
    # A Google contact without a company: NetSuite would refuse it as a company customer.
    sandboxes.google.seed({"persons": [{"names": [{"givenName": "Sol"}], "emailAddresses": [{"value": "sol@x.test"}]}]})
    netsuite_log_before = len(sandboxes.netsuite.requests())
    client.post(wizard_url("review"), {"r-name": "Companies", "r-interval_minutes": "15"})
    second = Connection.objects.get()
    assert second.pk != first.pk and second.contact_type == "company_customers"
    fields = set(FieldMapping.objects.filter(connection=second).values_list("netsuite_field", flat=True))
    assert "companyName" in fields and "firstName" not in fields

    # The Company Customers dry run: the one generated company with an email would reach Google; the
    # four Google contacts with a company would become company customers; Sol, without one, is excluded
    # by the default rule (not refused by NetSuite); the individual customers (Ada, Alan) are not read.
    dry = SyncRun.objects.get(connection=second)
    assert dry.dry_run and dry.status == RunStatus.SUCCEEDED, dry.error
    outcomes = RecordOutcome.objects.filter(run=dry)
    grouped = outcomes.order_by().values_list("direction", "outcome").annotate(n=Count("id"))
    per_direction = {(d, o): n for d, o, n in grouped}
    assert per_direction == {
        (SyncDirection.TO_APP, Outcome.CREATED): 1,
        (SyncDirection.TO_NETSUITE, Outcome.CREATED): 4,
        (SyncDirection.TO_NETSUITE, Outcome.SKIPPED_BY_RULES): 1,
    }
    excluded = outcomes.get(outcome=Outcome.SKIPPED_BY_RULES)
    assert excluded.email == "sol@x.test" and "Company is not empty → failed (record: empty)" in excluded.message
    assert not outcomes.filter(email__in=["ada@example.com", "alan@example.com"]).exists()
    # Nothing written: no record request to NetSuite but reads (SuiteQL), and Google unchanged.
    record_writes = [
        r
        for r in sandboxes.netsuite.requests()[netsuite_log_before:]
        if r["method"] != "GET" and "/query/" not in r["path"]
    ]
    assert record_writes == [] and sandboxes.google.state()["contacts"] == 5


def test_cancel_removes_the_connection_that_never_started(client, administrator_user, sandboxes):
    client.force_login(administrator_user)
    walk_to_review(client, sandboxes)
    client.post(wizard_url("review"), {"r-name": "Draft", "r-interval_minutes": "15"})
    assert Connection.objects.count() == 1
    response = client.post(reverse("admin:connections_connection_wizard_cancel"), follow=True)
    assert "was not started and has been removed" in response.content.decode()
    assert not Connection.objects.exists() and not SyncRun.objects.exists()
    assert SESSION_KEY not in client.session


def test_cancel_after_start_keeps_the_connection(client, administrator_user, sandboxes):
    client.force_login(administrator_user)
    walk_to_review(client, sandboxes)
    client.post(wizard_url("review"), {"r-name": "Kept", "r-interval_minutes": "15"})
    client.post(wizard_url("start"))
    client.post(reverse("admin:connections_connection_wizard_cancel"))
    assert Connection.objects.get().name == "Kept"


def test_rerun_the_dry_run(client, administrator_user, sandboxes):
    client.force_login(administrator_user)
    walk_to_review(client, sandboxes)
    client.post(wizard_url("review"), {"r-name": "Twice", "r-interval_minutes": "15"})
    response = client.post(wizard_url("preview"), {"action": "rerun"}, follow=True)
    assert "The dry run ran again." in response.content.decode()
    runs = SyncRun.objects.filter(dry_run=True).order_by("pk")
    assert runs.count() == 2
    assert f"dry run {runs.last().pk}" in response.content.decode()


def test_a_dry_run_that_cannot_run_says_why(client, administrator_user, sandboxes):
    client.force_login(administrator_user)
    walk_to_review(client, sandboxes)
    client.post(wizard_url("review"), {"r-name": "Busy", "r-interval_minutes": "15"})
    lease.acquire(Connection.objects.get().pk, "another-worker")  # a run elsewhere holds the connection
    client.post(wizard_url("preview"), {"action": "rerun"})
    page = client.get(wizard_url("preview")).content.decode()
    assert (
        'id="dry-run-error"' in page
        and "Skipped (another run was in progress).</strong> Not run: another run holds this connection" in page
    )
    assert 'id="start-connection"' in page  # a passing problem need not block the start


def test_an_account_refused_by_the_dry_run_sends_back_to_authorize_it(client, administrator_user, sandboxes):
    client.force_login(administrator_user)
    walk_to_review(client, sandboxes)
    sandboxes.netsuite.revoke_token()  # NetSuite now refuses the token
    client.post(wizard_url("review"), {"r-name": "Broken", "r-interval_minutes": "15"})
    response = client.get(wizard_url("preview"), follow=True)
    assert response.redirect_chain[-1][0] == wizard_url("netsuite")
    page = response.content.decode()
    assert "The NetSuite account “Sandbox NetSuite” can no longer be used: NetSuite refused the credentials" in page


def test_the_review_of_contacts_shows_their_address_and_their_company_linked_by_name(
    client, administrator_user, sandboxes
):
    client.force_login(administrator_user)
    walk_to_review(client, sandboxes)
    client.post(wizard_url("contact-type"), {"c-contact_type": "contacts"})
    page = client.get(wizard_url("review")).content.decode()
    assert "<td>Default Address</td>" in page and "<td>Work address</td>" in page
    assert "<td>Company</td>" in page
    assert "NetSuite links the record of that name when it writes it" in page
