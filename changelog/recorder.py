"""Record every create, change and delete of the tracked models (see :mod:`changelog.tracking`).

Model signals catch every way a change is made (admin forms and inlines,
admin actions, the wizard, ``import_config``, the engine pausing a
connection, the shell); the author comes from :mod:`changelog.actor`.
Not caught, by Django's design: ``bulk_create`` and ``QuerySet.update``
(the default mappings and rules a new connection gets are bulk-created:
the connection's own "created" entry stands for them).

Old values are read in ``pre_save`` (one query per save of a tracked
object) and compared in ``post_save``; a save that changes nothing is not
recorded. Many-to-many changes (a connection's owners) are merged into the
entry of the save they belong to.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save

from .actor import current_actor
from .display import EMPTY, comparable, shown, shown_related
from .models import ChangeAction, ChangeRecord
from .secrets import changed_credentials
from .tracking import TRACKED, Tracked, tracked_for

HIDDEN = "(hidden)"


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


def _write(instance, tracked: Tracked, action: str, changes: list[dict]) -> ChangeRecord:
    actor = current_actor()
    user = actor.resolved_user()
    connection_id, connection_name = _connection_of(instance, tracked)
    record = ChangeRecord.objects.create(
        action=action,
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=str(instance.pk),
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
    return record


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
    created = created or before is None
    if created:
        fields = tracked_fields(sender, tracked)
    else:
        fields = [f for f in tracked_fields(sender, tracked) if f.attname in before]
    changes = []
    for field in fields:
        old = None if created else before[field.attname]
        change = _field_change(instance, field, tracked, old, getattr(instance, field.attname), created=created)
        if change is not None:
            changes.append(change)
    if created:
        _write(instance, tracked, ChangeAction.CREATED, changes)
    elif changes:
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
