"""The database leases keep a connection of their own: closed after each test, or PostgreSQL would
refuse to drop the test database at the end of the session."""

import pytest

from connections.slots import DatabaseLeases


@pytest.fixture(autouse=True)
def close_lease_connection():
    yield
    DatabaseLeases.close_connection()
