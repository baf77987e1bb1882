"""A faithful local stand-in for one NetSuite account's SuiteTalk REST web services.

See ``README.md`` in this folder for what it simulates, its control API and its defaults.
"""

from .app import NetSuiteSandbox
from .config import NetSuiteSandboxConfig, default_config

__all__ = ["NetSuiteSandbox", "NetSuiteSandboxConfig", "default_config"]
