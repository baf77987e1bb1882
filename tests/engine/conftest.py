import pytest

from .harness import make_connection


@pytest.fixture
def connection(db, sandboxes, settings):
    return make_connection(sandboxes, settings)
