"""The registry of providers: which apps the product can connect, and how.

Like NetBox's data backends, a :class:`ConnectedAccount` stores only the
provider's key, its account id and its (encrypted) credentials; the registry
says which credentials a provider needs and builds its client on demand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module


@dataclass(frozen=True)
class CredentialField:
    """One credential a person types in (always write-only in the admin)."""

    name: str
    label: str
    help: str = ""


@dataclass(frozen=True)
class ProviderInfo:
    """What the product knows about one provider."""

    key: str
    label: str
    account_id_label: str
    account_id_help: str
    is_netsuite: bool = False
    credential_fields: tuple[CredentialField, ...] = field(default_factory=tuple)
    client_path: str = ""  # "package.module:Class", imported lazily

    def client_class(self) -> Callable:
        module, _, name = self.client_path.partition(":")
        return getattr(import_module(module), name)


NETSUITE = "netsuite"
GOOGLE_CONTACTS = "google_contacts"

PROVIDERS: dict[str, ProviderInfo] = {
    NETSUITE: ProviderInfo(
        key=NETSUITE,
        label="NetSuite",
        account_id_label="Account ID",
        account_id_help="As in Setup > Company > Company Information, e.g. 1234567 or 1234567_SB1 for a sandbox.",
        is_netsuite=True,
        credential_fields=(
            CredentialField("consumer_key", "Consumer Key", "From the integration record."),
            CredentialField("consumer_secret", "Consumer Secret", "From the integration record."),
            CredentialField("token_id", "Token ID", "From the access token (Setup > Users/Roles > Access Tokens)."),
            CredentialField("token_secret", "Token Secret", "From the access token."),
        ),
        client_path="connections.providers.netsuite:NetSuiteClient",
    ),
    GOOGLE_CONTACTS: ProviderInfo(
        key=GOOGLE_CONTACTS,
        label="Google Contacts",
        account_id_label="Google account",
        account_id_help="The Google account's email address, filled in when the account is connected.",
        client_path="connections.providers.google_contacts:GoogleContactsClient",
    ),
}


def provider_choices() -> list[tuple[str, str]]:
    return [(key, info.label) for key, info in PROVIDERS.items()]


def app_provider_keys() -> list[str]:
    """Providers NetSuite can sync with (everything but NetSuite itself)."""
    return [key for key, info in PROVIDERS.items() if not info.is_netsuite]


def get_provider(key: str) -> ProviderInfo:
    try:
        return PROVIDERS[key]
    except KeyError:
        raise LookupError(f"Unknown provider {key!r}.") from None
