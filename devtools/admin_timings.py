"""How fast every admin page answers, and with how many SQL queries (issue 15, "Speed").

Behind ``manage.py admin_timings`` (``scripts/admin-timings``). It works on a
scratch database it creates and drops itself (:func:`scratch_database`): a
temporary SQLite file, or, when ``DATABASE_URL`` names a PostgreSQL server,
a private database ``admin_timings_<pid>`` on that server. The database the
URL names is never written to, let alone dropped.

Two data sets, one after the other in the same database:

- **demo**: what ``manage.py seed_demo`` makes (the sandboxes, started in this
  process, seeded and synced for real: two runs of the demo connection);
- **scale**: 20 connections and 100,000 record outcomes in all
  (:func:`seed_scale`, ``bulk_create``): 32 runs per connection, record links,
  mirror rows, failures with the APIs' messages, change history entries.

For each data set every admin page (:func:`admin_pages`: the index, each
registered model's list with the filters ops staff use, a change page of each,
the connection's own views, *Run now*) is requested through
``django.test.Client`` as a superuser: one warm-up, then three measured
requests; the median time and the query count are reported. A page over the
budget (1 s on the demo, 2 s at scale) makes the command exit non-zero.

The seeding functions are also used by the query-count tests
(``tests/ops/test_admin_query_counts.py``) with small data sets.
"""

from __future__ import annotations

import logging
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection as db
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from changelog.models import ChangeAction, ChangeRecord
from connections.choices import AccountStatus
from connections.models import ConnectedAccount, Connection, Subsidiary
from connections.providers.registry import app_object_type, static_catalog
from mappings.models import FieldCatalog, FieldMapping
from rules.models import Action, Condition, Rule
from syncengine.choices import FAILING_OUTCOMES, LinkState, Outcome, RunStatus, Side, SyncDirection, Trigger
from syncengine.models import MirrorRecord, RecordLink, RecordOutcome, SyncRun, WorkerHeartbeat

Log = Callable[[str], None]

DEMO_BUDGET_S = 1.0
SCALE_BUDGET_S = 2.0
REPEATS = 3

SCALE_CONNECTIONS = 20
SCALE_OUTCOMES = 100_000
SCALE_RUNS_PER_CONNECTION = 32
SCALE_RECORDS_PER_CONNECTION = 1_500
BATCH = 2_000


# --- the scratch database ---------------------------------------------------------------------------------------
@contextmanager
def scratch_database(log: Log) -> Iterator[str]:
    """A fresh, migrated database for the measurements, dropped afterwards; yields its name.

    Django's test-database machinery does the work: the configured database
    (``DATABASE_URL``) only lends its server, the scratch one gets its own
    name (a temporary SQLite file, or ``admin_timings_<pid>`` on PostgreSQL).
    """
    from django.test.utils import setup_test_environment, teardown_test_environment

    with tempfile.TemporaryDirectory(prefix="admin_timings-") as folder:
        settings_dict = settings.DATABASES["default"]
        if db.vendor == "sqlite":
            name = str(Path(folder) / "admin_timings.sqlite3")
        else:
            name = f"admin_timings_{os.getpid()}"
        if name == settings_dict["NAME"]:  # cannot happen with the names above; never drop the user's database
            raise RuntimeError(f"refusing to use the configured database {name!r} as the scratch database")
        settings_dict.setdefault("TEST", {})["NAME"] = name
        setup_test_environment()
        old_name = settings_dict["NAME"]
        log(f"Creating the scratch database {name} ({db.vendor}) and migrating it...")
        db.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            yield name
        finally:
            db.creation.destroy_test_db(old_name, verbosity=0)
            teardown_test_environment()


