"""The wizard's last three steps: make the connection (paused), dry-run it, start it.

The connection is made at the review step, paused, so that its dry run can
read both sides through the normal engine while nothing is scheduled and
nothing is written; "Start" unpauses it and queues its first run.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse

from connections.models import Connection
from syncengine.choices import FAILING_OUTCOMES, Outcome, SyncDirection, Trigger
from syncengine.models import SyncRun
from syncengine.runner import run_sync
from syncengine.services import enqueue_run

from .flow import Choices
from .state import WizardState

DRAFT_REASON = "Being set up in the connection wizard: not started yet."


def is_draft(connection: Connection) -> bool:
    """Made by the wizard and never started: only dry runs, still paused for the wizard."""
    return (
        connection.paused
        and connection.paused_reason == DRAFT_REASON
        and not SyncRun.objects.filter(connection=connection, dry_run=False).exists()
    )


@transaction.atomic
def save_draft(state: WizardState, choices: Choices, name: str, interval_minutes: int, user) -> Connection:
    """Create the paused connection of the wizard's choices, or update the one already made for them.

    A draft made for other choices (the person went back and changed the
    account, subsidiary, contact type or app) is deleted and made anew, so its
    default mappings and rules fit the new choices. Raises ``ValidationError``
    with the model's own plain-words messages.
    """
    connection = choices.connection
    if connection is not None and state.draft_is_current() and is_draft(connection):
        connection.name, connection.interval_minutes = name, interval_minutes
        connection.subscription_sync, connection.double_opt_in = state.subscription_sync, state.double_opt_in
        connection.full_clean()
        connection.save(update_fields=["name", "interval_minutes", "subscription_sync", "double_opt_in", "updated_at"])
        return connection
    if connection is not None and is_draft(connection):
        connection.delete()
    connection = Connection(
        name=name,
        netsuite_account=choices.netsuite_account,
        subsidiary=choices.subsidiary,
        contact_type=choices.contact_type,
        app_account=choices.app_account,
        app_object_type=choices.app_object_type,
        interval_minutes=interval_minutes,
        subscription_sync=state.subscription_sync,
        double_opt_in=state.double_opt_in,
        paused=True,
        paused_reason=DRAFT_REASON,
        created_by=user,
    )
    connection.full_clean()
    connection.save()  # the default mappings and rules come with it (post_save)
    connection.owners.add(user)  # the person who set it up hears of its trouble
    state.connection_id, state.connection_choices, state.dry_run_id = connection.pk, state.choices(), None
    return connection


def dry_run(connection: Connection) -> SyncRun:
    """Run a dry run of ``connection`` now, in this request (reads both sides, writes nothing)."""
    run = SyncRun.objects.create(connection=connection, trigger=Trigger.MANUAL, dry_run=True)
    return run_sync(run.pk)


def start(connection: Connection) -> tuple[SyncRun, bool]:
    """Unpause the connection (its schedule follows) and queue its first run."""
    connection.paused, connection.paused_reason = False, ""
    connection.save(update_fields=["paused", "paused_reason", "updated_at"])
    return enqueue_run(connection, trigger=Trigger.INITIAL)


def discard(connection: Connection) -> bool:
    """Delete the wizard's connection if it never started (cancelling the wizard); False otherwise."""
    if not is_draft(connection):
        return False
    try:
        connection.delete()
    except ProtectedError:
        return False
    return True


# --- the preview ---------------------------------------------------------------------------
COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("would create", (Outcome.CREATED,)),
    ("would update", (Outcome.UPDATED, Outcome.LINKED)),
    ("conflicts", (Outcome.CONFLICT_RESOLVED,)),
    (
        "excluded",
        (
            Outcome.SKIPPED_BY_RULES,
            Outcome.EXCLUDED_BY_RULES,
            Outcome.EXCLUDED_NO_EMAIL,
            Outcome.EXCLUDED_OUT_OF_SCOPE,
            Outcome.DUPLICATE,
        ),
    ),
    # People another connection sharing an account already links: not created again (syncengine.overlap).
    ("linked by another connection", (Outcome.EXCLUDED_OTHER_CONNECTION,)),
    ("unchanged", (Outcome.UNCHANGED,)),
    ("failed", FAILING_OUTCOMES),  # a record that would be written without some field counts here
)


@dataclass(frozen=True)
class Cell:
    count: int
    url: str


@dataclass(frozen=True)
class SummaryRow:
    """One direction of the dry run: a count per column, each linking to those outcomes."""

    direction: str
    cells: list[Cell]


def outcomes_url(run: SyncRun, direction: str | None = None, outcomes: tuple[str, ...] = ()) -> str:
    """The outcome list filtered to ``run`` (and a direction, and some outcomes)."""
    url = reverse("admin:syncengine_recordoutcome_changelist") + f"?run__id__exact={run.pk}"
    if direction:
        url += f"&direction__exact={direction}"
    if len(outcomes) == 1:
        url += f"&outcome__exact={outcomes[0]}"
    elif outcomes:
        url += "&outcome__in=" + ",".join(outcomes)
    return url


def summary_rows(run: SyncRun, app_label: str) -> list[SummaryRow]:
    """The planned outcomes of a dry run per direction (from the run's counters)."""
    names = {SyncDirection.TO_APP: f"NetSuite → {app_label}", SyncDirection.TO_NETSUITE: f"{app_label} → NetSuite"}
    rows = []
    for direction, name in names.items():
        counts = run.counters.get(direction) or {}
        cells = [
            Cell(sum(counts.get(o, 0) for o in outcomes), outcomes_url(run, direction, outcomes))
            for _, outcomes in COLUMNS
        ]
        rows.append(SummaryRow(name, cells))
    return rows
