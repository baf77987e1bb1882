"""The registry of providers: every app the product can connect, and everything app-specific about it.

Like NetBox's data backends, a :class:`ConnectedAccount` stores only the
provider's key, its account id and its (encrypted) credentials; the
registry says the rest. Each app registers itself from its own package
(``connections/providers/<app>/provider.py`` calls :func:`register`), and
the packages to load are listed in the setting ``SYNC_PROVIDERS``: adding an
app is its package plus that one line. The engine, mappings, rules, the
wizard and the admin ask the registry; none of them names an app's field or
API concept (``tests/foundation/test_app_vocabulary.py`` scans for it).

What an app registers (:class:`ProviderInfo`):

- how its client is built (:attr:`~ProviderInfo.build_client`, from a :class:`ClientContext`);
- its connect flow: credential fields a person types, or an OAuth redirect and callback (:class:`OAuthConnect`);
- the object types it syncs, its standard field catalog per object type, and its default
  mappings and default rule conditions per NetSuite contact type;
- where our sync key lives on its records (:attr:`~ProviderInfo.sync_key_of`);
- its capabilities (:class:`Capabilities`): batch sizes, how "mark deleted" is done,
  contact groups, subscription status, and where that status lives (:class:`SubscriptionField`);
- how a record's display name and its URL in the app are derived;
- its vocabulary: the field and API concept names no code outside its package may name.

No ORM here and no Django import at module level: the settings are read when
the registry is first used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .base import Provider, Record
    from .capabilities import Capabilities as Refusals
    from .fields import FieldSpec


@dataclass(frozen=True)
class CredentialField:
    """One credential a person types in (always write-only in the admin)."""

    name: str
    label: str
    help: str = ""


@dataclass(frozen=True)
class ClientContext:
    """What the caller (``connections.clients``) hands a provider to build a client: the account's
    id, decrypted credentials and base URL, the settings that apply, and the hooks that store what
    the client learns (refreshed tokens, refusals) in the database."""

    account_id: str
    credentials: dict[str, Any]
    base_url: str | None
    timeout: float
    interactive: bool = False  # a person waits for the answer (a credential check in a form)
    interactive_timeout: float = 10.0
    concurrency_limit: int = 1
    capabilities: Refusals | None = None
    store_credentials: Callable[[dict], None] | None = None
    # The account's concurrency slots shared across processes (``connections.slots``), for an API whose
    # limit is per account; None: the client caps itself in memory.
    shared_slots: Callable[[], Any] | None = None


@dataclass(frozen=True)
class OAuthGrant:
    """What a finished OAuth sign-in gives: the account's id (an email) and the tokens to store."""

    account_id: str
    credentials: dict[str, Any]


@dataclass(frozen=True)
class OAuthConnect:
    """An app connected by OAuth sign-in rather than typed credentials.

    ``slug`` names the admin URLs (``admin:connections_<slug>_connect`` and ``_callback``) and the
    query parameter the wizard gets back (``<slug>_account``); ``brand`` is how people name the
    sign-in ("Google"); ``template`` is the start page (one for all apps by default). ``client()`` is
    the product's OAuth client (id, secret) from the settings, ``client_settings`` their setting names
    (for the error when they are unset). ``authorization_url(base_url, client_id, redirect_uri, state)``
    is the consent page;
    ``finish(base_url, client_id, client_secret, code, redirect_uri)`` trades the code for tokens and
    asks the app which account granted them (raises a ``ProviderError`` on failure).
    """

    slug: str
    brand: str
    client: Callable[[], tuple[str, str]]
    client_settings: tuple[str, str]
    authorization_url: Callable[[str | None, str, str, str], str]
    finish: Callable[[str | None, str, str, str, str], OAuthGrant]
    base_url_help: str = ""
    template: str = "admin/connections/connectedaccount/connect_oauth.html"


@dataclass(frozen=True)
class ObjectChoice:
    """An app whose every connection syncs one of its containers (a mailing list), chosen from those the
    account has: the connection's object type names the container (``<kind>/<id>``, see
    :attr:`ProviderInfo.object_kind`). ``label`` is how people name one ("List"); ``choices(client)`` lists
    ``(object type, name)`` as the account has them now (a ``ProviderError`` when the app cannot say)."""

    label: str
    help: str
    choices: Callable[[Provider], list[tuple[str, str]]]


