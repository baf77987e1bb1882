"""Seed the running sandboxes and create the demo connection (idempotent).

The sandboxes keep their data in memory, so every start of ``scripts/run``
seeds them again; the demo connection's sync state (links, mirror, cursors)
is reset with them, so the first run re-links everything from scratch
(run history is kept). Accounts and the connection are found again by their
stable account ids and name, never duplicated.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import requests
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from connections.choices import AccountStatus, SubscriptionSync
from connections.models import ConnectedAccount, Connection
from connections.providers.google_contacts.oauth import GoogleOAuthEndpoints, authorization_url, exchange_code
from connections.services import verify_account
from rules.choices import Operator, RuleDirection
from rules.models import DEFAULT_RULE_NAME, Condition
from syncengine.choices import Trigger
from syncengine.models import ConnectionState, MirrorRecord, RecordLink
from syncengine.services import enqueue_run

DEMO_CONNECTION = "Demo: NetSuite sandbox ⇄ Google Contacts sandbox"
DEMO_HUBSPOT_CONNECTION = "Demo: NetSuite contacts ⇄ HubSpot sandbox"
DEMO_HUBSPOT_COMPANIES = "Demo: NetSuite companies ⇄ HubSpot companies"
DEMO_HUBSPOT_CONTACTS = 100  # HubSpot's own contacts (the NetSuite contacts reach it by the first sync)
DEMO_MAILCHIMP_CONNECTION = "Demo: NetSuite customers ⇄ Mailchimp audience"
DEMO_MAILCHIMP_MEMBERS = 60  # the demo audience's own members (a realistic mix of statuses)
# The Mailchimp sandbox refuses addresses at example.com/.org/.net as fake (its UNCERTAIN 11), as Mailchimp
# does: the demo connection's rule toward Mailchimp leaves them out (excluded by rule, not failing).
FAKE_LOOKING = "@example."
REDIRECT_URI = "http://127.0.0.1:8000/admin/connections/connectedaccount/google/callback/"

# People on both sides with the same email but different details: the first
# sync links them and resolves the differences (most recent change wins). Their
# NetSuite record has a home address (Google's contact has none): it reaches Google.
OVERLAP = [
    (
        "Maria",
        "Garcia",
        "maria.garcia@demo.example",
        "Head of Sales",
        "+1 415 555 0101",
        {"addr1": "500 Market St", "city": "San Francisco", "state": "CA", "zip": "94105", "country": "US"},
    ),
    (
        "Chen",
        "Wei",
        "chen.wei@demo.example",
        "Buyer",
        "+1 415 555 0102",
        {"addr1": "88 Queen St W", "city": "Toronto", "state": "ON", "zip": "M5H 2M5", "country": "CA"},
    ),
    (
        "Amara",
        "Okafor",
        "amara.okafor@demo.example",
        "CFO",
        "+1 415 555 0103",
        {"addr1": "12 Baker St", "city": "London", "zip": "W1U 3BW", "country": "GB"},
    ),
    (
        "Lars",
        "Nielsen",
        "lars.nielsen@demo.example",
        "Engineer",
        "+1 415 555 0104",
        {"addr1": "Vesterbrogade 4", "city": "Copenhagen", "zip": "1620", "country": "DK"},
    ),
    (
        "Sofia",
        "Rossi",
        "sofia.rossi@demo.example",
        "Office Manager",
        "+1 415 555 0105",
        {"addr1": "Via Roma 10", "city": "Milan", "zip": "20121", "country": "IT"},
    ),
]

# The generated account's addresses: customers have a default address six times in ten already (a
# generator default); with these, a quarter of those also have a separate shipping entry (NetSuite's
# address book keeps both; only the default one syncs) and half of the contacts (who nine times in
# ten belong to a company customer) have an address.
DEMO_ADDRESSES = {"contact_address_ratio": 0.5, "second_address_ratio": 0.25}


class Command(BaseCommand):
    help = (
        "Seed the running sandboxes (manage.py runsandbox) and create the demo connections (NetSuite ⇄ Google, "
        "NetSuite ⇄ HubSpot contacts and companies, NetSuite ⇄ a Mailchimp audience); queue their first syncs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--netsuite-url", default="http://127.0.0.1:8801")
        parser.add_argument("--google-url", default="http://127.0.0.1:8802")
        parser.add_argument("--hubspot-url", default="http://127.0.0.1:8803")
        parser.add_argument("--mailchimp-url", default="http://127.0.0.1:8804")
        parser.add_argument("--no-run", action="store_true", help="Do not queue the first sync.")

    def handle(self, *args, netsuite_url, google_url, hubspot_url, mailchimp_url, no_run, **options):
        from sandbox.google import GoogleSandbox
        from sandbox.netsuite import NetSuiteSandbox

        ns_info = NetSuiteSandbox().print_config(netsuite_url)
        g_info = GoogleSandbox().print_config(google_url)
        session = requests.Session()
        try:
            fresh = session.get(f"{netsuite_url}/_sandbox/state", timeout=10).json()["counts"]["customer"] == 0
        except (requests.RequestException, ValueError, KeyError) as exc:
            raise CommandError(f"The NetSuite sandbox does not answer at {netsuite_url} ({exc}); start runsandbox.")
        if fresh:
            self._seed(session, netsuite_url, google_url)
        netsuite = self._netsuite_account(ns_info)
        google = self._google_account(session, g_info)
        subsidiary = netsuite.subsidiaries.filter(internal_id="1").first()
        connection, created = Connection.objects.get_or_create(
            name=DEMO_CONNECTION,
            defaults={
                "netsuite_account": netsuite,
                "subsidiary": subsidiary,
                "contact_type": "individual_customers",
                "app_account": google,
                "interval_minutes": 5,
            },
        )
        if fresh and not created:
            self._forget_sync_state(connection)
        self.stdout.write(f"Demo connection: {connection.name} (id {connection.pk})")
        hubspot_connections = self._hubspot_demo(session, hubspot_url, netsuite, subsidiary, netsuite_fresh=fresh)
        mailchimp = self._mailchimp_demo(session, mailchimp_url, netsuite, subsidiary, netsuite_fresh=fresh)
        if not no_run:
            for demo in (connection, *hubspot_connections, mailchimp):
                run, queued = enqueue_run(demo, trigger=Trigger.INITIAL)
                self.stdout.write(f"First sync of {demo.name} {'queued' if queued else 'already queued'}: run {run.pk}")

    def _hubspot_demo(
        self, session, hubspot_url: str, netsuite: ConnectedAccount, subsidiary, *, netsuite_fresh: bool
    ) -> list[Connection]:
        """The NetSuite ⇄ HubSpot demo: HubSpot's own contacts and companies seeded once, its account verified
        with the sandbox's private-app token, and two connections beside the Google one: NetSuite's Contacts
        with HubSpot's contacts, and NetSuite's Company Customers with HubSpot's companies."""
        from sandbox.hubspot import HubSpotSandbox

        info = HubSpotSandbox().print_config(hubspot_url)
        try:
            state = session.get(f"{hubspot_url}/_sandbox/state", timeout=10).json()
            fresh = state["contacts"]["active"] == 0
        except (requests.RequestException, ValueError, KeyError) as exc:
            raise CommandError(f"The HubSpot sandbox does not answer at {hubspot_url} ({exc}); start runsandbox.")
        if fresh:
            response = session.post(
                f"{hubspot_url}/_sandbox/seed",
                json={"generate": {"contacts": DEMO_HUBSPOT_CONTACTS, "companies": 20, "seed": 7}},
                timeout=60,
            )
            if response.status_code != 200:
                raise CommandError(f"Seeding {hubspot_url} failed: {response.text[:500]}")
            self.stdout.write(f"Seeded the HubSpot sandbox: {DEMO_HUBSPOT_CONTACTS} contacts, 20 companies.")
        account, _ = ConnectedAccount.objects.get_or_create(
            provider="hubspot", account_id=str(info["portal_id"]), defaults={"label": "Demo HubSpot (sandbox)"}
        )
        account.api_base_url = info["base_url"]
        account.set_credentials({"private_app_token": info["access_token"]})
        account.save()
        result = verify_account(account)
        if not result.ok:
            raise CommandError(f"The demo HubSpot account could not be verified: {result.message}")
        connections = []
        for name, contact_type, app_object in (
            (DEMO_HUBSPOT_CONNECTION, "contacts", ""),
            (DEMO_HUBSPOT_COMPANIES, "company_customers", "companies"),
        ):
            connection, created = Connection.objects.get_or_create(
                name=name,
                defaults={
                    "netsuite_account": netsuite,
                    "subsidiary": subsidiary,
                    "contact_type": contact_type,
                    "app_account": account,
                    "app_object_type": app_object,
                    "interval_minutes": 5,
                },
            )
            if (fresh or netsuite_fresh) and not created:  # a sandbox restarted empty: start from scratch
                self._forget_sync_state(connection)
            self.stdout.write(f"Demo connection: {connection.name} (id {connection.pk})")
            connections.append(connection)
        return connections

    def _mailchimp_demo(
        self, session, mailchimp_url: str, netsuite: ConnectedAccount, subsidiary, *, netsuite_fresh: bool
    ) -> Connection:
        """The NetSuite ⇄ Mailchimp demo: the sandbox's demo audience seeded once (its own members, and the
        people on both sides with other details, one of whom unsubscribed in Mailchimp), the account verified
        with the sandbox's API key, and a connection of NetSuite's individual customers with that audience whose
        unsubscribes flow both ways."""
        from sandbox.mailchimp import MailchimpSandbox

        info = MailchimpSandbox().print_config(mailchimp_url)
        try:
            state = session.get(f"{mailchimp_url}/_sandbox/state", timeout=10).json()
            fresh = sum(state["lists"][info["list_id"]]["members"].values()) == 0
        except (requests.RequestException, ValueError, KeyError, AttributeError) as exc:
            raise CommandError(f"The Mailchimp sandbox does not answer at {mailchimp_url} ({exc}); start runsandbox.")
        if fresh:
            members = [
                {
                    "email_address": email,
                    "merge_fields": {"FNAME": first, "LNAME": last, "PHONE": phone.replace(" ", ".")},
                    # The last of them unsubscribed through an email's link: the first sync carries it to NetSuite.
                    **({"status": "unsubscribed", "unsubscribed_by_contact": True} if i == len(OVERLAP) - 1 else {}),
                }
                for i, (first, last, email, _, phone, _) in enumerate(OVERLAP)
            ]
            response = session.post(
                f"{mailchimp_url}/_sandbox/seed",
                json={"generate": {"members": DEMO_MAILCHIMP_MEMBERS, "seed": 7}, "members": members},
                timeout=60,
            )
            if response.status_code != 200:
                raise CommandError(f"Seeding {mailchimp_url} failed: {response.text[:500]}")
            self.stdout.write(
                f"Seeded the Mailchimp sandbox: {DEMO_MAILCHIMP_MEMBERS + len(OVERLAP)} members in its demo audience."
            )
        account, _ = ConnectedAccount.objects.get_or_create(
            provider="mailchimp", account_id="demo", defaults={"label": "Demo Mailchimp (sandbox)"}
        )
        account.api_base_url = info["base_url"]
        account.set_credentials({"api_key": info["api_key"]})
        account.save()
        result = verify_account(account)
        if not result.ok:
            raise CommandError(f"The demo Mailchimp account could not be verified: {result.message}")
        connection, created = Connection.objects.get_or_create(
            name=DEMO_MAILCHIMP_CONNECTION,
            defaults={
                "netsuite_account": netsuite,
                "subsidiary": subsidiary,
                "contact_type": "individual_customers",
                "app_account": account,
                "app_object_type": f"audience/{info['list_id']}",
                "subscription_sync": SubscriptionSync.BOTH,
                "interval_minutes": 5,
            },
        )
        if created:  # the default rule toward Mailchimp, narrowed to addresses Mailchimp accepts
            rule = connection.rules.get(direction=RuleDirection.TO_APP, name=DEFAULT_RULE_NAME)
            Condition.objects.create(rule=rule, field_id="email", operator=Operator.NOT_CONTAINS, value=FAKE_LOOKING)
        elif fresh or netsuite_fresh:  # a sandbox restarted empty: start from scratch
            self._forget_sync_state(connection)
        self.stdout.write(f"Demo connection: {connection.name} (id {connection.pk})")
        return connection

    def _seed(self, session, netsuite_url: str, google_url: str) -> None:
        customers = [
            {
                "isPerson": True,
                "firstName": f,
                "lastName": last,
                "email": e,
                "title": t,
                "phone": p,
                "subsidiary": {"id": "1"},
            }
            for f, last, e, t, p, _ in OVERLAP
        ]
        for customer, (*_, home) in zip(customers, OVERLAP, strict=True):
            customer["addressBook"] = {
                "items": [
                    {"label": "Home", "defaultBilling": True, "defaultShipping": True, "addressBookAddress": home}
                ]
            }
        persons = [
            {
                "names": [{"givenName": f, "familyName": last}],
                "emailAddresses": [{"value": e.upper()}],
                "organizations": [{"title": t + " (Google)"}],
                "phoneNumbers": [{"value": p.replace(" ", "-"), "type": "work"}],
            }
            for f, last, e, t, p, _ in OVERLAP
        ]
        for url, payload in (
            (
                f"{netsuite_url}/_sandbox/seed",
                {"generate": {"customers": 240, "contacts": 60, "seed": 7, **DEMO_ADDRESSES}},
            ),
            (f"{netsuite_url}/_sandbox/seed", {"records": {"customer": customers}}),
            (f"{google_url}/_sandbox/seed", {"generate": {"contacts": 150, "seed": 7}, "persons": persons}),
        ):
            response = session.post(url, json=payload, timeout=60)
            if response.status_code != 200:
                raise CommandError(f"Seeding {url} failed: {response.text[:500]}")
        self.stdout.write("Seeded the sandboxes: 300 NetSuite records, 155 Google contacts (5 on both sides).")

    def _netsuite_account(self, info: dict) -> ConnectedAccount:
        account, _ = ConnectedAccount.objects.get_or_create(
            provider="netsuite", account_id=info["account_id"], defaults={"label": "Demo NetSuite (sandbox)"}
        )
        account.api_base_url = info["base_url"]
        account.set_credentials({k: info[k] for k in ("consumer_key", "consumer_secret", "token_id", "token_secret")})
        account.save()
        result = verify_account(account)
        if not result.ok:
            raise CommandError(f"The demo NetSuite account could not be verified: {result.message}")
        return account

    def _google_account(self, session, info: dict) -> ConnectedAccount:
        # The OAuth dance, as a browser would do it (the sandbox consents at once).
        endpoints = GoogleOAuthEndpoints.for_base_url(info["base_url"])
        consent = session.get(
            authorization_url(endpoints, info["client_id"], REDIRECT_URI, "demo"), allow_redirects=False, timeout=10
        )
        code = parse_qs(urlsplit(consent.headers.get("Location", "")).query).get("code", [""])[0]
        if not code:
            raise CommandError(f"The Google sandbox did not grant a code (HTTP {consent.status_code}).")
        tokens = exchange_code(endpoints, info["client_id"], info["client_secret"], code, REDIRECT_URI)
        account, _ = ConnectedAccount.objects.get_or_create(
            provider="google_contacts", account_id=info["user_email"], defaults={"label": "Demo Google (sandbox)"}
        )
        account.api_base_url = info["base_url"]
        account.set_credentials(tokens)
        account.save()
        account.mark_status(AccountStatus.VERIFIED, "Connected to the Google sandbox by seed_demo.")
        return account

    @transaction.atomic
    def _forget_sync_state(self, connection: Connection) -> None:
        """The sandboxes were restarted empty: start the demo sync from scratch."""
        RecordLink.objects.filter(connection=connection).delete()
        MirrorRecord.objects.filter(connection=connection).delete()
        ConnectionState.objects.filter(connection=connection).delete()
        self.stdout.write("The sandboxes were fresh: the demo connection's links and cursors were reset.")
