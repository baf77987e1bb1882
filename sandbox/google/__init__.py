"""A faithful local simulator of Google's OAuth 2.0 server and People API v1
(Google Contacts), for the demo and the tests.

    from sandbox.google import GoogleSandbox, default_config
    app = GoogleSandbox(default_config())       # a WSGI app
    SandboxServer(app).start()                  # sandbox.common.server

See :mod:`sandbox.google.app` for the routes and :mod:`sandbox.google.discovery`
for the discovery document the sandbox is checked against.
"""

from .app import GoogleSandbox
from .config import CONTACTS_SCOPE, USERINFO_EMAIL_SCOPE, GoogleSandboxConfig, default_config

__all__ = ["CONTACTS_SCOPE", "USERINFO_EMAIL_SCOPE", "GoogleSandbox", "GoogleSandboxConfig", "default_config"]