@dataclass(frozen=True)
class ApiLimits:
    """An app's published request limits, from which the least time of a run is computed (the benchmark's
    model, ``devtools/bench/figures.py``; docs/benchmarks.md). Plain figures from the app's reference.

    ``full_read_page`` and ``change_read_page``: records per request of a first, full read and of a read
    of changes since a cursor; ``change_read_extra``: requests every read since a cursor adds whatever
    changed (a deletions query, a recycle bin); ``concurrency``: requests in flight at once (None: the
    account's own setting, as NetSuite's); ``window_requests`` per rolling ``window_s`` seconds, for every
    request; ``change_reads_per_s``: a per-second limit of the change reads alone (a search API's own);
    ``update_batch``: records per update request, when the app's batch is for creates only (1: one call a
    record; None: the write batch, ``Capabilities.write_batch``). None: no such limit.
    """

    full_read_page: int = 1
    change_read_page: int = 1
    change_read_extra: int = 0
    concurrency: int | None = 1
    window_requests: int | None = None
    window_s: float = 0.0
    change_reads_per_s: int | None = None
    update_batch: int | None = None


@dataclass(frozen=True)
class Capabilities:
    """What an app can do, as the engine, rules and wizard need to know it.

    ``deletion_mark`` says how "mark deleted" is done: ``"inactive_flag"`` (a flag on the record),
    ``"group"`` (moved to a group), ``"tag"``, or ``""`` (the app cannot mark). ``groups``: the app
    has contact groups (a field of type ``groups``, offered as rule actions). ``subscription_status``:
    records carry a subscription status. ``double_opt_in``: the app can add a new subscriber as *pending*,
    asked by the app to confirm first (a connection's ``double_opt_in``). ``limits``: its published request
    limits (:class:`ApiLimits`).
    """

    read_batch: int = 1
    write_batch: int = 1
    deletion_mark: str = ""
    groups: bool = False
    subscription_status: bool = False
    double_opt_in: bool = False
    limits: ApiLimits = field(default_factory=ApiLimits)


@dataclass(frozen=True)
class DefaultMapping:
    """One default mapping: a NetSuite field, an app field and the direction values flow
    (``two_way``, ``to_app``, ``to_netsuite``: the values of ``mappings.choices.Direction``)."""

    netsuite_field: str
    app_field: str
    direction: str = "two_way"


@dataclass(frozen=True)
class DefaultCondition:
    """One condition of a default rule: a field of the rule's source side and an operator (no value)."""

    field_id: str
    operator: str


SUBSCRIBED = "subscribed"
UNSUBSCRIBED = "unsubscribed"


@dataclass(frozen=True)
class SubscriptionField:
    """Where an app keeps a record's email subscription status, and how the sync reads and writes it.

    ``field_id`` is a field of the object type's catalog. ``state_of(value)`` reads one of its values as
    :data:`SUBSCRIBED`, :data:`UNSUBSCRIBED` or ``""`` (not known: never asked, no status). The sync only
    ever writes "unsubscribed": ``unsubscribe_value(spec)`` is the value that says it, from the field's
    catalog entry (its options), or None when the catalog does not offer it. An app may count several
    values as unsubscribed, but writes only this one; ``reason_of(value)`` then says which, for the outcome
    ("cleaned in Mailchimp (bounced)"; '' or no ``reason_of``: "unsubscribed in <app>").
    """

    field_id: str
    state_of: Callable[[Any], str]
    unsubscribe_value: Callable[[FieldSpec], Any]
    unsubscribe_label: str = "unsubscribed"  # how a message names the value written ("Soft Opt-Out")
    reason_of: Callable[[Any], str] | None = None


def _no_subscription_field(object_type: str) -> SubscriptionField | None:
    return None


def _same(object_type: str) -> str:
    return object_type


def _no_catalog(object_type: str) -> tuple:
    raise LookupError(f"no static catalog for object type {object_type!r}")


def _nothing(*args: Any) -> str:
    return ""


def _no_match_values(values: dict) -> tuple[str, str, str]:
    return ("", "", "")


