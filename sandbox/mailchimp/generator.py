"""Made-up members for the demo, the tests and benchmarks (fast: values are trusted, not re-checked)."""

from __future__ import annotations

import random
import secrets

from .store import Account, MailList, Member, iso

FIRST = ("Ann", "Ben", "Chloe", "David", "Emma", "Farid", "Grace", "Hugo", "Ines", "Jack", "Keiko", "Liam", "Maya")
LAST = ("Smith", "Nguyen", "Garcia", "Müller", "Okafor", "Rossi", "Tanaka", "Dubois", "Khan", "Silva", "Brown")
# Domains that do not look fake (the sandbox refuses example.com and the like, C.2).
DOMAINS = ("northwind-mail.com", "contoso-post.net", "fabrikam-inbox.org")
STATUS_WEIGHTS = (("subscribed", 80), ("unsubscribed", 10), ("cleaned", 3), ("pending", 5), ("transactional", 2))


def generate(account: Account, audience: MailList, members: int, seed: int = 1, statuses: bool = True) -> dict:
    """Add ``members`` members to ``audience``; with ``statuses`` a realistic mix of statuses, else all
    subscribed. Each member's ``last_changed`` is its own second, the newest now, so a
    ``since_last_changed`` watermark can page through them. Returns the counts by status."""
    rng = random.Random(seed)
    now = account.now()
    names, weights = zip(*STATUS_WEIGHTS, strict=True)
    start = len(audience.members)
    counts: dict[str, int] = {}
    for i in range(members):
        first, last = FIRST[rng.randrange(len(FIRST))], LAST[rng.randrange(len(LAST))]
        email = f"{first.lower()}.{start + i + 1}@{DOMAINS[rng.randrange(len(DOMAINS))]}"
        status = rng.choices(names, weights)[0] if statuses else "subscribed"
        changed = now - members + i + 1
        member = Member(
            email=email,
            status=status,
            created=changed,
            last_changed=changed,
            unique_email_id=secrets.token_hex(5),
            contact_id=secrets.token_hex(16),
            web_id=account.next_web_id(),
            merge_fields={"FNAME": first, "LNAME": last, "PHONE": f"+1 416 555 {rng.randrange(10000):04d}"},
            timestamp_opt=iso(changed) if status == "subscribed" else "",
        )
        if member.id in audience.members or member.id in audience.forgotten:
            continue
        audience.members[member.id] = member
        counts[status] = counts.get(status, 0) + 1
    return counts
