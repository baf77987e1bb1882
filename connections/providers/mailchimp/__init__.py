"""Mailchimp (Marketing API v3) provider: an API key, one audience's members read and written in batches.

Started in issue 19: the key and its data centre, the problem-detail errors, the merge-field catalog and the
member translation (pure, tested). Not registered yet (not in ``SYNC_PROVIDERS``): the client, the
registration and the engine scenarios come next.
"""
