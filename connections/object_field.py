"""The connection form's "app object" box: what the connection syncs in the app, offered the way the app allows.

- A connection of an app whose every connection names one of the account's containers (see
  :class:`~connections.providers.registry.ObjectChoice`): a select of the containers the app lists now, by name
  (the current one kept even when the app no longer lists it); when the app cannot say, a text box with the
  reason. ``Connection.clean()`` checks whatever is saved.
- A new connection (its app not chosen yet): a text box suggesting the object types the apps have, with the
  format of a container's object type in its help.
- Any other connection: a select of the app's default (contacts) and the apps' company objects.
"""

from __future__ import annotations

from django import forms
from django.utils.html import format_html, format_html_join

from .models import Connection
from .object_choices import object_offer, offers_objects
from .providers.registry import app_providers, company_object_choices

DEFAULT_CHOICE = ("", "The app's contacts (default)")


class SuggestingInput(forms.TextInput):
    """A text box with a list of suggestions (an HTML ``datalist``): any text may still be typed."""

    def __init__(self, suggestions: list[tuple[str, str]], attrs=None):
        super().__init__(attrs)
        self.suggestions = suggestions

    def render(self, name, value, attrs=None, renderer=None):
        datalist_id = f"{(attrs or {}).get('id') or name}-suggestions"
        box = super().render(name, value, {**(attrs or {}), "list": datalist_id}, renderer)
        options = format_html_join("", '<option value="{}">{}</option>', self.suggestions)
        return box + format_html('<datalist id="{}">{}</datalist>', datalist_id, options)


def _container_formats() -> str:
    """How a container's object type is typed, per app that has them: "Acme: list/<List ID>"."""
    return " ".join(
        f"{info.label}: {info.default_object_type}/<{info.object_choice.label} ID> (the wizard lists them by name)."
        for info in app_providers()
        if info.object_choice is not None
    )


def configure_app_object_field(field: forms.Field, connection: Connection | None) -> None:
    """Give the form's ``app_object_type`` field the widget (and help) that fits ``connection``."""
    base_help = Connection._meta.get_field("app_object_type").help_text
    account = connection.app_account if connection is not None and connection.app_account_id else None
    if connection is not None and connection.pk and offers_objects(account):
        offer = object_offer(account)
        if offer.problem:
            field.widget = forms.TextInput()
            field.help_text = f"{offer.problem} Type it meanwhile: {_container_formats()}"
            return
        choices = [(object_type, f"{name} ({object_type})") for object_type, name in offer.choices]
        current = connection.app_object_type
        if current and current not in dict(offer.choices):
            choices.append((current, f"{current} (not listed by {account.provider_info.label} now)"))
        field.widget = forms.Select(choices=[("", "—"), *choices] if not current else choices)
        field.help_text = offer.help
        return
    if connection is None or not connection.pk:
        field.widget = SuggestingInput(company_object_choices())
        field.help_text = " ".join(
            part for part in (base_help, _container_formats(), "A wrong pair is refused on save.") if part
        )
        return
    field.widget = forms.Select(choices=[DEFAULT_CHOICE, *company_object_choices()])
