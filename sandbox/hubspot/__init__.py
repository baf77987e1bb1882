"""A local simulator of HubSpot's CRM API (contacts, companies, properties,
associations v4, email subscription status), written from the reference
(``../shared/reference/hubspot.md``), for the demo and the tests.

    from sandbox.hubspot import HubSpotSandbox, default_config
    app = HubSpotSandbox(default_config())      # a WSGI app
    SandboxServer(app).start()                  # sandbox.common.server

See README.md for what is simulated and every choice the reference left open.
"""

from .app import HubSpotSandbox
from .config import DEMO_TOKEN, HubSpotSandboxConfig, default_config

__all__ = ["DEMO_TOKEN", "HubSpotSandbox", "HubSpotSandboxConfig", "default_config"]
