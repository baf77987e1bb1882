"""Signal handlers of the mappings app."""

from __future__ import annotations

from changelog.recorder import record_created

from .defaults import default_mappings
from .models import FieldMapping

# Room between default mappings, so a custom one can be slotted in between without renumbering.
ORDER_STEP = 10


def create_default_mappings(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """Give a new connection the default mappings of its (app provider, NetSuite contact type).

    Connected to ``post_save`` of ``Connection`` (the connections app cannot
    import this one). Fixture loads (``raw``) bring their own rows.
    """
    if not created or raw:
        return
    defaults = default_mappings(instance.app_account.provider, instance.contact_type, instance.app_object_type)
    made = FieldMapping.objects.bulk_create(
        FieldMapping(
            connection=instance,
            netsuite_field=mapping.netsuite_field,
            app_field=mapping.app_field,
            direction=mapping.direction,
            is_default=True,
            enabled=True,
            order=(position + 1) * ORDER_STEP,
        )
        for position, mapping in enumerate(defaults)
    )
    record_created(made)  # bulk_create sends no signal: the change history is told here
