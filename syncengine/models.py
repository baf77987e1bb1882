"""Models of the sync engine: per-connection state, the mirror of both sides,
links between records, runs and per-record outcomes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from connections.models import Connection

from .choices import FAILING_OUTCOMES, LinkState, Outcome, RunStatus, Side, SyncDirection, Trigger, UndoCreated


class WorkerHeartbeat(models.Model):
    """The last sign of life of a django-q2 cluster, written by a task the
    cluster runs every minute: tells ops staff whether background work runs."""

    cluster = models.CharField(max_length=100, unique=True)
    host = models.CharField(max_length=255, blank=True, default="")
    pid = models.IntegerField(null=True, blank=True)
    last_seen = models.DateTimeField()

    class Meta:
        ordering = ["cluster"]

    def __str__(self) -> str:
        return f"{self.cluster} @ {self.host}"


class ConnectionState(models.Model):
    """The engine's state of one connection: the lease (one run at a time,
    across workers and machines), both sides' cursors, and a pending
    confirmation of mass deletions."""

    connection = models.OneToOneField(Connection, on_delete=models.CASCADE, related_name="sync_state")
    lease_holder = models.CharField(max_length=200, blank=True, default="")
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    netsuite_cursor = models.TextField(blank=True, default="")
    app_cursor = models.TextField(blank=True, default="")
    deletions_awaiting_confirmation = models.PositiveIntegerField(default=0)
    deletions_confirmed = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"state of {self.connection}"


class MirrorRecord(models.Model):
    """The latest known version of one record of one side, as read from its API.

    The mirror is the index the engine matches emails against (never one API
    search per record), and the place a change waits in until it is synced:
    ``pending`` stays true until the change was written (or decided).
    Values are stored encoded by :mod:`syncengine.codec`.
    """

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="+")
    side = models.CharField(max_length=10, choices=Side.choices)
    record_id = models.CharField(max_length=255)
    email_key = models.CharField(max_length=320, blank=True, default="", db_index=True)
    # Companies (a company connection): ``email_key`` holds the company's domain and ``name_key`` its
    # normalised name, the second match key (:mod:`syncengine.match_keys`); empty for people.
    name_key = models.CharField(max_length=320, blank=True, default="")
    modified_at = models.DateTimeField(null=True, blank=True)
    deleted = models.BooleanField(default=False)
    values = models.JSONField(default=dict)
    meta = models.JSONField(default=dict)
    sync_key = models.CharField(max_length=64, blank=True, default="", help_text="Our idempotency key, if ours.")
    pending = models.BooleanField(default=True)
    read_at = models.DateTimeField(auto_now=True)
    # *Skip* (the error console): the record's modification time when an operator skipped it. While the
    # record still has that modification time it is not processed (a re-read or a full run does not bring it
    # back); once it changes, it syncs again. Reads never write this column.
    skipped_modified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "side", "record_id"], name="unique_mirror_record"),
        ]
        indexes = [
            models.Index(fields=["connection", "side", "email_key"], name="mirror_email"),
            models.Index(fields=["connection", "side", "name_key"], name="mirror_company_name"),
            models.Index(fields=["connection", "side", "pending"], name="mirror_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.side}:{self.record_id}"


class RecordLink(models.Model):
    """A NetSuite record and an app record known to be the same person (the binding).

    ``key`` is ours: each app's records carry it where the app registered
    (``ProviderInfo.sync_key_of``), so a create that was sent but not recorded (a crash) is found
    again instead of duplicated. Snapshots are the mapped values of each side
    as last synced (the base of the three-way merge); hashes are of what we
    last wrote, to recognise our own writes coming back (echoes).
    ``config_fingerprint`` is the fingerprint of the configuration the pair
    was last planned with (:mod:`syncengine.replan`): when it differs from the
    current one, the next run re-plans the pair from the mirror.
    """

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="links")
    key = models.CharField(max_length=64, unique=True)
    netsuite_id = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001 - NULL = not created yet (unique when set)
    app_id = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001 - as netsuite_id
    match_key = models.CharField("email", max_length=320, blank=True, default="", db_index=True)
    netsuite_snapshot = models.JSONField(default=dict)
    app_snapshot = models.JSONField(default=dict)
    netsuite_hash = models.CharField(max_length=64, blank=True, default="")
    app_hash = models.CharField(max_length=64, blank=True, default="")
    state = models.CharField(max_length=30, choices=LinkState.choices, default=LinkState.LINKED)
    config_fingerprint = models.CharField(
        max_length=64, blank=True, default="", help_text="The configuration the pair was last planned with."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "netsuite_id"], condition=Q(netsuite_id__isnull=False), name="unique_link_ns"
            ),
            models.UniqueConstraint(
                fields=["connection", "app_id"], condition=Q(app_id__isnull=False), name="unique_link_app"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.match_key or self.key}: NetSuite {self.netsuite_id or '—'} ⇄ app {self.app_id or '—'}"


class PlannedConfiguration(models.Model):
    """A configuration some links were planned with: its fingerprint and its mappings (slot keys).

    A run compares a link's fingerprint with the current one; the slots of
    the link's configuration tell which mappings are new to the link (they
    have no base in its snapshots: :func:`syncengine.replan.new_slots`).
    """

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="+")
    fingerprint = models.CharField(max_length=64)
    slots = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "fingerprint"], name="unique_planned_configuration"),
        ]

    def __str__(self) -> str:
        return f"configuration {self.fingerprint[:12]} of {self.connection}"


class SyncRun(models.Model):
    """One run of one connection: the source of truth (the django-q2 task is plumbing)."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="runs")
    trigger = models.CharField(max_length=20, choices=Trigger.choices, default=Trigger.MANUAL)
    dry_run = models.BooleanField(default=False)
    full = models.BooleanField("full resync", default=False)
    status = models.CharField(max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED, db_index=True)
    queued_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="When its task was last sent to the workers.")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    counters = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, default="")
    worker = models.CharField(max_length=200, blank=True, default="")
    # The running run's latest stage and counts ({"stage", "done", "total", "at"}), written at most
    # about once a second by :mod:`syncengine.progress` and polled by the connection page.
    progress = models.JSONField(default=dict, blank=True, editable=False)
    # A retry's limit (*Retry now*, *Retry selected*): the ids of the records to sync again, per side
    # ({"netsuite": [...], "app": [...]}). Empty: an ordinary run (every pending change, cursors advanced).
    scope = models.JSONField(default=dict, blank=True, editable=False)
    # An undo (trigger "undo"): the run it puts back, what it does to the records that run created, and who
    # asked for it.
    undoes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="undos", editable=False
    )
    undo_created = models.CharField(
        "created records",
        max_length=10,
        blank=True,
        default="",
        choices=UndoCreated.choices,
        help_text="An undo: what happens to the records the undone run created (keep by default).",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    # Queued behind this run (which was running when this one was asked for): the task is sent when it ends.
    after = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-queued_at"]
        indexes = [models.Index(fields=["connection", "-queued_at"], name="run_connection_recent")]
        # Administrators only (operators have view permissions and "run"): see connections.roles.
        permissions = [("undo_run", "Can undo a run")]

    def __str__(self) -> str:
        return f"run {self.pk} of {self.connection} ({self.get_status_display()})"

    @property
    def limited(self) -> bool:
        """Whether the run is limited to some records (a retry), rather than an ordinary run."""
        return bool(self.scope)

    @property
    def scoped_records(self) -> int:
        """How many records a limited run retries (0 for an ordinary run)."""
        return sum(len(ids) for ids in (self.scope or {}).values())

    def trigger_text(self) -> str:
        """The trigger in words: "Retry of 2 records" for a limited run, else the trigger's label."""
        if self.limited:
            count = self.scoped_records
            return f"Retry of {count} record{'s' if count != 1 else ''}"
        return self.get_trigger_display()

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class RecordOutcome(models.Model):
    """What happened to one record in one direction in one run."""

    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="outcomes")
    link = models.ForeignKey(RecordLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="outcomes")
    direction = models.CharField(max_length=20, choices=SyncDirection.choices)
    netsuite_id = models.CharField("NetSuite id", max_length=255, blank=True, default="")
    app_id = models.CharField("app id", max_length=255, blank=True, default="")
    email = models.CharField(max_length=320, blank=True, default="")
    name = models.CharField(max_length=200, blank=True, default="", help_text="The person or company, as read.")
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    diff = models.JSONField("field diff", default=dict, blank=True)
    message = models.TextField(blank=True, default="")
    rules = models.JSONField("rules that matched", default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["run", "outcome"], name="outcome_run"),
            models.Index(fields=["email"], name="outcome_email"),
            # A record's outcomes (health.is_latest: "is there a later outcome of this record?"), by its source id.
            models.Index(fields=["netsuite_id", "direction", "id"], name="outcome_ns_record"),
            models.Index(fields=["app_id", "direction", "id"], name="outcome_app_record"),
            # The few failing outcomes of a connection's runs (its failing count), without reading the others.
            models.Index(fields=["run"], condition=Q(outcome__in=FAILING_OUTCOMES), name="outcome_failing"),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.email or self.netsuite_id or self.app_id}"