# --- the demo data set ------------------------------------------------------------------------------------------
def seed_demo_synced(log: Log) -> Connection:
    """The demo as ``scripts/run`` makes it: both sandboxes (in this process) seeded by ``seed_demo``, and the
    demo connection synced twice for real (the first sync, then one with nothing new). The sandboxes are
    stopped afterwards: no admin page may need them."""
    from django.core.management import call_command

    from sandbox.common.server import SandboxServer
    from sandbox.google import GoogleSandbox
    from sandbox.netsuite import NetSuiteSandbox
    from syncengine.runner import run_sync

    from .management.commands.seed_demo import DEMO_CONNECTION

    netsuite = SandboxServer(NetSuiteSandbox(), "127.0.0.1", 0).start()
    google = SandboxServer(GoogleSandbox(), "127.0.0.1", 0).start()
    previous_hosts = getattr(settings, "API_BASE_URL_ALLOWED_HOSTS", [])
    settings.API_BASE_URL_ALLOWED_HOSTS = ["127.0.0.1"]
    try:
        log("Seeding the demo (seed_demo against in-process sandboxes) and syncing it twice...")
        call_command(
            "seed_demo", netsuite_url=netsuite.base_url, google_url=google.base_url, no_run=True, stdout=_Null()
        )
        connection = Connection.objects.get(name=DEMO_CONNECTION)
        for trigger in (Trigger.INITIAL, Trigger.SCHEDULE):
            run = SyncRun.objects.create(connection=connection, trigger=trigger)
            run = run_sync(run.pk)
            log(f"  demo run {run.pk}: {run.get_status_display()}")
        from mappings.catalog_cache import refresh_connection_catalogs

        refresh_connection_catalogs([connection])  # as an operator would once: custom fields, option lists
    finally:
        settings.API_BASE_URL_ALLOWED_HOSTS = previous_hosts
        netsuite.stop()
        google.stop()
    return connection


class _Null:
    def write(self, *args, **kwargs):
        pass

    def flush(self):
        pass


# --- the scale data set -----------------------------------------------------------------------------------------
FIRST_NAMES = ("Rosa", "Maria", "Chen", "Amara", "Lars", "Sofia", "Ivan", "Noor", "Kenji", "Ada", "Omar", "Lena")
LAST_NAMES = ("Vargas", "Garcia", "Wei", "Okafor", "Nielsen", "Rossi", "Petrov", "Haddad", "Sato", "Byron")
# Failure messages as the engine stores them (the APIs' own words after our prefix).
FAILURES = (
    "NetSuite refused the request (PATCH customer {ns}): HTTP 400 USER_ERROR: "
    "Invalid Field Value not-an-email for the following field: email",
    "Google People API: Invalid phone number '+1 555 {n}' (HTTP 400 INVALID_ARGUMENT)",
    "NetSuite refused the request (POST customer): HTTP 400 USER_ERROR: Please enter value(s) for: Subsidiary {n}",
    "Google People API: Request had insufficient authentication scopes. (HTTP 403 PERMISSION_DENIED)",
)
# Outcomes of a run, weighted like a working connection's: mostly updates, a few failures and exclusions.
OUTCOME_WEIGHTS = (
    (Outcome.UPDATED, 40),
    (Outcome.CREATED, 12),
    (Outcome.UNCHANGED, 10),
    (Outcome.LINKED, 5),
    (Outcome.SKIPPED_BY_RULES, 8),
    (Outcome.EXCLUDED_NO_EMAIL, 3),
    (Outcome.EXCLUDED_OTHER_CONNECTION, 2),
    (Outcome.DUPLICATE, 2),
    (Outcome.CONFLICT_RESOLVED, 6),
    (Outcome.DELETED, 1),
    (Outcome.DELETION_IGNORED, 1),
    (Outcome.FAILED, 3),
    (Outcome.FIELD_FAILED, 1),
)
CONTACT_TYPES = ("individual_customers", "company_customers", "contacts")


@dataclass
class ScaleSize:
    """How much :func:`seed_scale` makes."""

    connections: int = SCALE_CONNECTIONS
    runs_per_connection: int = SCALE_RUNS_PER_CONNECTION
    outcomes: int = SCALE_OUTCOMES  # in all, spread evenly over the runs
    records_per_connection: int = SCALE_RECORDS_PER_CONNECTION
    change_entries_per_connection: int = 30
    google_accounts: int = 5
    # Besides the defaults: custom mappings (switched off) and conditions and actions of each direction's first rule.
    extra_mappings: int = 3
    rule_parts: int = 2


