"""The wizard's forms, one per decision, with errors worded for ops staff."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from connections.choices import NetSuiteContactType, SubscriptionSync
from connections.forms import SecretInput
from connections.models import ConnectedAccount, Subsidiary
from connections.object_choices import ObjectOffer
from connections.providers.registry import NETSUITE, PROVIDERS
from connections.validators import validate_api_base_url, validate_netsuite_account_id

CONTACT_TYPE_HELP = {
    NetSuiteContactType.COMPANY_CUSTOMERS: "Customers that are companies: the company name syncs to the contact's "
    "organization.",
    NetSuiteContactType.INDIVIDUAL_CUSTOMERS: "Customers that are people (first and last name).",
    NetSuiteContactType.CONTACTS: "Contact records: the people who work for your customers, vendors and partners.",
}


class AccountChoiceField(forms.ModelChoiceField):
    """A radio list of connected accounts, each with its account id and when it was verified."""

    widget = forms.RadioSelect

    def label_from_instance(self, obj: ConnectedAccount) -> str:
        when = timezone.localtime(obj.verified_at).strftime("%Y-%m-%d") if obj.verified_at else "never"
        name = obj.label if obj.label == obj.account_id else f"{obj.label} — {obj.account_id}"
        return f"{name} (verified {when})"


class PickAccountForm(forms.Form):
    """Use one of the connected (verified) accounts."""

    account = AccountChoiceField(
        queryset=ConnectedAccount.objects.none(),
        empty_label=None,
        label="Connected accounts",
        error_messages={
            "required": "Choose one of the connected accounts, or connect a new one.",
            "invalid_choice": "That account is no longer connected (deleted, or its last check failed). "
            "Choose another one.",
        },
    )

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = queryset


class PickAppAccountForm(PickAccountForm):
    """The app's account, and what to sync there: for Company Customers with an app that has companies, each
    company as a contact (the app's default) or the app's companies; for an app whose every connection names
    one of the account's containers (``offer``: listed live by the app), which one."""

    app_object = forms.ChoiceField(
        label="Sync Company Customers with",
        required=False,
        widget=forms.RadioSelect,
        help_text="Companies are paired by domain, then by name; an ambiguous match is logged, never guessed.",
    )
    # Which account the containers on the page were listed for: a choice made for another account is not one.
    object_for = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, company_objects: list[tuple[str, str]] = (), offer: ObjectOffer | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer = offer
        if offer is not None:
            field = self.fields["app_object"]
            field.label, field.help_text, field.required = offer.label, offer.help, True
            field.choices = [(object_type, _offered(object_type, name)) for object_type, name in offer.choices]
            field.error_messages = {
                "required": f"Choose the {offer.noun} this connection syncs.",
                "invalid_choice": f"That {offer.noun} is not among the account's now: choose one from the list.",
            }
            self.fields["object_for"].initial = offer.account_pk
        elif company_objects:
            self.fields["app_object"].choices = [
                ("", "the app's contacts (each company as a contact)"),
                *company_objects,
            ]
        else:
            del self.fields["app_object"]
            del self.fields["object_for"]

    def clean(self):
        cleaned = super().clean()
        account, wanted = cleaned.get("account"), cleaned.get("app_object") or ""
        if self.offer is not None:
            if self.offer.problem:  # above the form: a radio list without choices shows no error of its own
                self.add_error(None, self.offer.problem)
            return cleaned
        if account is not None and wanted and wanted not in account.provider_info.company_object_types:
            self.add_error(
                "app_object",
                f"{account.provider_info.label} has no {wanted}: choose its contacts, or an account of an app "
                "that has them.",
            )
        return cleaned


def _offered(object_type: str, name: str) -> str:
    """A container as the list shows it: its name and its id (the part after ``<kind>/``), which tells apart
    two of one name."""
    _, _, container_id = object_type.partition("/")
    return f"{name} (ID {container_id})" if container_id and name else name or object_type


def _credential_field(name: str, label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=True,
        widget=SecretInput(),
        help_text=help_text,
        error_messages={"required": f"Type the {label}: NetSuite needs all four credentials."},
    )


class AuthorizeNetSuiteForm(forms.Form):
    """A new NetSuite account with Token-Based Authentication (the credentials are checked live)."""

    label = forms.CharField(
        max_length=200,
        required=False,
        help_text="A name ops staff recognise; defaults to “NetSuite” and the Account ID.",
    )
    account_id = forms.CharField(
        label="Account ID",
        max_length=254,
        help_text="Setup > Company > Company Information: 1234567, or 1234567_SB1 for a sandbox.",
        error_messages={"required": "Type the NetSuite Account ID."},
    )
    api_base_url = forms.URLField(
        label="API base URL override",
        required=False,
        assume_scheme="https",
        validators=[validate_api_base_url],
        help_text="Leave empty for the real NetSuite. For the local sandbox: http://127.0.0.1:8801",
        error_messages={"invalid": "The API base URL must be a full address such as https://example.com."},
    )

    def __init__(self, *args, kept: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Secrets kept from a failed try (encrypted in the session, never rendered): an empty box keeps them.
        self.kept = {name: value for name, value in (kept or {}).items() if name in CREDENTIAL_NAMES and value}
        for name in self.kept:
            field = self.fields[name]
            field.required = False
            field.help_text = (
                f"Kept from your last try (encrypted, not shown): leave empty to use it, type to replace it. "
                f"{field.help_text}"
            )
            field.widget.attrs["placeholder"] = "kept — type to replace"

    def clean(self):
        cleaned = super().clean()
        for name, value in self.kept.items():
            if not cleaned.get(name):
                cleaned[name] = value
        return cleaned

    def typed_credentials(self) -> dict[str, str]:
        """The four secrets as they will be checked: typed ones, else the kept ones."""
        return {name: self.cleaned_data.get(name) or "" for name in CREDENTIAL_NAMES}

    def clean_account_id(self) -> str:
        value = self.cleaned_data["account_id"].strip()
        validate_netsuite_account_id(value)
        return value.upper().replace("-", "_")  # NetSuite's own form, as the model stores it


for _cred in PROVIDERS[NETSUITE].credential_fields:
    AuthorizeNetSuiteForm.base_fields[_cred.name] = _credential_field(_cred.name, _cred.label, _cred.help)
CREDENTIAL_NAMES = tuple(cred.name for cred in PROVIDERS[NETSUITE].credential_fields)
AuthorizeNetSuiteForm.field_order = ["label", "account_id", *CREDENTIAL_NAMES, "api_base_url"]


class SubsidiaryChoiceField(forms.ModelChoiceField):
    widget = forms.RadioSelect

    def label_from_instance(self, obj: Subsidiary) -> str:
        parent = f" — under {obj.parent.name}" if obj.parent_id else ""
        return f"{obj.name} (internal ID {obj.internal_id}){parent}"


class SubsidiaryForm(forms.Form):
    """The subsidiary whose records the connection syncs."""

    subsidiary = SubsidiaryChoiceField(
        queryset=Subsidiary.objects.none(),
        empty_label=None,
        error_messages={
            "required": "Choose the subsidiary whose records this connection syncs.",
            "invalid_choice": "That subsidiary cannot be used (inactive, elimination, or of another account). "
            "Choose one from the list.",
        },
    )

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subsidiary"].queryset = queryset


class ContactTypeForm(forms.Form):
    """Which NetSuite records the connection syncs."""

    contact_type = forms.ChoiceField(
        label="NetSuite contact type",
        choices=[(value, f"{label}: {CONTACT_TYPE_HELP[value]}") for value, label in NetSuiteContactType.choices],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose which NetSuite records to sync.",
            "invalid_choice": "Choose one of the three contact types.",
        },
    )


class ReviewForm(forms.Form):
    """The connection's name and how often it runs."""

    name = forms.CharField(
        max_length=200,
        help_text="Shown in lists and notifications.",
        error_messages={"required": "Give the connection a name."},
    )
    interval_minutes = forms.IntegerField(
        label="Run every (minutes)",
        initial=15,
        help_text="How often the background worker syncs it: from 1 to 1440 minutes (a day).",
        error_messages={
            "required": "Say how often the connection runs, in minutes.",
            "invalid": "Type a whole number of minutes.",
        },
    )

    subscription_sync = forms.ChoiceField(
        label="Unsubscribes",
        choices=SubscriptionSync.choices,
        initial=SubscriptionSync.OFF,
        required=False,
        help_text="Which way email unsubscribes flow. An unsubscribe always wins, nobody who opted out is "
        "re-subscribed, and NetSuite is set to Soft Opt-Out (never Confirmed Opt-Out).",
    )

    double_opt_in = forms.BooleanField(
        label="Double opt-in",
        required=False,
        help_text="Ticked: a person the sync adds to the app is first asked by the app to confirm the subscription "
        "(pending until they do). Not ticked: added as subscribed.",
    )

    def __init__(self, *args, subscriptions: bool = False, double_opt_in: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not subscriptions:  # the app keeps no subscription status for these records
            del self.fields["subscription_sync"]
        if not double_opt_in:  # the app cannot ask new subscribers to confirm
            del self.fields["double_opt_in"]

    def clean_interval_minutes(self) -> int:
        value = self.cleaned_data["interval_minutes"]
        if not 1 <= value <= 24 * 60:
            raise ValidationError("Choose an interval between 1 minute and 1440 minutes (a day).")
        return value
