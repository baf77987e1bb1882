"""Google Contacts (People API v1) provider: OAuth 2.0 helpers and the API client."""

from .client import GoogleContactsClient
from .oauth import GoogleOAuthEndpoints, authorization_url, exchange_code, refresh_access_token

__all__ = [
    "GoogleContactsClient",
    "GoogleOAuthEndpoints",
    "authorization_url",
    "exchange_code",
    "refresh_access_token",
]
