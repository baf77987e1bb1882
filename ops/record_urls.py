"""Where a synced record opens in its own application (NetSuite's record page, an app's person page), as each
app registered it (:attr:`~connections.providers.registry.ProviderInfo.record_url`). Pure (no I/O)."""

from __future__ import annotations

from connections.providers.registry import NETSUITE, PROVIDERS, app_object_type, get_provider


def netsuite_record_url(account_id: str, api_base_url: str, contact_type: str, record_id: str) -> str:
    """NetSuite's UI page of the record (its JSON for an account with an API base URL override)."""
    return get_provider(NETSUITE).record_url(account_id, api_base_url, contact_type, record_id)


def app_record_url(provider: str, api_base_url: str, record_id: str, account_id: str = "") -> str:
    """An app's page of the record ``record_id`` ("" for an app that registered none)."""
    info = PROVIDERS.get(provider)
    if info is None:
        return ""
    return info.record_url(account_id, api_base_url, app_object_type(provider), record_id)


def record_urls(connection, netsuite_id: str, app_id: str) -> dict[str, str]:
    """``{"NetSuite": url, "<app>": url}`` for one outcome's records (empty urls left out)."""
    urls = {}
    for account, object_type, record_id in (
        (connection.netsuite_account, connection.contact_type, netsuite_id),
        (connection.app_account, connection.app_object, app_id),
    ):
        info = PROVIDERS.get(account.provider)
        if info is None or not info.record_url_label:
            continue
        kind = object_type
        urls[info.record_url_label] = info.record_url(account.account_id, account.api_base_url, kind, record_id)
    return {label: url for label, url in urls.items() if url}
