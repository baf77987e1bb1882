"""Admin forms of field mappings: fields picked from dropdowns fed by the cached catalogs."""

from __future__ import annotations

from django import forms

from connections.providers.fields import FieldType

from .catalog_cache import ConnectionCatalogs, SideCatalog, connection_catalogs
from .compatibility import TYPE_WORDS
from .mapping_checks import APP_SIDE, NETSUITE_SIDE, MappingState, field_choice_label, target_clashes
from .models import FieldMapping

STANDARD_GROUP = "Standard fields"
CUSTOM_GROUP = "Custom fields"
READ_ONLY_GROUP = "Read-only fields"
MISSING_GROUP = "Not in the field catalog"


class CatalogFieldChoiceField(forms.ChoiceField):
    """A dropdown of catalog fields that lets any id through to the model's check.

    The model says "«x» is not a field of …; refresh the field catalogs",
    which helps more than Django's "Select a valid choice" (a field may
    vanish from the catalog between the page load and the save).
    """

    def valid_value(self, value) -> bool:
        return True


def catalog_field_choices(
    side: SideCatalog,
    *,
    current: str = "",
    blank_label: str | None = "---------",
    read_only_apart: bool = False,
) -> list:
    """Grouped dropdown choices of a side's fields, labels shown (custom fields included).

    ``current`` (the saved value) is kept as a choice even when it is no longer
    in the catalog, so the form shows it instead of silently picking another;
    ``read_only_apart`` puts read-only fields in their own group (actions,
    which cannot set them; a groups field stays among the others: actions
    add and remove its groups one at a time even where it cannot be set).
    """
    groups: dict[str, list[tuple[str, str]]] = {STANDARD_GROUP: [], CUSTOM_GROUP: [], READ_ONLY_GROUP: []}
    for spec in side.fields.values():
        if read_only_apart and not spec.writable and spec.type != FieldType.GROUPS:
            group = READ_ONLY_GROUP
        else:
            group = CUSTOM_GROUP if spec.custom else STANDARD_GROUP
        groups[group].append((spec.id, field_choice_label(spec, TYPE_WORDS)))
    choices: list = [("", blank_label)] if blank_label is not None else []
    if current and current not in side.fields:
        choices.append((MISSING_GROUP, [(current, f"«{current}» (not in the field catalog)")]))
    choices.extend((name, entries) for name, entries in groups.items() if entries)
    return choices


class FieldMappingForm(forms.ModelForm):
    """One mapping: a NetSuite field and an app field picked from the catalogs, and a direction.

    ``catalogs`` are the connection's catalogs; without them they are read
    from the database (a saved mapping knows its connection).
    """

    netsuite_field = CatalogFieldChoiceField(label="NetSuite field")
    app_field = CatalogFieldChoiceField(label="App field")

    class Meta:
        model = FieldMapping
        fields = ("netsuite_field", "app_field", "direction", "enabled", "order")

    def __init__(self, *args, catalogs: ConnectionCatalogs | None = None, in_formset: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # A formset checks clashes between all its rows itself (see FieldMappingFormSet).
        self.instance.target_clashes_checked_by_formset = in_formset
        if catalogs is None and self.instance.connection_id:
            catalogs = connection_catalogs(self.instance.connection)
        if catalogs is None:
            return
        if "netsuite_field" in self.fields:
            self.fields["netsuite_field"].choices = catalog_field_choices(
                catalogs.netsuite, current=self.instance.netsuite_field
            )
        if "app_field" in self.fields:
            self.fields["app_field"].label = f"{catalogs.app.app_label} field"
            self.fields["app_field"].choices = catalog_field_choices(catalogs.app, current=self.instance.app_field)


class FieldMappingFormSet(forms.BaseInlineFormSet):
    """The mappings of one connection, saved together.

    Rows left unchanged are not checked again: nothing is saved for them, and
    a row that went stale (a field removed from the catalog) must not block
    unrelated edits; the admin shows its state beside it. Clashes (two
    enabled mappings writing the same field) are checked across all rows as
    they will be after the save.
    """

    catalogs: ConnectionCatalogs | None = None

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["catalogs"] = self.catalogs
        kwargs["in_formset"] = True
        if index is not None and index < self.initial_form_count():
            kwargs["empty_permitted"] = True  # unchanged saved rows skip validation (see the class docstring)
        return kwargs

    def clean(self) -> None:
        super().clean()
        app_label = self.catalogs.app.app_label if self.catalogs else "the app"
        side_labels = {NETSUITE_SIDE: "NetSuite", APP_SIDE: app_label}
        rows = []
        for form in self.forms:
            if self._should_delete_form(form):
                continue
            if form.has_changed():
                if form.errors or not form.cleaned_data:
                    continue  # its own errors come first
                data = form.cleaned_data
                state = MappingState(data["netsuite_field"], data["app_field"], data["direction"], data["enabled"])
            elif form.instance.pk:
                state = form.instance.state()
            else:
                continue  # an empty extra row
            rows.append((form, state))
        for index, (form, state) in enumerate(rows):
            if not form.has_changed():
                continue  # a clash is reported on the row that introduces it
            others = [other for position, (_, other) in enumerate(rows) if position != index]
            for message in target_clashes(state, others, side_labels=side_labels):
                form.add_error(None, message)
