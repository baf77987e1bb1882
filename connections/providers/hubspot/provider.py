"""HubSpot registers itself (see :mod:`connections.providers.registry`): a private app's access token typed
in the account form, the CRM API client, its standard catalog and default mappings, and where our key
lives (a custom property)."""

from __future__ import annotations

from urllib.parse import quote

from ..base import Provider, Record
from ..registry import ApiLimits, Capabilities, ClientContext, CredentialField, ProviderInfo, register
from .associations import COMPANY_FIELD, COMPANY_REFERENCE_FIELDS
from .batching import BATCH_LIMIT
from .catalog import standard_catalog
from .client import TOKEN, HubSpotClient
from .cursor import LIST_PAGE_LIMIT, SEARCH_PAGE_LIMIT
from .defaults import DEFAULT_MAPPINGS, DEFAULT_RULE_CONDITIONS
from .objects import COMPANIES, CONTACTS, SYNC_KEY_PROPERTY
from .subscriptions import FIELD as SUBSCRIPTION_FIELD
from .subscriptions import OPTED_OUT_OF_ALL, subscription_field
from .translation import META_SYNC_KEY
from .transport import SEARCH_PER_SECOND, TEN_SECOND_LIMIT

KEY = "hubspot"


def build_client(context: ClientContext) -> Provider:
    """A HubSpot client; ``interactive`` (a person waits in a form) means one short attempt, no retries."""
    return HubSpotClient(
        context.account_id,
        context.credentials,
        base_url=context.base_url,
        timeout=context.interactive_timeout if context.interactive else context.timeout,
        **({"max_retries": 0} if context.interactive else {}),
    )


def sync_key_of(record: Record) -> str:
    """Our key on a HubSpot record: its sync key property, as read."""
    return str((record.meta or {}).get(META_SYNC_KEY) or "")


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def person_name(values: dict) -> str:
    """First and last name."""
    return " ".join(p for p in (_text(values.get("firstname")), _text(values.get("lastname"))) if p)


def company_name(values: dict) -> str:
    """A contact's company name (contacts), or a company's name (companies)."""
    return _text(values.get("company")) or _text(values.get("name"))


def company_match_values(values: dict) -> tuple[str, str, str]:
    """A HubSpot company's match values: its domain (else its website), no email, and its name."""
    return _text(values.get("domain")) or _text(values.get("website")), "", _text(values.get("name"))


def record_url(account_id: str, api_base_url: str, object_type: str, record_id: str) -> str:
    """HubSpot's page of the record (``https://app.hubspot.com/contacts/<hub id>/record/0-1/<id>``); with an
    API base URL override (a sandbox), the record's JSON instead. The UI path is not in the reference:
    UNCERTAIN (HubSpot's object type ids 0-1 contacts, 0-2 companies)."""
    if not record_id:
        return ""
    if api_base_url:
        return f"{api_base_url.rstrip('/')}/crm/v3/objects/{quote(object_type)}/{quote(record_id)}"
    if not account_id:
        return ""
    type_id = "0-1" if object_type == CONTACTS else "0-2"
    return f"https://app.hubspot.com/contacts/{quote(account_id)}/record/{type_id}/{quote(record_id)}"


INFO = register(
    ProviderInfo(
        key=KEY,
        label="HubSpot",
        account_id_label="HubSpot account ID",
        account_id_help="The account's Hub ID (shown in HubSpot under the account name).",
        credential_fields=(
            CredentialField(
                TOKEN,
                "Private app access token",
                "From HubSpot: Settings > Integrations > Private apps (Legacy apps), with the CRM contacts and "
                "companies read and write scopes and the schema scopes to create a property.",
            ),
        ),
        build_client=build_client,
        # Contacts are what connections sync today; companies are read and written by the same client.
        object_types=(CONTACTS, COMPANIES),
        company_object_types=frozenset({COMPANIES}),
        company_match_values=company_match_values,
        standard_catalog=standard_catalog,
        default_mappings=DEFAULT_MAPPINGS,
        default_rule_conditions=DEFAULT_RULE_CONDITIONS,
        sync_key_of=sync_key_of,
        person_name=person_name,
        company_name=company_name,
        record_url=record_url,
        record_url_label="HubSpot",
        record_noun="the HubSpot contact",
        capabilities=Capabilities(
            read_batch=BATCH_LIMIT,
            write_batch=BATCH_LIMIT,
            deletion_mark="",
            subscription_status=True,
            # A first read lists 100 a page, later ones search 200 a page (5 searches a second) and list the
            # recycle bin; a Professional private app's 190 requests per rolling 10 s (reference B.3, B.8).
            limits=ApiLimits(
                full_read_page=LIST_PAGE_LIMIT,
                change_read_page=SEARCH_PAGE_LIMIT,
                change_read_extra=1,
                window_requests=TEN_SECOND_LIMIT,
                window_s=10.0,
                change_reads_per_s=SEARCH_PER_SECOND,
            ),
        ),
        subscription_field=subscription_field,
        # A contact's primary company association, as a field (see .associations).
        company_reference_fields=COMPANY_REFERENCE_FIELDS,
        # Words only HubSpot uses (firstname, lastname and lastmodifieddate are NetSuite's SuiteQL columns too).
        vocabulary=frozenset(
            {
                SYNC_KEY_PROPERTY,
                META_SYNC_KEY,
                TOKEN,
                "hubspot",
                "HUBSPOT",
                "mobilephone",
                "jobtitle",
                "hs_lastmodifieddate",
                "hs_object_id",
                "postal_address",
                "filterGroups",
                "idProperty",
                "correlationId",
                SUBSCRIPTION_FIELD,
                OPTED_OUT_OF_ALL,
                "communication-preferences",
                COMPANY_FIELD,
            }
        ),
    )
)
