"""Named choices of the sync engine."""

from django.db import models


class Side(models.TextChoices):
    """One side of a connection: NetSuite, or the app it syncs with. The one meaning of "side" in the engine
    (a mirror row's ``side``, a link's ``<side>_id``, a retry's scope per side); what a side holds is named
    for what it is (``planner.SideRecord``: a pair's record of one side; ``mappings.catalog_cache.SideCatalog``:
    a side's field catalog)."""

    NETSUITE = "netsuite", "NetSuite"
    APP = "app", "App"


class SyncDirection(models.TextChoices):
    """The direction a record's change flows (same values as mappings.Direction's one-way ones)."""

    TO_APP = "to_app", "NetSuite → app"
    TO_NETSUITE = "to_netsuite", "app → NetSuite"


def other_side(side: str) -> str:
    """The side across from ``side``."""
    return Side.APP.value if side == Side.NETSUITE else Side.NETSUITE.value


def direction_from(side: str) -> str:
    """The direction a change read on ``side`` flows in (toward the other side)."""
    return SyncDirection.TO_APP.value if side == Side.NETSUITE else SyncDirection.TO_NETSUITE.value


def target_of(direction: str) -> str:
    """The side a direction writes to."""
    return Side.APP.value if direction == SyncDirection.TO_APP else Side.NETSUITE.value


class Trigger(models.TextChoices):
    SCHEDULE = "schedule", "Schedule"
    MANUAL = "manual", "Manual (Run now)"
    INITIAL = "initial", "Initial sync"
    COMMAND = "command", "Command line"
    # *Retry now* / *Retry selected*: a run limited to some failed records (``SyncRun.scope``).
    RETRY = "retry", "Retry of failed records"
    # Undo of a run (``SyncRun.undoes``): puts back what that run changed, field by field (issue 20).
    UNDO = "undo", "Undo of a run"


class UndoCreated(models.TextChoices):
    """What an undo does to the records the undone run created (the operator's choice; *keep* by default)."""

    KEEP = "keep", "Keep them"
    DELETE = "delete", "Delete them"
    MARK = "mark", "Mark them deleted"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    PARTIALLY_FAILED = "partially_failed", "Partially failed"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped (another run was in progress)"


class Outcome(models.TextChoices):
    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"
    UNCHANGED = "unchanged", "Unchanged"
    LINKED = "linked", "Linked (matched by email; companies by domain or name)"
    SKIPPED_BY_RULES = "skipped_by_rules", "Skipped by rules"
    EXCLUDED_BY_RULES = "excluded_by_rules", "Excluded by rules (synced before, left as is)"
    EXCLUDED_NO_EMAIL = "excluded_no_email", "Excluded: no email"
    # A company without the domain or name its connection matches companies by.
    EXCLUDED_NO_MATCH_KEY = "excluded_no_match_key", "Excluded: no domain or name to match"
    EXCLUDED_OTHER_CONNECTION = "excluded_other_connection", "Excluded: linked by another connection"
    # The app's provider says the record is outside the connection's scope (a contact whose company is of
    # another subsidiary); the message says why.
    EXCLUDED_OUT_OF_SCOPE = "excluded_out_of_scope", "Excluded: outside the connection's scope"
    # The app refuses the record as it is, for good (a Mailchimp address permanently deleted): not a failure
    # retried every run, but excluded, with the app's reason, until the record changes.
    EXCLUDED_REFUSED = "excluded_refused", "Excluded: the app refuses it (until it changes)"
    DUPLICATE = "duplicate", "Duplicate (email, or an ambiguous company match)"
    CONFLICT_RESOLVED = "conflict_resolved", "Conflict resolved"
    DELETED = "deleted", "Deleted"
    MARKED_DELETED = "marked_deleted", "Marked deleted"
    DELETION_IGNORED = "deletion_ignored", "Deletion ignored (policy)"
    FAILED = "failed", "Failed"
    # The record was written (or needed nothing else), but some field could not be:
    # the message names each field and why; the record is retried next run.
    FIELD_FAILED = "field_failed", "Partly written: some fields failed"
    # Subscriptions (``Connection.subscription_sync``): an unsubscribe carried to the other side, and a
    # subscribe that was not carried because the record had opted out there (we never re-subscribe anyone).
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
    RESUBSCRIBE_REFUSED = "resubscribe_refused", "Resubscribe refused (opted out)"
    # An undo brought back a record the undone run had marked deleted (issue 20).
    RESTORED = "restored", "Restored (undo of a deletion mark)"
    # An operator chose *Skip* on a failing record (the error console): not synced until it changes.
    SKIPPED_BY_OPERATOR = "skipped_by_operator", "Skipped by an operator (until it changes)"


# The outcomes that count a record as failing (run status, health, the failing count, the Needs attention
# filter, the failure notices, Retry failed records): a record whose latest outcome is one of them is not in
# step yet.
FAILING_OUTCOMES: tuple[str, ...] = (Outcome.FAILED, Outcome.FIELD_FAILED)

# What a (non-failing) outcome's message starts a field warning with: health counts such records as warnings.
WARNING_MARK = "Warning:"


class LinkState(models.TextChoices):
    LINKED = "linked", "Linked"
    CREATING = "creating", "Create sent, not yet confirmed"
    DELETED_IN_NETSUITE = "deleted_in_netsuite", "Deleted in NetSuite"
    DELETED_IN_APP = "deleted_in_app", "Deleted in the app"
