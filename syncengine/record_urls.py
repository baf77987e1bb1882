"""Where a synced record opens in its own application: NetSuite's record page, Google Contacts' person
page. Pure functions of the account and the record id (no I/O)."""

from __future__ import annotations

from urllib.parse import quote

from connections.choices import NetSuiteContactType
from connections.providers.registry import GOOGLE_CONTACTS, NETSUITE


def netsuite_record_url(account_id: str, api_base_url: str, contact_type: str, record_id: str) -> str:
    """NetSuite's UI page of the record: ``https://<account>.app.netsuite.com/app/common/entity/custjob.nl?id=N``
    (customers) or ``contact.nl?id=N`` (contacts). The account id is written in URLs in lower case with "-"
    for "_" (a sandbox "123456_SB1" is "123456-sb1"). An account with an API base URL override (a sandbox
    of ours) has no UI: its record JSON is linked instead."""
    if not record_id:
        return ""
    is_contact = contact_type == NetSuiteContactType.CONTACTS
    if api_base_url:
        kind = "contact" if is_contact else "customer"
        return f"{api_base_url.rstrip('/')}/services/rest/record/v1/{kind}/{quote(record_id)}"
    host = (account_id or "").strip().lower().replace("_", "-")
    if not host:
        return ""
    page = "contact.nl" if is_contact else "custjob.nl"
    return f"https://{host}.app.netsuite.com/app/common/entity/{page}?id={quote(record_id)}"


def google_contact_url(api_base_url: str, app_id: str) -> str:
    """Google Contacts' page of the person ``people/<id>``: ``https://contacts.google.com/person/<id>``.
    With an API base URL override (a sandbox) the person's JSON instead."""
    if not app_id:
        return ""
    person = app_id.removeprefix("people/")
    if api_base_url:
        return f"{api_base_url.rstrip('/')}/v1/people/{quote(person)}?personFields=names,emailAddresses"
    return f"https://contacts.google.com/person/{quote(person)}"


def record_urls(connection, netsuite_id: str, app_id: str) -> dict[str, str]:
    """``{"NetSuite": url, "Google": url}`` for one outcome's records (empty urls left out)."""
    ns, app = connection.netsuite_account, connection.app_account
    urls = {}
    if ns.provider == NETSUITE:
        urls["NetSuite"] = netsuite_record_url(ns.account_id, ns.api_base_url, connection.contact_type, netsuite_id)
    if app.provider == GOOGLE_CONTACTS:
        urls["Google"] = google_contact_url(app.api_base_url, app_id)
    return {label: url for label, url in urls.items() if url}
