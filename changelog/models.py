"""One row per change of the product's configuration (accounts, connections, mappings, rules)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class ChangeAction(models.TextChoices):
    CREATED = "created", "Created"
    CHANGED = "changed", "Changed"
    DELETED = "deleted", "Deleted"


class ChangeRecord(models.Model):
    """Who created, changed or deleted which object, when, and what changed field by field.

    ``changes`` is a list of ``{"field", "label", "old", "new"}`` with the
    values as shown to people (choices by their label, related objects by
    name); secrets are never stored, only the fact that they changed. The
    connection is kept by id and name, not by a foreign key: the history of a
    connection outlives the connection.
    """

    created_at = models.DateTimeField("when", default=timezone.now, db_index=True)
    action = models.CharField(max_length=10, choices=ChangeAction.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+", verbose_name="model")
    object_id = models.CharField("object ID", max_length=64)
    object_repr = models.CharField("object", max_length=300)
    connection_id = models.BigIntegerField("connection ID", null=True, blank=True, db_index=True)
    connection_name = models.CharField("connection", max_length=200, blank=True, default="")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="who"
    )
    username = models.CharField(max_length=150, blank=True, default="", help_text="Kept when the user is deleted.")
    via = models.CharField(max_length=100, blank=True, default="", help_text="admin, import_config, sync engine, ...")
    changes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="change_object")]
        verbose_name = "change"

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"

    @property
    def author(self) -> str:
        """Who made the change, in words."""
        if self.username:
            return f"{self.username} ({self.via})" if self.via and self.via != "admin" else self.username
        return self.via or "system"