def _person(index: int) -> tuple[str, str]:
    first, last = FIRST_NAMES[index % len(FIRST_NAMES)], LAST_NAMES[(index // 7) % len(LAST_NAMES)]
    return f"{first} {last}", f"{first.lower()}.{last.lower()}.{index}@example.com"


def _accounts(size: ScaleSize, tag: str) -> tuple[ConnectedAccount, Subsidiary, list[ConnectedAccount]]:
    """A verified NetSuite account with a subsidiary, and the Google accounts the connections spread over,
    each with its field catalogs as if refreshed: copied from an account that was (the demo's), else the
    static standard ones."""
    now = timezone.now()
    netsuite = ConnectedAccount(
        provider="netsuite",
        label=f"Scale NetSuite {tag}",
        account_id=f"SCALE_{tag}",
        status=AccountStatus.VERIFIED,
        verified_at=now,
        api_base_url="http://127.0.0.1:8801",
    )
    netsuite.set_credentials({"consumer_key": "ck", "consumer_secret": "cs", "token_id": "ti", "token_secret": "ts"})
    netsuite.save()
    subsidiary = Subsidiary.objects.create(account=netsuite, internal_id="1", name=f"Scale Company {tag}", country="US")
    googles = []
    for number in range(size.google_accounts):
        google = ConnectedAccount(
            provider="google_contacts",
            label=f"Scale Google {tag}-{number}",
            account_id=f"sales{number}.{tag.lower()}@example.com",
            status=AccountStatus.VERIFIED,
            verified_at=now,
            api_base_url="http://127.0.0.1:8802",
        )
        google.set_credentials({"access_token": "at", "refresh_token": "rt"})
        google.save()
        googles.append(google)
    for account in (netsuite, *googles):
        object_types = CONTACT_TYPES if account.provider == "netsuite" else (app_object_type(account.provider),)
        for object_type in object_types:
            model = (
                FieldCatalog.objects.filter(account__provider=account.provider, object_type=object_type)
                .order_by("-fetched_at")
                .first()
            )
            standard = static_catalog(account.provider, object_type)
            fields = model.fields if model else [spec.to_dict() for spec in standard]
            FieldCatalog.objects.create(account=account, object_type=object_type, fields=fields, fetched_at=now)
    return netsuite, subsidiary, googles


def seed_scale(size: ScaleSize | None = None, *, tag: str = "A", seed: int = 15, log: Log | None = None) -> list[int]:
    """Connections with their runs, record outcomes, links, mirror rows and change history, in bulk.

    Each connection gets ``records_per_connection`` linked pairs (two mirror
    rows each) and ``runs_per_connection`` finished runs (a few dry); the
    outcomes are spread over the runs, each about one of the connection's
    records, in both directions, weighted by :data:`OUTCOME_WEIGHTS` (failures
    carry the APIs' messages, some names contain "Rosa"). Returns the
    connections' ids.
    """
    size = size or ScaleSize()
    log = log or (lambda message: None)
    rng = random.Random(seed)
    netsuite, subsidiary, googles = _accounts(size, tag)
    owner = get_user_model().objects.filter(is_superuser=True).first()
    outcomes_per_run = max(1, size.outcomes // max(1, size.connections * size.runs_per_connection))
    kinds, weights = zip(*OUTCOME_WEIGHTS, strict=True)
    link_type = ContentType.objects.get_for_model(FieldMapping)
    now = timezone.now()
    ids = []
    for number in range(size.connections):
        connection = Connection.objects.create(  # the signals add the default mappings and rules
            name=f"Scale {tag}{number:02d}: NetSuite ⇄ sales team {number}",
            netsuite_account=netsuite,
            subsidiary=subsidiary,
            contact_type=CONTACT_TYPES[number % len(CONTACT_TYPES)],
            app_account=googles[number % len(googles)],
            interval_minutes=15,
            created_by=owner,
        )
        if owner is not None and number % 2 == 0:
            connection.owners.add(owner)
        ids.append(connection.pk)
        records = size.records_per_connection
        base = number * 1_000_000
        links = RecordLink.objects.bulk_create(
            [
                RecordLink(
                    connection=connection,
                    key=f"scale-{tag}-{number}-{index}",
                    netsuite_id=str(base + index),
                    app_id=f"c{base + index}",
                    match_key=_person(index)[1],
                    netsuite_snapshot={"firstName": _person(index)[0].split()[0], "email": _person(index)[1]},
                    app_snapshot={"givenName": _person(index)[0].split()[0], "email": _person(index)[1]},
                    state=LinkState.LINKED,
                )
                for index in range(records)
            ],
            batch_size=BATCH,
        )
        if links[0].pk is None:  # backends that do not return the ids (none of ours today)
            links = list(RecordLink.objects.filter(connection=connection).order_by("pk"))
        MirrorRecord.objects.bulk_create(
            [
                MirrorRecord(
                    connection=connection,
                    side=side,
                    record_id=str(base + index) if side == Side.NETSUITE else f"c{base + index}",
                    email_key=_person(index)[1],
                    modified_at=now,
                    values={"email": _person(index)[1], "name": _person(index)[0]},
                    pending=index % 97 == 0,
                )
                for index in range(records)
                for side in (Side.NETSUITE, Side.APP)
            ],
            batch_size=BATCH,
        )
        runs = []
        for run_number in range(size.runs_per_connection):
            started = now - timedelta(minutes=15 * (size.runs_per_connection - run_number))
            runs.append(
                SyncRun(
                    connection=connection,
                    trigger=Trigger.INITIAL if run_number == 0 else Trigger.SCHEDULE,
                    dry_run=run_number % 10 == 5,
                    full=run_number == 0,
                    status=RunStatus.SUCCEEDED,
                    started_at=started,
                    finished_at=started + timedelta(seconds=20 + rng.randint(0, 200)),
                    worker="scale-seed",
                )
            )
        runs = SyncRun.objects.bulk_create(runs)
        outcomes = []
        for run in runs:
            counters: dict[str, dict[str, int]] = {}
            for _ in range(outcomes_per_run):
                index = rng.randrange(records)
                name, email = _person(index)
                direction = SyncDirection.TO_APP if rng.random() < 0.6 else SyncDirection.TO_NETSUITE
                outcome = rng.choices(kinds, weights)[0]
                message = ""
                if outcome in FAILING_OUTCOMES:
                    message = rng.choice(FAILURES).format(ns=base + index, n=index)
                elif outcome == Outcome.SKIPPED_BY_RULES:
                    message = "No rule matched."
                diff = {}
                if outcome in (Outcome.UPDATED, Outcome.CREATED, Outcome.CONFLICT_RESOLVED):
                    diff = {"phone": ["", f"+1415555{index % 10000:04d}"], "title": ["Buyer", "Head of Sales"]}
                outcomes.append(
                    RecordOutcome(
                        run=run,
                        link=links[index],
                        direction=direction,
                        netsuite_id=str(base + index),
                        app_id=f"c{base + index}",
                        email=email,
                        name=name,
                        outcome=outcome,
                        diff=diff,
                        message=message,
                        rules=["Sync everyone"] if direction == SyncDirection.TO_APP else [],
                    )
                )
                counters.setdefault(direction, {}).setdefault(outcome, 0)
                counters[direction][outcome] += 1
            run.counters = counters
            if any(counters.get(d, {}).get(o) for d in counters for o in FAILING_OUTCOMES):
                run.status = RunStatus.PARTIALLY_FAILED
        SyncRun.objects.bulk_update(runs, ["counters", "status"])
        RecordOutcome.objects.bulk_create(outcomes, batch_size=BATCH)
        _configure(connection, size)
        mappings = list(FieldMapping.objects.filter(connection=connection).values_list("pk", flat=True))
        ChangeRecord.objects.bulk_create(
            [
                ChangeRecord(
                    created_at=now - timedelta(hours=entry),
                    action=ChangeAction.CHANGED,
                    content_type=link_type,
                    object_id=str(mappings[entry % len(mappings)]) if mappings else "0",
                    object_repr=f"mapping {entry} of {connection.name}"[:300],
                    connection_id=connection.pk,
                    connection_name=connection.name,
                    user=owner,
                    username=owner.get_username() if owner else "",
                    via="admin",
                    changes=[
                        {"field": "direction", "label": "direction", "old": "both", "new": "to_app"},
                        {"field": "enabled", "label": "enabled", "old": "True", "new": "False"},
                    ],
                )
                for entry in range(size.change_entries_per_connection)
            ]
        )
        log(f"  connection {number + 1}/{size.connections}: {len(outcomes)} outcomes")
    # Runs created in bulk kept queued_at = now: spread them as they ran (the lists sort by it).
    for run in SyncRun.objects.filter(connection_id__in=ids).only("pk", "started_at"):
        SyncRun.objects.filter(pk=run.pk).update(queued_at=run.started_at)
    return ids


def _configure(connection: Connection, size: ScaleSize) -> None:
    """Beyond the defaults the signals made: custom mappings (switched off, as someone tried them) and, on each
    direction's first rule, conditions and actions: pages that show them must not query per row."""
    first = FieldMapping.objects.filter(connection=connection).order_by("order", "pk").first()
    if first is not None:
        FieldMapping.objects.bulk_create(
            FieldMapping(
                connection=connection,
                netsuite_field=first.netsuite_field,
                app_field=first.app_field,
                direction=first.direction,
                enabled=False,
                order=200 + number,
            )
            for number in range(size.extra_mappings)
        )
    for direction in ("to_app", "to_netsuite"):
        rule = Rule.objects.filter(connection=connection, direction=direction).order_by("order", "pk").first()
        if rule is None:
            continue
        field = "email"
        Condition.objects.bulk_create(
            Condition(rule=rule, field_id=field, operator="contains", value=f"example{number}")
            for number in range(size.rule_parts)
        )
        Action.objects.bulk_create(
            Action(
                rule=rule,
                kind="set_field",
                field_id="comments" if direction == "to_netsuite" else "notes",
                value=f"Synced by rule {number}",
                apply_on="create",
            )
            for number in range(size.rule_parts)
        )


# --- the pages ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Page:
    """One admin request: a label, the URL, and POST data (None for a GET)."""

    label: str
    url: str
    post: dict | None = None


def _first(model, **filters):
    return model.objects.filter(**filters).order_by("pk").first()


def admin_pages(connection: Connection) -> list[Page]:
    """Every admin page worth timing, about ``connection`` where a page is about one connection: the index,
    every registered model's list (with the outcome list's filters and search), a change page of each, the
    connection's own views, and *Run now*."""
    from django.contrib import admin

    pages = [Page("index", reverse("admin:index"))]
    for model in admin.site._registry:
        meta = model._meta
        pages.append(
            Page(f"{meta.verbose_name_plural} (list)", reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        )
    outcomes = reverse("admin:syncengine_recordoutcome_changelist")
    connection_filter = f"run__connection__id__exact={connection.pk}"
    failing = ",".join(FAILING_OUTCOMES)
    pages += [
        Page("outcomes: latest of each record", f"{outcomes}?latest=yes"),
        Page("outcomes: latest, one connection", f"{outcomes}?{connection_filter}&latest=yes"),
        Page("outcomes: failing (latest)", f"{outcomes}?{connection_filter}&outcome__in={failing}&latest=yes"),
        Page("outcomes: all failing", f"{outcomes}?outcome__in={failing}"),
        Page("outcomes: search 'rosa'", f"{outcomes}?q=rosa"),
        Page("outcomes: page 2", f"{outcomes}?p=2"),
        Page(
            "runs: one connection",
            reverse("admin:syncengine_syncrun_changelist") + f"?connection__id__exact={connection.pk}",
        ),
        Page(
            "links: one connection",
            reverse("admin:syncengine_recordlink_changelist") + f"?connection__id__exact={connection.pk}",
        ),
        Page("connections: needs attention", reverse("admin:connections_connection_changelist") + "?attention=yes"),
    ]
    run = SyncRun.objects.filter(connection=connection).order_by("-pk").first()
    outcome = (
        RecordOutcome.objects.filter(run__connection=connection, outcome__in=FAILING_OUTCOMES).order_by("-pk").first()
    )
    outcome = outcome or RecordOutcome.objects.filter(run__connection=connection).order_by("-pk").first()
    link = _first(RecordLink, connection=connection)
    change = ChangeRecord.objects.filter(connection_id=connection.pk).order_by("-pk").first() or _first(ChangeRecord)
    objects = [
        ("connection page", connection),
        ("run page", run),
        ("outcome page", outcome),
        ("record link page", link),
        ("change history entry", change),
        ("NetSuite account page", connection.netsuite_account),
        ("Google account page", connection.app_account),
        ("subsidiary page", connection.subsidiary),
        ("field mapping page", _first(FieldMapping, connection=connection)),
        ("field catalog page", _first(FieldCatalog, account=connection.netsuite_account)),
        ("rule page", _first(Rule, connection=connection)),
        ("user page", _first(get_user_model(), is_superuser=True)),
        ("worker heartbeat page", _first(WorkerHeartbeat)),
    ]
    for label, obj in objects:
        if obj is not None:
            meta = obj._meta
            pages.append(Page(label, reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])))
    pages += [
        Page("rule: add (start links)", reverse("admin:rules_rule_add")),
        Page(
            "rule: add for a connection",
            reverse("admin:rules_rule_add") + f"?connection={connection.pk}&direction=to_app",
        ),
        Page("connection: add", reverse("admin:connections_connection_add")),
        Page("health page", reverse("admin:connections_connection_health", args=[connection.pk])),
        Page("progress (JSON)", reverse("admin:connections_connection_progress", args=[connection.pk])),
        Page("wizard: start", reverse("admin:connections_connection_wizard")),
        Page("Run now (POST)", reverse("admin:connections_connection_run", args=[connection.pk]), post={}),
        Page("Dry run (POST)", reverse("admin:connections_connection_dry_run", args=[connection.pk]), post={}),
        Page(
            "Full resync: its confirmation (POST)",
            reverse("admin:connections_connection_full_resync", args=[connection.pk]),
            post={},
        ),
    ]
    return pages


@dataclass(frozen=True)
class Timing:
    """A page's figures: median milliseconds of the measured requests, SQL queries, HTTP status."""

    page: Page
    median_ms: float
    queries: int
    status: int


def _request(client: Client, page: Page):
    if page.post is None:
        return client.get(page.url)
    return client.post(page.url, page.post)


def _reset_after(page: Page) -> None:
    """Undo what a POST did, so that every measured request does the same work (*Run now* queues a run:
    the next one would find it queued and queue nothing)."""
    if page.post is not None:
        from django_q.models import OrmQ

        SyncRun.objects.filter(status=RunStatus.QUEUED).delete()
        OrmQ.objects.all().delete()


def measure(client: Client, page: Page, repeats: int = REPEATS) -> Timing:
    """One warm-up request, then ``repeats`` measured ones: the median time and the last one's queries."""
    _request(client, page)
    _reset_after(page)
    times, queries, status = [], 0, 0
    for _ in range(repeats):
        with CaptureQueriesContext(db) as captured:
            start = time.perf_counter()
            response = _request(client, page)
            times.append((time.perf_counter() - start) * 1000)
        queries, status = len(captured), response.status_code
        _reset_after(page)
    return Timing(page, statistics.median(times), queries, status)


def superuser_client() -> Client:
    """A client logged in as a superuser made for the measurements (with an email: alerts reach someone)."""
    user_model = get_user_model()
    user = user_model.objects.filter(username="admin_timings").first()
    if user is None:
        user = user_model.objects.create_superuser("admin_timings", "ops@example.com", "admin-timings-pw")
    client = Client()
    client.force_login(user)
    return client


def time_pages(connection: Connection, log: Log) -> list[Timing]:
    """Every page of :func:`admin_pages`, measured."""
    client = superuser_client()
    WorkerHeartbeat.objects.get_or_create(
        cluster="admin_timings", defaults={"host": "localhost", "last_seen": timezone.now()}
    )
    timings = []
    for page in admin_pages(connection):
        timing = measure(client, page)
        log(f"  {timing.median_ms:8.1f} ms {timing.queries:4d} q  {page.label}")
        timings.append(timing)
    return timings


# --- the whole measurement ----------------------------------------------------------------------------------------
@dataclass
class Report:
    """The figures of each data set: ``{"demo": [...], "scale": [...]}``, and what the scale set held."""

    timings: dict[str, list[Timing]]
    sizes: dict[str, dict[str, int]]
    vendor: str


def _sizes() -> dict[str, int]:
    return {
        "connections": Connection.objects.count(),
        "runs": SyncRun.objects.count(),
        "outcomes": RecordOutcome.objects.count(),
        "links": RecordLink.objects.count(),
        "mirror rows": MirrorRecord.objects.count(),
        "change entries": ChangeRecord.objects.count(),
    }


def run_measurements(
    *,
    demo: bool = True,
    scale: bool = True,
    connections: int = SCALE_CONNECTIONS,
    outcomes: int = SCALE_OUTCOMES,
    log: Log | None = None,
) -> Report:
    """Create the scratch database, seed the demo and measure, then grow it to the scale set and measure."""
    log = log or (lambda message: None)
    logging.disable(logging.INFO)  # the seeds' and Run now's log lines would mix with the figures
    timings: dict[str, list[Timing]] = {}
    sizes: dict[str, dict[str, int]] = {}
    with scratch_database(log):
        vendor = db.vendor
        superuser_client()  # the superuser first: the seeds make it an owner and an author
        demo_connection = seed_demo_synced(log) if demo else None
        if demo_connection is not None:
            log("Timing the admin pages on the demo...")
            timings["demo"] = time_pages(demo_connection, log)
            sizes["demo"] = _sizes()
        if scale:
            have_connections, have_outcomes = Connection.objects.count(), RecordOutcome.objects.count()
            size = ScaleSize(
                connections=max(1, connections - have_connections), outcomes=max(0, outcomes - have_outcomes)
            )
            log(f"Seeding the scale data set: {size.connections} more connections, {size.outcomes} more outcomes...")
            started = time.perf_counter()
            ids = seed_scale(size, log=log)
            log(f"  seeded in {time.perf_counter() - started:.1f} s")
            if vendor == "postgresql":
                with db.cursor() as cursor:
                    cursor.execute("ANALYZE")  # as autovacuum would soon after a bulk load
            log("Timing the admin pages at scale...")
            timings["scale"] = time_pages(Connection.objects.get(pk=ids[0]), log)
            sizes["scale"] = _sizes()
    return Report(timings, sizes, vendor)


def over_budget(report: Report) -> list[str]:
    """The pages that took longer than their data set's budget, or failed, in words."""
    budgets = {"demo": DEMO_BUDGET_S, "scale": SCALE_BUDGET_S}
    problems = []
    for name, timings in report.timings.items():
        for timing in timings:
            if timing.median_ms > budgets[name] * 1000:
                problems.append(
                    f"{name}: {timing.page.label} took {timing.median_ms:.0f} ms (budget {budgets[name]} s)"
                )
            if timing.status >= 400:
                problems.append(f"{name}: {timing.page.label} answered HTTP {timing.status}")
    return problems


def table(report: Report) -> str:
    """The figures as a Markdown table: one row per page, median ms and queries per data set."""
    names = list(report.timings)
    header = "| page | " + " | ".join(f"{name} ms | {name} queries" for name in names) + " |"
    rule = "|---|" + "---:|---:|" * len(names)
    labels = list(dict.fromkeys(t.page.label for timings in report.timings.values() for t in timings))
    by_name = {name: {t.page.label: t for t in timings} for name, timings in report.timings.items()}
    rows = []
    for label in labels:
        cells = []
        for name in names:
            timing = by_name[name].get(label)
            cells.append(f"{timing.median_ms:.0f} | {timing.queries}" if timing else "— | —")
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    sizes = "; ".join(
        f"{name}: " + ", ".join(f"{what} {count:,}" for what, count in figures.items())
        for name, figures in report.sizes.items()
    )
    return "\n".join([header, rule, *rows, "", f"Database: {report.vendor}. Data: {sizes}."])
