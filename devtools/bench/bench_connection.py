"""The bench's accounts and its paused connection, made over HTTP against the sandboxes, and removed after."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.db import transaction

from connections.choices import AccountStatus
from connections.models import ConnectedAccount, Connection, Subsidiary
from connections.providers.google_contacts.oauth import GoogleOAuthEndpoints, authorization_url, exchange_code
from connections.services import verify_account
from mappings.catalog_cache import refresh_catalog
from sandbox.google.config import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from sandbox.hubspot import DEMO_TOKEN as HUBSPOT_TOKEN
from sandbox.mailchimp import DEMO_KEY as MAILCHIMP_KEY
from sandbox.mailchimp import DEMO_LIST_ID as MAILCHIMP_LIST_ID
from sandbox.netsuite import NetSuiteSandbox
from syncengine.models import ConnectionState, MirrorRecord, RecordLink, RecordOutcome, SyncRun

from .options import (
    APPS,
    BENCH_CONNECTION_NAME,
    BENCH_GOOGLE_USER,
    BENCH_HUBSPOT_PORTAL,
    BENCH_MAILCHIMP_ACCOUNT,
    BENCH_NETSUITE_ACCOUNT,
    REDIRECT_URI,
    SHARED_GOOGLE_USERS,
    Log,
)
from .sandboxes import SandboxProcess


def remove_bench_data(log: Log | None = None) -> None:
    """Delete the bench's accounts and everything hanging from them (runs, outcomes, links,
    mirror, state, mappings, rules, subsidiaries), in bulk."""
    accounts = (
        ConnectedAccount.objects.filter(provider="netsuite", account_id=BENCH_NETSUITE_ACCOUNT)
        | ConnectedAccount.objects.filter(
            provider="google_contacts", account_id__in=[BENCH_GOOGLE_USER, *SHARED_GOOGLE_USERS.values()]
        )
        | ConnectedAccount.objects.filter(provider=APPS["hubspot"], account_id=BENCH_HUBSPOT_PORTAL)
        | ConnectedAccount.objects.filter(provider=APPS["mailchimp"], account_id=BENCH_MAILCHIMP_ACCOUNT)
    )
    account_ids = list(accounts.values_list("pk", flat=True))
    if not account_ids:
        return
    connections = Connection.objects.filter(netsuite_account__in=account_ids) | Connection.objects.filter(
        app_account__in=account_ids
    )
    connection_ids = list(connections.values_list("pk", flat=True))
    with transaction.atomic():
        # Outcomes first, so that deleting the links has no SET_NULL to do row by row.
        RecordOutcome.objects.filter(run__connection__in=connection_ids).delete()
        SyncRun.objects.filter(connection__in=connection_ids).delete()
        RecordLink.objects.filter(connection__in=connection_ids).delete()
        MirrorRecord.objects.filter(connection__in=connection_ids).delete()
        ConnectionState.objects.filter(connection__in=connection_ids).delete()
        Connection.objects.filter(pk__in=connection_ids).delete()
        Subsidiary.objects.filter(account__in=account_ids).delete()
        ConnectedAccount.objects.filter(pk__in=account_ids).delete()
    if log:
        log("Removed the bench connections and their accounts from the database.")


def connect_netsuite(sandboxes: SandboxProcess, netsuite_concurrency: int) -> ConnectedAccount:
    """The bench's NetSuite account, with ``netsuite_concurrency`` as its limit, verified over HTTP."""
    ns_info = NetSuiteSandbox.print_config(sandboxes.urls["netsuite"]) | {"account_id": BENCH_NETSUITE_ACCOUNT}
    netsuite = ConnectedAccount(
        provider="netsuite",
        label="bench_sync NetSuite sandbox (temporary)",
        account_id=BENCH_NETSUITE_ACCOUNT,
        api_base_url=ns_info["base_url"],
        concurrency_limit=netsuite_concurrency,
    )
    netsuite.set_credentials({k: ns_info[k] for k in ("consumer_key", "consumer_secret", "token_id", "token_secret")})
    netsuite.save()
    result = verify_account(netsuite)
    if not result.ok:
        raise RuntimeError(f"The bench NetSuite account could not be verified: {result.message}")
    return netsuite


