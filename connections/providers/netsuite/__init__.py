"""The NetSuite provider: a SuiteTalk REST client with Token-Based Authentication.

Public API::

    from connections.providers.netsuite import NetSuiteClient, realm_for, host_for

    client = NetSuiteClient("1234567_SB1", {"consumer_key": ..., "consumer_secret": ...,
                                            "token_id": ..., "token_secret": ...})
    client.verify()
    client.subsidiaries()
    for page in client.read_changes("company_customers", cursor, subsidiary_id="3"):
        ...
"""

from .account import host_for, realm_for
from .client import NetSuiteClient
from .contact_types import COMPANY_CUSTOMERS, CONTACT_TYPES, CONTACTS, INDIVIDUAL_CUSTOMERS
from .cursor import ChangeCursor
from .error_mapping import error_for_response
from .reference_lists import SubsidiaryInfo

__all__ = [
    "COMPANY_CUSTOMERS",
    "CONTACTS",
    "CONTACT_TYPES",
    "INDIVIDUAL_CUSTOMERS",
    "ChangeCursor",
    "NetSuiteClient",
    "SubsidiaryInfo",
    "error_for_response",
    "host_for",
    "realm_for",
]
