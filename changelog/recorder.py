"""Record every create, change and delete of the tracked models (see :mod:`changelog.tracking`).

Model signals catch every way a change is made (admin forms and inlines,
admin actions, the wizard, ``import_config``, the engine pausing a
connection, the shell); the author comes from :mod:`changelog.actor`.
Not caught, by Django's design: ``bulk_create`` and ``QuerySet.update``.
Code that bulk-creates tracked objects (the default mappings and rules a new
connection gets) records them with :func:`record_created`, one entry each.

Old values are read in ``pre_save`` (one query per save of a tracked
object) and compared in ``post_save``; a save that changes nothing is not
recorded, nor is a save of untracked fields only (an account's verification
status). Many-to-many changes (a connection's owners) are merged into the
entry of the save they belong to.

The history says what was stored, so entries follow the transaction they
are made in: they are written in it (a rolled-back attempt leaves none), and
repeated saves of one object in one transaction make one entry (created then
changed: one "created" with the final values; created then deleted: none;
changed twice: one "changed", first old value to last new one). Outside a
transaction each save is stored on its own and gets its own entry.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save

from .actor import current_actor
from .display import EMPTY, comparable, shown, shown_related
from .models import ChangeAction, ChangeRecord
from .secrets import changed_credentials
from .tracking import TRACKED, Tracked, tracked_for

HIDDEN = "(hidden)"
UNTRACKED = object()  # ``pre_save``'s note that a save touches no tracked field


def tracked_fields(model, tracked: Tracked) -> list[models.Field]:
    """The concrete fields whose changes are recorded."""
    return [f for f in model._meta.concrete_fields if not f.primary_key and f.name not in tracked.ignore]


def _secret_change(field: models.Field, tracked: Tracked, old, new, created: bool) -> dict | None:
    label = tracked.secrets[field.name]
    if created:
        return {"field": field.name, "label": label, "old": EMPTY, "new": "set"} if new else None
    names = changed_credentials(old or "", new or "")
    if not names:
        return None
    return {"field": field.name, "label": label, "old": HIDDEN, "new": "changed: " + ", ".join(names)}


def _field_change(instance, field: models.Field, tracked: Tracked, old, new, *, created: bool) -> dict | None:
    """One ``{"field", "label", "old", "new"}`` entry, or None when the field did not change."""
    if field.name in tracked.secrets:
        return _secret_change(field, tracked, old, new, created)
    if not created and comparable(field, old) == comparable(field, new):
        return None
    if isinstance(field, models.ForeignKey):
        old_text = EMPTY if created else shown_related(field, old)
        new_text = shown_related(field, new, getattr(instance, field.name) if new is not None else None)
    else:
        old_text = EMPTY if created else shown(field, old)
        new_text = shown(field, new)
    if created and new_text == EMPTY:
        return None
    return {"field": field.name, "label": str(field.verbose_name), "old": old_text, "new": new_text}


def _connection_of(instance, tracked: Tracked) -> tuple[int | None, str]:
    """The id and name of the connection the object belongs to (for a connection's full history)."""
    path = tracked.connection
    if path is None:
        return None, ""
    if path == "pk":
        return instance.pk, str(instance)
    holder = instance
    *hops, attname = path.split(".")
    try:
        for hop in hops:
            holder = getattr(holder, hop)
    except models.ObjectDoesNotExist:
        return None, ""
    connection_id = getattr(holder, attname, None)
    if connection_id is None:
        return None, ""
    descriptor = getattr(type(holder), "connection", None)
    if descriptor is not None and descriptor.is_cached(holder):
        return connection_id, str(holder.connection)
    Connection = apps.get_model("connections", "Connection")
    name = Connection.objects.filter(pk=connection_id).values_list("name", flat=True).first()
    return connection_id, name or ""


# --- one entry per object per transaction ----------------------------------------------------------------


class _Marker:
    """A no-op on-commit hook: while it is queued, the transaction it was queued in is still open."""

    def __call__(self) -> None:
        pass


def _pending_entries() -> dict | None:
    """The entries written in the current transaction, by (content type id, object id); None outside one.

    The transaction is the outermost atomic block that is not a test case's
    (a test's own transaction stands for the autocommit of production).
    Django marks neither its start nor its end, so a queued no-op on-commit
    hook does: commit and rollback empty the queue, and so does the rollback
    of the savepoint it was queued in. A block nested in a test case's is
    also known by its savepoint id, gone from the stack once it exits.
    """
    conn = transaction.get_connection(ChangeRecord.objects.db)
    blocks = conn.atomic_blocks
    index = next((i for i, block in enumerate(blocks) if not getattr(block, "_from_testcase", False)), None)
    if index is None:
        return None
    savepoint = conn.savepoint_ids[index - 1] if index else None
    if index and savepoint is None:
        return None  # a block opened without a savepoint inside a test's transaction: not told apart
    state = getattr(conn, "_changelog_pending", None)
    if (
        state is not None
        and state[0] == savepoint
        and (savepoint is None or savepoint in conn.savepoint_ids)
        and any(hook[1] is state[1] for hook in conn.run_on_commit)
    ):
        return state[2]
    marker = _Marker()
    conn.on_commit(marker)
    conn._changelog_pending = (savepoint, marker, {})
    return conn._changelog_pending[2]


def _secret_names(change: dict) -> set[str]:
    return set(change["new"].removeprefix("changed: ").split(", ")) if change["new"].startswith("changed: ") else set()


def _merged_changes(earlier: list[dict], later: list[dict], secrets, *, created: bool) -> list[dict]:
    """``later`` folded into ``earlier``: each field from its first old value to its last new one.

    A secret still says only that it was set (a creation) or which credentials changed.
    """
    by_field = {c["field"]: dict(c) for c in earlier}
    for change in later:
        name = change["field"]
        first = by_field.get(name)
        if created:
            new = "set" if name in secrets else change["new"]
            by_field[name] = {**change, "old": EMPTY, "new": new}
        elif first is None:
            by_field[name] = dict(change)
        elif name in secrets:
            first["new"] = "changed: " + ", ".join(sorted(_secret_names(first) | _secret_names(change)))
        else:
            first["new"] = change["new"]
    return [c for c in by_field.values() if c["old"] != c["new"]]


def _merged(earlier: ChangeRecord, action: str, changes: list[dict], secrets) -> tuple[str | None, list[dict]]:
    """The one entry that stands for ``earlier`` and a later one of the same object in the same transaction.

    ``None`` as the action: the two cancel out (created then deleted; changed and changed back).
    """
    if action == ChangeAction.DELETED:
        if earlier.action == ChangeAction.CREATED:
            return None, []
        committed = {c["field"]: c["old"] for c in earlier.changes}  # what the deletion really removed
        deleted = [{**c, "old": committed.get(c["field"], c["old"])} for c in changes]
        return ChangeAction.DELETED, [c for c in deleted if c["old"] != EMPTY]
    created = earlier.action == ChangeAction.CREATED
    merged = _merged_changes(earlier.changes, changes, secrets, created=created)
    if created:
        return ChangeAction.CREATED, [c for c in merged if c["new"] != EMPTY]
    return (ChangeAction.CHANGED, merged) if merged else (None, [])


def _write(instance, tracked: Tracked, action: str, changes: list[dict]) -> ChangeRecord | None:
    """Record ``action`` on ``instance``, merged with its earlier entry of the same transaction if any."""
    content_type = ContentType.objects.get_for_model(type(instance))
    key = (content_type.pk, str(instance.pk))
    pending = _pending_entries()
    earlier = pending.get(key) if pending is not None else None
    if earlier is not None and earlier.action != ChangeAction.DELETED:
        merged_action, merged_changes = _merged(earlier, action, changes, tracked.secrets)
        same = ChangeRecord.objects.filter(pk=earlier.pk, content_type=content_type, object_id=key[1])
        if merged_action is None:
            same.delete()
            del pending[key]
            instance._changelog_record = None
            return None
        # Zero rows: the earlier entry went with a rolled-back savepoint; this one stands alone.
        if same.update(action=merged_action, changes=merged_changes, object_repr=str(instance)[:300]):
            earlier.action, earlier.changes = merged_action, merged_changes
            instance._changelog_record = earlier
            instance._changelog_token = current_actor().token
            return earlier
    actor = current_actor()
    user = actor.resolved_user()
    connection_id, connection_name = _connection_of(instance, tracked)
    record = ChangeRecord.objects.create(
        action=action,
        content_type=content_type,
        object_id=key[1],
        object_repr=str(instance)[:300],
        connection_id=connection_id,
        connection_name=connection_name[:200],
        user=user,
        username=user.get_username() if user is not None else "",
        via=actor.via[:100],
        changes=changes,
    )
    # Remembered for the many-to-many changes that follow the save (the admin saves them right after).
    instance._changelog_record = record
    instance._changelog_token = actor.token
    if pending is not None:
        pending[key] = record
    return record


def _created_changes(instance, tracked: Tracked) -> list[dict]:
    """The fields of a new object, each from nothing to its value (empty ones left out)."""
    changes = []
    for field in tracked_fields(type(instance), tracked):
        change = _field_change(instance, field, tracked, None, getattr(instance, field.attname), created=True)
        if change is not None:
            changes.append(change)
    return changes


def record_created(objects) -> None:
    """Record the creation of ``objects`` saved by ``bulk_create`` (which sends no signal): one entry each.

    Call it right after ``bulk_create``, with the objects it returned (their
    primary keys set), in the same transaction.
    """
    for instance in objects:
        tracked = tracked_for(instance)
        if tracked is not None:
            _write(instance, tracked, ChangeAction.CREATED, _created_changes(instance, tracked))


# --- signal handlers ----------------------------------------------------------------------------------------


def before_save(sender, instance, raw: bool = False, update_fields=None, **kwargs) -> None:
    tracked = tracked_for(sender)
    if tracked is None or raw:
        return
    instance._changelog_before = None
    if instance.pk is None or instance._state.adding:
        return
    fields = tracked_fields(sender, tracked)
    if update_fields is not None:
        fields = [f for f in fields if f.name in update_fields or f.attname in update_fields]
        if not fields:
            instance._changelog_before = UNTRACKED  # e.g. a verification's status: nothing to record
            return
    instance._changelog_before = (
        sender._default_manager.filter(pk=instance.pk).values(*[f.attname for f in fields]).first()
    )


def after_save(sender, instance, created: bool, raw: bool = False, update_fields=None, **kwargs) -> None:
    tracked = tracked_for(sender)
    if tracked is None or raw:
        return
    before = getattr(instance, "_changelog_before", None)
    instance._changelog_before = None
    if created:
        _write(instance, tracked, ChangeAction.CREATED, _created_changes(instance, tracked))
        return
    if before is None or before is UNTRACKED:
        # Only untracked fields were saved (a verification's outcome): not a change of configuration,
        # and never a creation (this once logged every new account as created twice).
        instance._changelog_record = None
        return
    changes = []
    for field in [f for f in tracked_fields(sender, tracked) if f.attname in before]:
        change = _field_change(
            instance, field, tracked, before[field.attname], getattr(instance, field.attname), created=False
        )
        if change is not None:
            changes.append(change)
    if changes:
        _write(instance, tracked, ChangeAction.CHANGED, changes)
    else:
        # A save that changed nothing: many-to-many changes that follow get an entry of their own.
        instance._changelog_record = None


def before_delete(sender, instance, **kwargs) -> None:
    tracked = tracked_for(sender)
    if tracked is None:
        return
    changes = []
    for field in tracked_fields(sender, tracked):
        value = getattr(instance, field.attname)
        if field.name in tracked.secrets:
            text = HIDDEN if value else EMPTY
        elif isinstance(field, models.ForeignKey):
            text = shown_related(field, value)
        else:
            text = shown(field, value)
        if text != EMPTY:
            changes.append({"field": field.name, "label": str(field.verbose_name), "old": text, "new": EMPTY})
    # Written before the row goes, inside the deletion's transaction: a failed deletion leaves no entry.
    _write(instance, tracked, ChangeAction.DELETED, changes)


def _name_field(model) -> str:
    """Users are named by their username; other objects by their id."""
    return getattr(model, "USERNAME_FIELD", "pk")


def _member_names(queryset) -> list[str]:
    return sorted(str(name) for name in queryset.values_list(_name_field(queryset.model), flat=True))


def m2m_changed_handler(sender, instance, action: str, reverse: bool, pk_set=None, **kwargs) -> None:
    """A tracked many-to-many field changed: record it with the save it follows, old → new."""
    if reverse:
        return  # changed from the other side (e.g. a user's owned connections): not a configuration screen
    tracked = tracked_for(type(instance))
    if tracked is None:
        return
    name = next(
        (n for n in tracked.m2m if instance._meta.get_field(n).remote_field.through is sender),
        None,
    )
    if name is None:
        return
    field = instance._meta.get_field(name)
    manager = getattr(instance, name)
    if action == "pre_clear":
        instance._changelog_cleared = _member_names(manager.all())
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    after = _member_names(manager.all())
    if action == "post_clear":
        before = getattr(instance, "_changelog_cleared", [])
    else:
        touched = _member_names(field.related_model._default_manager.filter(pk__in=pk_set or ()))
        before = sorted(set(after) - set(touched)) if action == "post_add" else sorted(set(after) | set(touched))
    _merge_m2m_change(instance, tracked, field, before, after)


def _merge_m2m_change(instance, tracked: Tracked, field, before: list[str], after: list[str]) -> None:
    label = str(field.verbose_name)
    old_text, new_text = ", ".join(before) or EMPTY, ", ".join(after) or EMPTY
    record = getattr(instance, "_changelog_record", None)
    if record is not None and getattr(instance, "_changelog_token", None) == current_actor().token:
        changes = [c for c in record.changes if c["field"] != field.name]
        earlier = next((c for c in record.changes if c["field"] == field.name), None)
        if earlier is not None:
            old_text = earlier["old"]
        if old_text != new_text:
            changes.append({"field": field.name, "label": label, "old": old_text, "new": new_text})
        if not changes and record.action == ChangeAction.CHANGED:
            record.delete()
            instance._changelog_record = None
            return
        record.changes = changes
        record.save(update_fields=["changes"])
        return
    if old_text != new_text:
        change = {"field": field.name, "label": label, "old": old_text, "new": new_text}
        _write(instance, tracked, ChangeAction.CHANGED, [change])


def connect_signals() -> None:
    """Connect the handlers to every tracked model (called once, from the app's ``ready``)."""
    for tracked in TRACKED:
        uid = f"changelog.{tracked.label}"
        pre_save.connect(before_save, sender=tracked.label, dispatch_uid=f"{uid}.pre_save")
        post_save.connect(after_save, sender=tracked.label, dispatch_uid=f"{uid}.post_save")
        pre_delete.connect(before_delete, sender=tracked.label, dispatch_uid=f"{uid}.pre_delete")
        model = apps.get_model(tracked.label)
        for name in tracked.m2m:
            through = model._meta.get_field(name).remote_field.through
            m2m_changed.connect(m2m_changed_handler, sender=through, dispatch_uid=f"{uid}.{name}.m2m")
