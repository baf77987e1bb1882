"""NetSuite registers itself: the hub of every connection (see :mod:`connections.providers.registry`).

Everything the product must know of NetSuite's records that is not about the
connection's own concepts (subsidiary, contact type) lives here: its field
names (``isInactive``, ``externalId``, ``custentity...``), where our sync key
lives, how a record is named and opened in NetSuite's UI.
"""

from __future__ import annotations

from urllib.parse import quote

from ..base import Provider, Record
from ..registry import ApiLimits, Capabilities, ClientContext, CredentialField, ProviderInfo, register
from .contact_types import CONTACT_TYPES, CONTACTS, contact_type
from .standard_catalog import standard_catalog
from .subscriptions import FIELD as SUBSCRIPTION_FIELD
from .subscriptions import subscription_field

KEY = "netsuite"


def build_client(context: ClientContext) -> Provider:
    """A NetSuite client; ``interactive`` (a person waits) means one attempt, no retries."""
    from .client import NetSuiteClient

    return NetSuiteClient(
        context.account_id,
        context.credentials,
        base_url=context.base_url,
        concurrency_limit=context.concurrency_limit,
        timeout=context.interactive_timeout if context.interactive else context.timeout,
        capabilities=context.capabilities,
        slots=context.shared_slots() if context.shared_slots else None,
        **({"max_retries": 0} if context.interactive else {}),
    )


def sync_key_of(record: Record) -> str:
    """Our key on a NetSuite record: its externalId (we set it on every record we create)."""
    return str((record.meta or {}).get("externalId") or "")


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def person_name(values: dict) -> str:
    """First and last name."""
    return " ".join(p for p in (_text(values.get("firstName")), _text(values.get("lastName"))) if p)


def company_name(values: dict) -> str:
    """The company name, else the record's name in NetSuite's lists (entityId, altName)."""
    return _text(values.get("companyName")) or _text(values.get("entityId")) or _text(values.get("altName"))


def company_match_values(values: dict) -> tuple[str, str, str]:
    """A Company Customer's match values: its web address, its email and its company name."""
    return _text(values.get("url")), _text(values.get("email")), _text(values.get("companyName"))


def record_url(account_id: str, api_base_url: str, object_type: str, record_id: str) -> str:
    """NetSuite's UI page of the record: ``https://<account>.app.netsuite.com/app/common/entity/custjob.nl?id=N``
    (customers) or ``contact.nl?id=N`` (contacts). The account id is written in URLs in lower case with "-"
    for "_" (a sandbox "123456_SB1" is "123456-sb1"). An account with an API base URL override (a sandbox
    of ours) has no UI: its record JSON is linked instead."""
    if not record_id:
        return ""
    is_contact = object_type == CONTACTS
    if api_base_url:
        kind = "contact" if is_contact else "customer"
        return f"{api_base_url.rstrip('/')}/services/rest/record/v1/{kind}/{quote(record_id)}"
    host = (account_id or "").strip().lower().replace("_", "-")
    if not host:
        return ""
    page = "contact.nl" if is_contact else "custjob.nl"
    return f"https://{host}.app.netsuite.com/app/common/entity/{page}?id={quote(record_id)}"


def object_type_label(object_type: str) -> str:
    """``Company Customers``; an unknown object type as it is."""
    known = CONTACT_TYPES.get(object_type)
    return known.label if known is not None else object_type


def absent_fields_note(object_type: str) -> str:
    """Which usual fields a contact type lacks, and why."""
    return contact_type(object_type).absent_fields_note if object_type in CONTACT_TYPES else ""


INFO = register(
    ProviderInfo(
        key=KEY,
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
        build_client=build_client,
        object_types=tuple(CONTACT_TYPES),
        standard_catalog=standard_catalog,
        object_type_label=object_type_label,
        absent_fields_note=absent_fields_note,
        sync_key_of=sync_key_of,
        person_name=person_name,
        company_name=company_name,
        company_match_values=company_match_values,
        record_url=record_url,
        record_url_label="NetSuite",
        record_noun="the NetSuite record",
        # No batch write: one request per record, concurrent up to the account's limit.
        capabilities=Capabilities(
            read_batch=1000,
            write_batch=1,
            deletion_mark="inactive_flag",
            subscription_status=True,
            # SuiteQL pages of 1,000 rows; a read since a cursor adds the DeletedRecord query; the account's
            # concurrency limit (its setting) is the only request limit that matters at sync scale.
            limits=ApiLimits(full_read_page=1000, change_read_page=1000, change_read_extra=1, concurrency=None),
        ),
        subscription_field=subscription_field,
        vocabulary=frozenset(
            {
                "isInactive",
                "externalId",
                "custentity",
                "custrecord",
                "entityId",
                "altName",
                "isPerson",
                "lastModifiedDate",
                "addressBook",
                "custjob",
                SUBSCRIPTION_FIELD,
            }
        ),
    )
)