def connect_google(sandboxes: SandboxProcess, side: str = "google", user: str = BENCH_GOOGLE_USER) -> ConnectedAccount:
    """The Google account of ``user``, the one user of the Google sandbox ``side``, connected through
    the OAuth dance as a browser would do it (the sandbox consents at once)."""
    endpoints = GoogleOAuthEndpoints.for_base_url(sandboxes.urls[side])
    consent = sandboxes.session.get(
        authorization_url(endpoints, DEMO_CLIENT_ID, REDIRECT_URI, "bench"), allow_redirects=False, timeout=30
    )
    code = parse_qs(urlsplit(consent.headers.get("Location", "")).query).get("code", [""])[0]
    if not code:
        raise RuntimeError(f"The Google sandbox did not grant a code (HTTP {consent.status_code}).")
    tokens = exchange_code(endpoints, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, code, REDIRECT_URI)
    google = ConnectedAccount(
        provider="google_contacts",
        label=f"bench_sync Google sandbox {user} (temporary)",
        account_id=user,
        api_base_url=sandboxes.urls[side],
    )
    google.set_credentials(tokens)
    google.save()
    google.mark_status(AccountStatus.VERIFIED, "Connected to the Google sandbox by bench_sync.")
    return google


def connect_hubspot(sandboxes: SandboxProcess) -> ConnectedAccount:
    """The bench's HubSpot account: the sandbox's private-app token, verified over HTTP."""
    hubspot = ConnectedAccount(
        provider=APPS["hubspot"],
        label="bench_sync HubSpot sandbox (temporary)",
        account_id=BENCH_HUBSPOT_PORTAL,
        api_base_url=sandboxes.urls["hubspot"],
    )
    hubspot.set_credentials({"private_app_token": HUBSPOT_TOKEN})
    hubspot.save()
    result = verify_account(hubspot)
    if not result.ok:
        raise RuntimeError(f"The bench HubSpot account could not be verified: {result.message}")
    return hubspot


def connect_mailchimp(sandboxes: SandboxProcess) -> ConnectedAccount:
    """The bench's Mailchimp account: the sandbox's demo API key, verified over HTTP."""
    mailchimp = ConnectedAccount(
        provider=APPS["mailchimp"],
        label="bench_sync Mailchimp sandbox (temporary)",
        account_id=BENCH_MAILCHIMP_ACCOUNT,
        api_base_url=sandboxes.urls["mailchimp"].rstrip("/") + "/3.0",
    )
    mailchimp.set_credentials({"api_key": MAILCHIMP_KEY})
    mailchimp.save()
    result = verify_account(mailchimp)
    if not result.ok:
        raise RuntimeError(f"The bench Mailchimp account could not be verified: {result.message}")
    return mailchimp


def create_bench_connection(sandboxes: SandboxProcess, netsuite_concurrency: int, app: str = "google"):
    """The bench's NetSuite account and the app's (verified over HTTP) and a paused connection between
    them: individual customers of subsidiary 1 ⇄ all the app's contacts (Mailchimp: the members of the
    sandbox's audience, its catalog fetched), default mappings."""
    netsuite = connect_netsuite(sandboxes, netsuite_concurrency)
    connect = {"hubspot": connect_hubspot, "mailchimp": connect_mailchimp}.get(app, connect_google)
    other = connect(sandboxes)
    connection = Connection.objects.create(
        name=BENCH_CONNECTION_NAME,
        netsuite_account=netsuite,
        subsidiary=netsuite.subsidiaries.get(internal_id="1"),
        contact_type="individual_customers",
        app_account=other,
        # Mailchimp syncs one audience (its object type names it); the other apps their contacts.
        app_object_type=f"audience/{MAILCHIMP_LIST_ID}" if app == "mailchimp" else "",
        paused=True,  # never scheduled, whatever cluster runs against this database
        paused_reason="A temporary connection of manage.py bench_sync.",
    )
    if app == "mailchimp":
        # The audience's merge fields, as the wizard fetches them when the audience is chosen.
        refresh_catalog(other, connection.app_object)
    return connection
