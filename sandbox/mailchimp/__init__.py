"""A local simulator of Mailchimp's Marketing API v3 (audiences, members, tags,
merge fields, batch subscribe), written from the reference
(``../shared/reference/mailchimp.md``) only, for the demo and the tests.

    from sandbox.mailchimp import MailchimpSandbox, default_config
    app = MailchimpSandbox(default_config())    # a WSGI app
    SandboxServer(app).start()                  # sandbox.common.server

See README.md for what is simulated and every choice the reference left open.
"""

from .app import MailchimpSandbox
from .config import DEMO_KEY, DEMO_LIST_ID, MailchimpSandboxConfig, default_config

__all__ = ["DEMO_KEY", "DEMO_LIST_ID", "MailchimpSandbox", "MailchimpSandboxConfig", "default_config"]
