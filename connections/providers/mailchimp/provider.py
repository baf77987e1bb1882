"""Mailchimp registers itself (see :mod:`connections.providers.registry`): an API key typed in the account
form, the Marketing API client, one audience per connection (its object type ``audience/<list id>``), the
audience's catalog and default mappings, and the member's status as the unsubscribe policy's field.

Our sync key lives nowhere on a member: a member's id is the hash of its email, so Mailchimp itself keeps an
audience free of duplicates, and a create that was sent but not recorded (a crash) comes back as "Member
Exists" and is linked to the member it made (:mod:`.writes`).
"""

from __future__ import annotations

from urllib.parse import quote

from ..base import Provider
from ..errors import ValidationError
from ..registry import ApiLimits, Capabilities, ClientContext, CredentialField, ObjectChoice, ProviderInfo, register
from .catalog import MERGE_PREFIX, STANDARD_FIELDS, USUAL_MERGE_FIELDS
from .client import API_KEY, PAGE, MailchimpClient
from .defaults import DEFAULT_MAPPINGS, DEFAULT_RULE_CONDITIONS
from .objects import AUDIENCE, list_id_of, object_kind, object_type_label
from .parallel import CONNECTIONS
from .subscriptions import FIELD as SUBSCRIPTION_FIELD
from .writes import BATCH

KEY = "mailchimp"


def build_client(context: ClientContext) -> Provider:
    """A Mailchimp client; ``interactive`` (a person waits in a form) means one short attempt, no retries."""
    return MailchimpClient(
        context.account_id,
        context.credentials,
        base_url=context.base_url,
        timeout=context.interactive_timeout if context.interactive else context.timeout,
        **({"max_retries": 0} if context.interactive else {}),
    )


def standard_catalog(object_type: str) -> tuple:
    """An audience's fields before its own catalog is fetched: the member's fields and the usual merge fields."""
    if object_kind(object_type) != AUDIENCE:
        raise LookupError(f"Mailchimp has no object {object_type!r}")
    return (*STANDARD_FIELDS, *USUAL_MERGE_FIELDS)


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def person_name(values: dict) -> str:
    """The member's first and last name merge fields."""
    parts = (_text(values.get(f"{MERGE_PREFIX}FNAME")), _text(values.get(f"{MERGE_PREFIX}LNAME")))
    return " ".join(p for p in parts if p)


def record_url(account_id: str, api_base_url: str, object_type: str, record_id: str) -> str:
    """The member's JSON under an API base URL override (a sandbox). Mailchimp's own member page is addressed by
    a web id the API does not give with the member (UNCERTAIN): none then."""
    if not record_id or not api_base_url:
        return ""
    try:
        list_id = list_id_of(object_type)
    except ValidationError:
        return ""
    return f"{api_base_url.rstrip('/')}/lists/{quote(list_id)}/members/{quote(record_id)}"


def audience_choices(client: Provider) -> list[tuple[str, str]]:
    """The account's audiences, as the wizard offers them."""
    return client.audience_choices()  # type: ignore[attr-defined]


INFO = register(
    ProviderInfo(
        key=KEY,
        label="Mailchimp",
        account_id_label="Mailchimp account name",
        account_id_help="A name for this Mailchimp account, as your team knows it (e.g. the organisation's name).",
        credential_fields=(
            CredentialField(
                API_KEY,
                "API key",
                "From Mailchimp: Profile > Extras > API keys. The whole key, with its data centre (…-us14).",
            ),
        ),
        build_client=build_client,
        object_types=(AUDIENCE,),
        object_kind=object_kind,
        object_choice=ObjectChoice(
            label="Audience",
            help="A Mailchimp connection keeps NetSuite in sync with the members of one audience.",
            choices=audience_choices,
        ),
        standard_catalog=standard_catalog,
        object_type_label=object_type_label,
        default_mappings=DEFAULT_MAPPINGS,
        default_rule_conditions=DEFAULT_RULE_CONDITIONS,
        person_name=person_name,
        record_url=record_url,
        record_url_label="Mailchimp",
        record_noun="the Mailchimp member",
        capabilities=Capabilities(
            read_batch=PAGE,
            write_batch=BATCH,
            # Archiving: Mailchimp keeps the member's history and it can join again (never a permanent delete).
            deletion_mark="archive",
            # A member's tags are its groups: rule actions add and remove them (.tag_writes).
            groups=True,
            subscription_status=True,
            double_opt_in=True,
            # 1,000 members a page; a read since a cursor also lists the members archived since; 10 requests
            # in flight per account, no published quota (reference C.3, C.7). New members go 500 a batch
            # subscribe (write_batch); a change is one PATCH a member, side by side up to the 10 (C.2): a batch
            # with update_existing must send each member's status, and could re-subscribe someone who
            # unsubscribed after the read (writes.py never sends a status but the policy's unsubscribe).
            limits=ApiLimits(
                full_read_page=PAGE,
                change_read_page=PAGE,
                change_read_extra=1,
                concurrency=CONNECTIONS,
                update_batch=1,
            ),
        ),
        subscription_field=lambda object_type: SUBSCRIPTION_FIELD if object_kind(object_type) == AUDIENCE else None,
        vocabulary=frozenset(
            {"email_address", API_KEY, AUDIENCE, "merge_fields", "list_id", "subscriber_hash", "status_if_new"}
        ),
    )
)
