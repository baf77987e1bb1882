"""Google Contacts registers itself (see :mod:`connections.providers.registry`): OAuth sign-in, the
People API client, its standard catalog and default mappings, and where our key lives (clientData)."""

from __future__ import annotations

from urllib.parse import quote

from ..base import Provider, Record
from ..registry import ApiLimits, Capabilities, ClientContext, OAuthConnect, OAuthGrant, ProviderInfo, register
from .batching import BATCH_CREATE_LIMIT, BATCH_GET_LIMIT
from .client import OBJECT_TYPE, GoogleContactsClient
from .defaults import DEFAULT_MAPPINGS, DEFAULT_RULE_CONDITIONS
from .oauth import GoogleOAuthEndpoints, authorization_url, exchange_code
from .standard_catalog import standard_catalog
from .translation import IDEMPOTENCY_KEY

KEY = "google_contacts"


def oauth_client() -> tuple[str, str]:
    """The OAuth client (id, secret) the product uses for Google accounts (settings)."""
    from django.conf import settings

    return settings.GOOGLE_CLIENT_ID, settings.GOOGLE_CLIENT_SECRET


def build_client(context: ClientContext) -> Provider:
    """A People API client; refreshed tokens go to ``context.store_credentials``."""
    client_id, client_secret = oauth_client()
    return GoogleContactsClient(
        context.account_id,
        context.credentials,
        client_id=client_id,
        client_secret=client_secret,
        base_url=context.base_url,
        token_updater=context.store_credentials,
        timeout=context.timeout,
    )


def consent_url(base_url: str | None, client_id: str, redirect_uri: str, state: str) -> str:
    """Google's consent page (or the sandbox's, under ``base_url``)."""
    return authorization_url(GoogleOAuthEndpoints.for_base_url(base_url), client_id, redirect_uri, state)


def finish_sign_in(
    base_url: str | None, client_id: str, client_secret: str, code: str, redirect_uri: str
) -> OAuthGrant:
    """Trade the code for tokens, then ask Google which account granted them (and that its contacts
    can be read). A token refreshed during the check is kept in the tokens stored with the account."""
    tokens = exchange_code(GoogleOAuthEndpoints.for_base_url(base_url), client_id, client_secret, code, redirect_uri)
    client = GoogleContactsClient(
        "", tokens, client_id=client_id, client_secret=client_secret, base_url=base_url, token_updater=tokens.update
    )
    try:
        facts = client.verify()
    finally:
        client.close()
    return OAuthGrant(account_id=facts.get("email") or "", credentials=tokens)


def sync_key_of(record: Record) -> str:
    """Our key on a Google contact: its clientData entry ``contactsync_key``."""
    client_data = (record.meta or {}).get("client_data") or {}
    key = client_data.get(IDEMPOTENCY_KEY) if isinstance(client_data, dict) else None
    return str(key or "")


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _first(values: dict, key: str) -> dict:
    items = values.get(key)
    if isinstance(items, list) and items and isinstance(items[0], dict):
        return items[0]
    return {}


def person_name(values: dict) -> str:
    """Given and family name (flattened values), the name as shown, or a raw person's ``names``."""
    person = " ".join(p for p in (_text(values.get("givenName")), _text(values.get("familyName"))) if p)
    person = person or _text(values.get("name"))
    if person:
        return person
    names = _first(values, "names")
    return _text(names.get("displayName")) or " ".join(
        p for p in (_text(names.get("givenName")), _text(names.get("familyName"))) if p
    )


def company_name(values: dict) -> str:
    """The organization's name (flattened values, or a raw person's ``organizations``)."""
    return _text(values.get("organization.name")) or _text(_first(values, "organizations").get("name"))


def record_url(account_id: str, api_base_url: str, object_type: str, record_id: str) -> str:
    """Google Contacts' page of the person ``people/<id>``: ``https://contacts.google.com/person/<id>``.
    With an API base URL override (a sandbox) the person's JSON instead."""
    if not record_id:
        return ""
    person = record_id.removeprefix("people/")
    if api_base_url:
        return f"{api_base_url.rstrip('/')}/v1/people/{quote(person)}?personFields=names,emailAddresses"
    return f"https://contacts.google.com/person/{quote(person)}"


INFO = register(
    ProviderInfo(
        key=KEY,
        label="Google Contacts",
        account_id_label="Google account",
        account_id_help="The Google account's email address, filled in when the account is connected.",
        build_client=build_client,
        oauth=OAuthConnect(
            slug="google",
            brand="Google",
            client=oauth_client,
            client_settings=("GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET"),
            authorization_url=consent_url,
            finish=finish_sign_in,
            base_url_help="Leave empty for the real Google. For the local sandbox: http://127.0.0.1:8802",
        ),
        object_types=(OBJECT_TYPE,),
        standard_catalog=standard_catalog,
        default_mappings=DEFAULT_MAPPINGS,
        default_rule_conditions=DEFAULT_RULE_CONDITIONS,
        sync_key_of=sync_key_of,
        person_name=person_name,
        company_name=company_name,
        record_url=record_url,
        record_url_label="Google",
        record_noun="the Google contact",
        capabilities=Capabilities(
            read_batch=BATCH_GET_LIMIT,
            write_batch=BATCH_CREATE_LIMIT,
            deletion_mark="group",
            groups=True,
            # connections.list pages of 1,000, one request at a time. The per-minute quotas are a project's
            # setting, not a fixed figure: left out (the benchmark turns them off in its sandbox).
            limits=ApiLimits(full_read_page=1000, change_read_page=1000),
        ),
        vocabulary=frozenset(
            {
                "clientData",
                "client_data",
                "contactsync_key",
                "contactGroups",
                "contactGroup",
                "create_contact_group",
                "memberships",
                "resourceName",
                "resourceNames",
                "emailAddresses",
                "phoneNumbers",
                "givenName",
                "familyName",
                "displayName",
                "organizations",
                "organization.name",
                "organization.title",
                "userDefined",
                "personFields",
                "people/",
                "syncToken",
                "google_contacts",
                "GOOGLE_CONTACTS",
            }
        ),
    )
)
