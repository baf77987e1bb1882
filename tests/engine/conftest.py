import pytest

from .harness import make_connection, start_sandboxes


@pytest.fixture(scope="module")
def running_sandboxes():
    sandboxes = start_sandboxes()
    yield sandboxes
    sandboxes.netsuite_server.stop()
    sandboxes.google_server.stop()


@pytest.fixture
def sandboxes(running_sandboxes):
    running_sandboxes.reset()
    return running_sandboxes


@pytest.fixture
def connection(db, sandboxes, settings):
    return make_connection(sandboxes, settings)
