"""Mailchimp (Marketing API v3) provider: an API key, one audience's members read and written in batches, the
member's status as the unsubscribe policy's field (issue 19). Registered by :mod:`.provider`."""
