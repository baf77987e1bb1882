"""Admin forms of the connections app."""

from __future__ import annotations

from django import forms

from .models import ConnectedAccount
from .providers.registry import NETSUITE, PROVIDERS


class SecretInput(forms.PasswordInput):
    """A password box that never renders a value back."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"autocomplete": "new-password", **(attrs or {})}, render_value=False)


def _credential_form_fields() -> dict[str, forms.Field]:
    """One write-only field per credential of every provider (names are unique across providers)."""
    fields = {}
    for info in PROVIDERS.values():
        for cred in info.credential_fields:
            fields[cred.name] = forms.CharField(
                label=cred.label, required=False, strip=True, widget=SecretInput(), help_text=cred.help
            )
    return fields


CREDENTIAL_FIELD_NAMES = tuple(_credential_form_fields())


class _ConnectedAccountFormBase(forms.ModelForm):
    """Account form with write-only, provider-specific credential fields.

    Each credential field is empty on display; leaving it empty on save keeps
    the stored value, typing a value replaces it. The help text shows a
    masked hint of what is stored (last 4 characters at most).
    """

    class Meta:
        model = ConnectedAccount
        fields = ["provider", "label", "account_id", "api_base_url", "concurrency_limit"]

    api_base_url = forms.URLField(
        label="API base URL override",
        required=False,
        assume_scheme="https",
        help_text=ConnectedAccount._meta.get_field("api_base_url").help_text,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk and instance.credentials_encrypted:
            for name in self.credential_field_names(instance.provider):
                hint = instance.credential_hint(name)
                if hint and name in self.fields:
                    self.fields[name].help_text += f" Stored: {hint}. Leave empty to keep it."

    def credential_field_names(self, provider: str) -> list[str]:
        return [c.name for c in PROVIDERS[provider].credential_fields] if provider in PROVIDERS else []

    #: What the API said of the typed credentials (set by :meth:`clean`, stored by the admin after saving).
    credential_check = None

    def provider_key(self) -> str:
        """The account's provider: the chosen one on a new account, the stored one afterwards (read-only)."""
        return (self.cleaned_data.get("provider") if hasattr(self, "cleaned_data") else None) or self.instance.provider

    def clean(self):
        cleaned = super().clean()
        provider = self.provider_key()
        oauth = PROVIDERS[provider].oauth if provider in PROVIDERS else None
        if oauth is not None and not self.instance.pk:
            raise forms.ValidationError(
                f"{oauth.brand} accounts are connected through {oauth.brand} sign-in: use “Connect a {oauth.brand} "
                "account” on the accounts list."
            )
        info = PROVIDERS.get(provider)
        if info is not None and info.credential_fields and info.oauth is None:
            # Typed credentials (NetSuite's four, an app's token): all of them, checked before anything is kept.
            stored = self.instance.get_credentials() if self.instance.pk and self.instance.credentials_encrypted else {}
            missing = [
                self.fields[name].label
                for name in self.credential_field_names(provider)
                if not cleaned.get(name) and not stored.get(name)
            ]
            if missing:
                needs = (
                    "NetSuite Token-Based Authentication needs all four credentials."
                    if provider == NETSUITE
                    else f"{info.label} needs its credentials."
                )
                raise forms.ValidationError(f"{needs} Missing: " + ", ".join(missing) + ".")
            self._verify_typed_credentials(cleaned, stored)
        return cleaned

    def _verify_typed_credentials(self, cleaned: dict, stored: dict) -> None:
        """Refuse credentials the API does not accept, so no connection can ever use unchecked ones.

        Runs on a new account and whenever a credential or the API address changes;
        the check is made on an unsaved copy, so a refusal stores nothing.
        """
        provider = self.provider_key()
        typed = {name: cleaned.get(name) for name in self.credential_field_names(provider) if cleaned.get(name)}
        address_changed = "api_base_url" in self.changed_data or "account_id" in self.changed_data
        if self.instance.pk and not typed and not address_changed:
            return
        if self.errors:
            return  # a field is already wrong: say that first, ask NetSuite nothing
        from .clients import BaseUrlNotAllowed
        from .services import check_credentials  # services imports the models; keep the form importable alone

        probe = ConnectedAccount(
            provider=provider,
            label=cleaned.get("label") or "",
            account_id=cleaned.get("account_id") or self.instance.account_id,
            api_base_url=cleaned.get("api_base_url") or "",
            concurrency_limit=cleaned.get("concurrency_limit") or self.instance.concurrency_limit or 1,
        )
        probe.set_credentials({**stored, **typed})
        try:
            check = check_credentials(probe, interactive=True)
        except BaseUrlNotAllowed:
            return  # the model's validator says so under the API base URL field; nothing is saved
        if not check.ok:
            raise forms.ValidationError(
                "%(app)s did not accept these credentials, so nothing was saved: %(reason)s",
                params={"app": PROVIDERS[provider].label, "reason": check.message},
                code="unverified",
            )
        self.credential_check = check

    def save(self, commit=True):
        account = super().save(commit=False)
        provider = self.provider_key()
        typed = {name: self.cleaned_data.get(name) for name in self.credential_field_names(provider)}
        if any(typed.values()):
            account.update_credentials(**typed)
            # Checked in clean(); the admin records the check (status, subsidiaries) once saved.
            account.status = "unverified"
            account.status_message = ""
        if commit:
            account.save()
        return account


ConnectedAccountForm = type(
    "ConnectedAccountForm",
    (_ConnectedAccountFormBase,),
    {"__module__": __name__, **_credential_form_fields()},
)