@dataclass(frozen=True)
class ProviderInfo:
    """Everything the product knows about one provider (see the module docstring)."""

    key: str
    label: str
    account_id_label: str
    account_id_help: str
    is_netsuite: bool = False
    credential_fields: tuple[CredentialField, ...] = field(default_factory=tuple)
    build_client: Callable[[ClientContext], Provider] | None = None
    oauth: OAuthConnect | None = None
    object_types: tuple[str, ...] = ("contacts",)
    # The registered object type (of ``object_types``) that a connection's object type is one of: itself, or
    # for an app with an :attr:`object_choice` the kind of the chosen container (``<kind>`` of ``<kind>/<id>``).
    object_kind: Callable[[str], str] = _same
    # Set when every connection names one of the app's containers (:class:`ObjectChoice`).
    object_choice: ObjectChoice | None = None
    # The object types whose records are companies (synced with NetSuite Company Customers, paired by
    # domain and name rather than email).
    company_object_types: frozenset[str] = frozenset()
    # A company record's match values from its values: (website or domain, email, name); raw, the engine
    # normalises them (``syncengine.match_keys``). For NetSuite: a Company Customer's.
    company_match_values: Callable[[dict], tuple[str, str, str]] = _no_match_values
    # The fields of its person object types whose value is a link to one of its company records (a HubSpot
    # contact's associated company): the engine translates them through a company connection's links.
    company_reference_fields: frozenset[str] = frozenset()
    # The static standard fields of an object type (LookupError for one it does not know).
    standard_catalog: Callable[[str], tuple[FieldSpec, ...]] = _no_catalog
    object_type_label: Callable[[str], str] = str
    # Which usual fields an object type lacks, and why ("" when it lacks none).
    absent_fields_note: Callable[[str], str] = _nothing
    # Per NetSuite contact type: the default mappings of a connection with this app's default object; per
    # (contact type, object type) for another object (Company Customers ⇄ companies).
    default_mappings: Mapping[str | tuple[str, str], tuple[DefaultMapping, ...]] = field(default_factory=dict)
    # Per (NetSuite contact type, direction), or (contact type, direction, object type) for another object
    # than the default one: the conditions of the default rule.
    default_rule_conditions: Mapping[tuple[str, ...], tuple[DefaultCondition, ...]] = field(default_factory=dict)
    # Our sync key on a record of this app ("" when the record carries none).
    sync_key_of: Callable[[Record], str] = _nothing
    # A record's person name and company name from its values ("" when none).
    person_name: Callable[[dict], str] = _nothing
    company_name: Callable[[dict], str] = _nothing
    # (account id, API base URL override, object type, record id) -> the record's page in the app.
    record_url: Callable[[str, str, str, str], str] = _nothing
    record_url_label: str = ""
    record_noun: str = ""  # "the Google contact"; "" = "the <label> record"
    capabilities: Capabilities = field(default_factory=Capabilities)
    # Per object type: where a record's email subscription status lives (None: it has none). Asked only for
    # an app whose capabilities say ``subscription_status``.
    subscription_field: Callable[[str], SubscriptionField | None] = _no_subscription_field
    # Field and API concept names that belong to this app only: no product code outside its package names them.
    vocabulary: frozenset[str] = frozenset()

    @property
    def default_object_type(self) -> str:
        """The object type its records are read and written as (the first one it syncs)."""
        return self.object_types[0]

    def defaults_key(self, contact_type: str, object_type: str = "", *rest: str) -> tuple[str, ...] | str:
        """The key of :attr:`default_mappings` (no ``rest``) or :attr:`default_rule_conditions` (``rest``: the
        direction) for NetSuite ``contact_type`` records synced with ``object_type`` ('' = the default)."""
        object_type = self.object_kind(object_type) if object_type else ""
        other = bool(object_type) and object_type != self.default_object_type
        if not rest:
            return (contact_type, object_type) if other else contact_type
        return (contact_type, *rest, object_type) if other else (contact_type, *rest)

    def object_type_problem(self, object_type: str) -> str:
        """Why a connection cannot sync ``object_type`` of this app ('' = the app's default), or ''."""
        kind = self.object_kind(object_type) if object_type else self.default_object_type
        if kind not in self.object_types:
            return f"{self.label} has no object {object_type!r} to sync; choose {', '.join(self.object_types)}."
        if self.object_choice is not None and object_type in ("", kind):  # the kind, not one of its containers
            noun = self.object_choice.label.lower()
            return f"A {self.label} connection syncs one {noun}: choose the {noun}."
        return ""

    def make_client(self, context: ClientContext) -> Provider:
        """A client of this app for one account (see :class:`ClientContext`)."""
        if self.build_client is None:
            raise LookupError(f"No client for provider {self.key!r}.")
        return self.build_client(context)


NETSUITE = "netsuite"

# The provider packages loaded when the setting SYNC_PROVIDERS is not available (no Django settings).
_DEFAULT_PACKAGES = ("connections.providers.netsuite",)


