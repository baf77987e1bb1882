"""Made-up contacts and companies for the demo and the benchmarks (fast enough
for 100,000 records: values are trusted, not re-checked)."""

from __future__ import annotations

import random

from .associations import PRIMARY, UNLABELED
from .portal import Portal

FIRST = ("Ann", "Ben", "Chloe", "David", "Emma", "Farid", "Grace", "Hugo", "Ines", "Jack", "Keiko", "Liam", "Maya")
LAST = ("Smith", "Nguyen", "Garcia", "Müller", "Okafor", "Rossi", "Tanaka", "Dubois", "Khan", "Silva", "Brown")
WORDS = ("Acme", "Northwind", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay", "Soylent")
SUFFIX = ("Inc", "Ltd", "GmbH", "LLC", "SA", "Group")
CITIES = ("Toronto", "Berlin", "Paris", "Austin", "Sydney", "Tokyo", "Lagos", "Madrid")
STAGES = ("subscriber", "lead", "customer", "opportunity")


def generate(portal: Portal, contacts: int, companies: int, seed: int = 1, associate_rate: float = 0.7) -> dict:
    """Create ``companies`` companies and ``contacts`` contacts; about ``associate_rate`` of the
    contacts get a primary company. Returns the counts."""
    rng = random.Random(seed)
    company_store, contact_store = portal.store("companies"), portal.store("contacts")
    # Each record gets its own millisecond (as if created one after another just now), so a
    # watermark on the modification time can page through them.
    now = portal.now_ms()
    base_ms = now - companies - contacts
    company_ids = []
    base = company_store.next_id
    for i in range(companies):
        word = WORDS[rng.randrange(len(WORDS))]
        name = f"{word} {SUFFIX[rng.randrange(len(SUFFIX))]} {base + i}"
        values = {
            "name": name,
            "domain": f"{word.lower()}{base + i}.example.com",
            "city": CITIES[rng.randrange(len(CITIES))],
            "lifecyclestage": STAGES[rng.randrange(len(STAGES))],
        }
        company_ids.append(company_store.create(values, base_ms + i).id)
    first_id = contact_store.next_id
    associated = 0
    for i in range(contacts):
        first, last = FIRST[rng.randrange(len(FIRST))], LAST[rng.randrange(len(LAST))]
        values = {
            "firstname": first,
            "lastname": last,
            "email": f"{first.lower()}.{i + first_id}@example.org",
            "phone": f"+1 416 555 {rng.randrange(10000):04d}",
            "city": CITIES[rng.randrange(len(CITIES))],
            "lifecyclestage": STAGES[rng.randrange(len(STAGES))],
        }
        record = contact_store.create(values, base_ms + companies + i)
        if company_ids and rng.random() < associate_rate:
            company_id = company_ids[rng.randrange(len(company_ids))]
            portal.associations.add("contacts", record.id, company_id, {PRIMARY, UNLABELED})
            record.properties["associatedcompanyid"] = str(company_id)
            associated += 1
    return {"contacts": contacts, "companies": companies, "associated": associated}
