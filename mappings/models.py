"""Cached field catalogs and the field mappings of each connection."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils import timezone

from connections.models import ConnectedAccount, Connection
from connections.providers.fields import FieldSpec

from .choices import Direction
from .mapping_checks import APP_SIDE, NETSUITE_SIDE, MappingState, check_mapping, target_clashes


class FieldCatalog(models.Model):
    """The field catalog of one object type of one account, as the provider last described it.

    ``fields`` holds :meth:`FieldSpec.to_dict` of every field, custom ones and
    option lists included. Written by :func:`mappings.catalog_cache.refresh_catalog`,
    read by :func:`mappings.catalog_cache.catalog_for`.
    """

    account = models.ForeignKey(ConnectedAccount, on_delete=models.CASCADE, related_name="field_catalogs")
    object_type = models.CharField(max_length=40, help_text="NetSuite: the contact type. Google: contacts.")
    fields = models.JSONField(default=list)
    fetched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["account", "object_type"]
        constraints = [
            models.UniqueConstraint(fields=["account", "object_type"], name="unique_catalog_per_account_object"),
        ]

    def __str__(self) -> str:
        return f"{self.account.label}: {self.object_type}"

    def specs(self) -> list[FieldSpec]:
        """The cached fields, typed."""
        return [FieldSpec.from_dict(data) for data in self.fields]

    @property
    def field_count(self) -> int:
        return len(self.fields)

    @property
    def custom_field_count(self) -> int:
        return sum(1 for data in self.fields if data.get("custom"))


class FieldMapping(models.Model):
    """One field of NetSuite mapped to one field of the app a connection syncs with.

    ``direction`` must be one the compatibility table allows for the pair
    (:func:`mappings.compatibility.allowed_directions`); a target field is
    written by at most one enabled mapping per direction (a two-way mapping
    writes both fields). ``is_default`` marks the mappings a new connection
    starts with (:mod:`mappings.defaults`); any mapping can be switched off.
    """

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="field_mappings")
    netsuite_field = models.CharField("NetSuite field", max_length=200)
    app_field = models.CharField("app field", max_length=200)
    direction = models.CharField(max_length=20, choices=Direction.choices, default=Direction.TWO_WAY)
    is_default = models.BooleanField(
        "default", default=False, editable=False, help_text="Created with the connection (the default mapping)."
    )
    enabled = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=100)

    # Set by the admin's formset, which checks clashes between all the rows it
    # is about to save at once: the database still holds the rows as they were.
    target_clashes_checked_by_formset = False

    class Meta:
        ordering = ["connection", "order", "pk"]
        indexes = [models.Index(fields=["connection", "enabled"], name="mapping_connection_enabled")]

    def __str__(self) -> str:
        return self.state().name()

    def state(self) -> MappingState:
        """The plain form of this mapping the checks work on."""
        return MappingState(self.netsuite_field, self.app_field, self.direction, self.enabled)

    def clean(self) -> None:
        if not self.connection_id or not self.netsuite_field or not self.app_field:
            return  # the missing parts are reported by their own fields
        from .catalog_cache import connection_catalogs  # the cache module imports this one

        catalogs = connection_catalogs(self.connection)
        problems = check_mapping(self.state(), catalogs).as_dict()
        if not problems and not self.target_clashes_checked_by_formset:
            others = FieldMapping.objects.filter(connection_id=self.connection_id, enabled=True).exclude(pk=self.pk)
            clashes = target_clashes(
                self.state(),
                [other.state() for other in others],
                side_labels={NETSUITE_SIDE: "NetSuite", APP_SIDE: catalogs.app.app_label},
            )
            if clashes:
                problems[None] = clashes
        if problems:
            raise ValidationError({NON_FIELD_ERRORS if key is None else key: msgs for key, msgs in problems.items()})
