"""The scale data set: connections with their runs, record outcomes, links, mirror rows and change
history, made in bulk (also used, small, by the query-count tests)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from changelog.models import ChangeAction, ChangeRecord
from connections.choices import AccountStatus
from connections.models import ConnectedAccount, Connection, Subsidiary
from connections.providers.registry import app_object_type, static_catalog
from mappings.models import FieldCatalog, FieldMapping
from rules.models import Action, Condition, Rule
from syncengine.choices import FAILING_OUTCOMES, LinkState, Outcome, RunStatus, Side, SyncDirection, Trigger
from syncengine.models import MirrorRecord, RecordLink, RecordOutcome, SyncRun

from .progress import Log

SCALE_CONNECTIONS = 20
SCALE_OUTCOMES = 100_000
SCALE_RUNS_PER_CONNECTION = 32
SCALE_RECORDS_PER_CONNECTION = 1_500
BATCH = 2_000


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
