import pytest

from connections.providers.netsuite.client import NetSuiteClient

from .contact_types import CONTACT_TYPES
from .harness import make_connection
from .hubspot_setup import hubspot, hubspot_connection, running_hubspot  # noqa: F401 (the HubSpot scenarios' fixtures)
from .mailchimp_setup import (  # noqa: F401 (the Mailchimp scenarios' fixtures)
    mailchimp,
    mailchimp_connect,
    mailchimp_connection,
)


@pytest.fixture
def connection(db, sandboxes, settings):
    return make_connection(sandboxes, settings)


@pytest.fixture(params=CONTACT_TYPES, ids=str)
def kind(request):
    """Each NetSuite contact type in turn (:data:`tests.engine.contact_types.CONTACT_TYPES`)."""
    return request.param


@pytest.fixture
def typed_connection(db, sandboxes, settings, kind):
    """A connection of the contact type ``kind``, with that type's default mappings and rules."""
    return make_connection(sandboxes, settings, contact_type=kind.key)


@pytest.fixture
def suiteql_queries(monkeypatch) -> list[str]:
    """The SuiteQL the NetSuite client sends (still over HTTP): the sandbox's log has no bodies."""
    sent: list[str] = []
    original = NetSuiteClient.suiteql

    def recording(self, sql, **kwargs):
        sent.append(sql)
        return original(self, sql, **kwargs)

    monkeypatch.setattr(NetSuiteClient, "suiteql", recording)
    return sent