class _Registry(Mapping[str, ProviderInfo]):
    """The registered providers by key, in registration order; loads the packages of
    ``settings.SYNC_PROVIDERS`` on first use (each package's ``provider`` module registers itself)."""

    def __init__(self) -> None:
        self._providers: dict[str, ProviderInfo] = {}
        self._loaded = False
        self._loading = False

    def register(self, info: ProviderInfo) -> ProviderInfo:
        if info.key in self._providers and self._providers[info.key] is not info:
            raise ValueError(f"provider {info.key!r} is registered twice")
        self._providers[info.key] = info
        return info

    def _load(self) -> None:
        if self._loaded or self._loading:
            return
        self._loading = True
        try:
            for package in _packages():
                import_module(f"{package}.provider")
            self._loaded = True
        finally:
            self._loading = False

    def __getitem__(self, key: str) -> ProviderInfo:
        self._load()
        return self._providers[key]

    def __iter__(self) -> Iterator[str]:
        self._load()
        return iter(list(self._providers))

    def __len__(self) -> int:
        self._load()
        return len(self._providers)


def _packages() -> tuple[str, ...]:
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        return tuple(settings.SYNC_PROVIDERS)
    except (ImproperlyConfigured, AttributeError):  # no settings (a pure script), or no such setting
        return _DEFAULT_PACKAGES


PROVIDERS = _Registry()


def register(info: ProviderInfo) -> ProviderInfo:
    """Register an app (called once, from its package's ``provider`` module); returns ``info``."""
    return PROVIDERS.register(info)


def provider_choices() -> list[tuple[str, str]]:
    return [(key, info.label) for key, info in PROVIDERS.items()]


def app_provider_keys() -> list[str]:
    """Providers NetSuite can sync with (everything but NetSuite itself)."""
    return [key for key, info in PROVIDERS.items() if not info.is_netsuite]


def app_providers() -> list[ProviderInfo]:
    """The apps NetSuite can sync with, in registration order."""
    return [info for info in PROVIDERS.values() if not info.is_netsuite]


def oauth_providers() -> list[ProviderInfo]:
    """The providers connected by OAuth sign-in."""
    return [info for info in PROVIDERS.values() if info.oauth is not None]


def get_provider(key: str) -> ProviderInfo:
    try:
        return PROVIDERS[key]
    except KeyError:
        raise LookupError(f"Unknown provider {key!r}.") from None


def app_object_type(provider: str) -> str:
    """The object type an app's records are read and written as (``contacts``); ``contacts`` for an
    unknown provider."""
    info = PROVIDERS.get(provider)
    return info.default_object_type if info is not None else "contacts"


def is_company_object(provider: str, object_type: str) -> bool:
    """Whether ``object_type`` of ``provider`` holds companies (see ``ProviderInfo.company_object_types``)."""
    info = PROVIDERS.get(provider)
    return info is not None and object_type in info.company_object_types


def company_object_choices() -> list[tuple[str, str]]:
    """The apps' company objects as ``(object type, "companies (HubSpot)")``: what a Company Customers
    connection can sync with besides an app's contacts."""
    found: dict[str, list[str]] = {}
    for info in app_providers():
        for object_type in sorted(info.company_object_types):
            found.setdefault(object_type, []).append(info.label)
    return [(object_type, f"{object_type} ({', '.join(apps)})") for object_type, apps in found.items()]


def static_catalog(provider: str, object_type: str) -> tuple[FieldSpec, ...]:
    """The standard fields the product knows without asking the provider; empty for an app without them."""
    info = PROVIDERS.get(provider)
    if info is None:
        return ()
    try:
        return info.standard_catalog(object_type)
    except LookupError:
        return ()


def subscription_field(provider: str, object_type: str) -> SubscriptionField | None:
    """Where records of ``object_type`` of ``provider`` keep their email subscription status (None: nowhere,
    or the app has no subscription status)."""
    info = PROVIDERS.get(provider)
    if info is None or not info.capabilities.subscription_status:
        return None
    return info.subscription_field(object_type)


def sync_key_of(record: Record) -> str:
    """Our key on a record we created, wherever its app keeps it; '' when none.

    The record does not say which app it comes from (the mirror stores both sides alike), and a
    record carries the key of its own app only: the first key any provider finds is the one."""
    for info in PROVIDERS.values():
        key = info.sync_key_of(record)
        if key:
            return key
    return ""


def display_name(values: dict) -> str:
    """A record's name from the values read from its app: a person's name if any app finds one,
    else a company's name; "" when there is none."""
    if not isinstance(values, dict):
        return ""
    for namer in ("person_name", "company_name"):
        for info in PROVIDERS.values():
            name = getattr(info, namer)(values)
            if name:
                return name
    return ""


def mark_deleted(client: Provider, object_type: str, requests: list) -> list:
    """Mark records deleted in ``client``'s app the way that app does it (an inactive flag, a group):
    :meth:`Provider.mark_deleted`. For the runner (issue 16 item 1)."""
    return client.mark_deleted(object_type, requests)
