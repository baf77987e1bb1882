"""Deterministic fake contacts for the demo and load tests.

``generate_people(n, seed=1, ...)`` returns Person bodies (as a client would
send them) with names, emails (some missing, some shared by two contacts),
phones of several types, organizations, addresses, notes, birthdays, urls and
userDefined entries, plus the indexes of the user groups each one joins.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

GIVEN = (
    "Ada Alan Alice Amir Ana Arjun Bea Ben Carla Chen Chloe Dan Dara Diego Elena Emil Eva Farah Felix Gina Hana "
    "Hugo Ines Ivan Jade Jon Kai Kara Lars Lea Leo Lina Luca Maya Mei Nadia Nina Noah Omar Ola Paul Priya Quinn Rafa "
    "Rosa Sami Sara Tariq Tess Uma Vera Wen Yara Yusuf Zoe"
).split()
FAMILY = (
    "Adams Baker Becker Costa Dubois Eriksen Fischer Garcia Haddad Ito Jensen Kaur Kim Kowalski Larsen Lopez Martin "
    "Meyer Moreau Nakamura Nguyen Novak Okafor Olsen Patel Perez Quinn Rossi Santos Schmidt Silva Smith Tanaka "
    "Taylor Umar Vargas Weber Wilson Xu Yilmaz Young Zhang"
).split()
COMPANIES = (
    "Acme Corp",
    "Globex",
    "Initech",
    "Umbrella Ltd",
    "Stark Industries",
    "Wayne Enterprises",
    "Hooli",
    "Vandelay Industries",
    "Soylent",
    "Tyrell Corp",
)
TITLES = ("CEO", "CTO", "Buyer", "Sales Manager", "Engineer", "Accountant", "Office Manager", "Consultant")
CITIES = (
    ("Springfield", "IL", "62701", "US"),
    ("Portland", "OR", "97201", "US"),
    ("Toronto", "ON", "M5H 2N2", "CA"),
    ("London", "", "SW1A 1AA", "GB"),
    ("Berlin", "", "10115", "DE"),
    ("Lyon", "", "69001", "FR"),
)
STREETS = ("Main St", "Oak Ave", "High St", "Market St", "Station Rd", "Park Lane")
PHONE_TYPES = ("mobile", "work", "home", "other")
USER_DEFINED_KEYS = ("Customer tier", "Region", "Account manager", "Newsletter")
NOTES = ("Met at the trade fair.", "Prefers email.", "Call after 3pm.", "Key account.", "Referred by a partner.")
DOMAINS = ("example.com", "example.org", "mail.example.net", "corp.example")
DEFAULT_GROUP_NAMES = ("Customers", "Partners", "Newsletter", "VIP", "Suppliers")


@dataclass
class GeneratedPerson:
    """A Person body and the indexes (into the generated groups) it belongs to."""

    person: dict
    group_indexes: tuple[int, ...]


def generate_people(
    count: int,
    seed: int = 1,
    *,
    groups: int = 3,
    missing_email_rate: float = 0.08,
    shared_email_rate: float = 0.02,
) -> list[GeneratedPerson]:
    """``count`` reproducible people (same seed, same people)."""
    rng = random.Random(seed)
    rand = rng.random

    # Plain float arithmetic instead of Random.choice/randrange: several times
    # faster, which matters at 100,000 contacts.
    def choice(options):
        return options[int(rand() * len(options))]

    def number(low: int, high: int) -> int:
        return low + int(rand() * (high - low))

    people: list[GeneratedPerson] = []
    emails: list[str] = []
    for index in range(count):
        given, family = choice(GIVEN), choice(FAMILY)
        person: dict = {"names": [{"givenName": given, "familyName": family}]}
        roll = rand()
        if roll < missing_email_rate:
            pass
        elif roll < missing_email_rate + shared_email_rate and emails:
            person["emailAddresses"] = [{"value": choice(emails), "type": "work"}]
        else:
            email = f"{given}.{family}.{index}@{choice(DOMAINS)}".lower()
            emails.append(email)
            person["emailAddresses"] = [{"value": email, "type": "work" if rand() < 0.6 else "home"}]
            if rand() < 0.15:
                person["emailAddresses"].append({"value": f"{given[0]}{family}{index}@home.example".lower()})
        phones = []
        for kind in PHONE_TYPES:
            if rand() < (0.55 if kind == "mobile" else 0.25):
                phones.append({"value": f"+1 555 {number(100, 999)} {number(1000, 9999)}", "type": kind})
        if phones:
            person["phoneNumbers"] = phones
        if rand() < 0.6:
            person["organizations"] = [{"name": choice(COMPANIES), "title": choice(TITLES), "type": "work"}]
        if rand() < 0.4:
            city, region, postal, country = choice(CITIES)
            address = {"streetAddress": f"{number(1, 999)} {choice(STREETS)}", "city": city}
            if region:
                address["region"] = region
            address.update(postalCode=postal, countryCode=country, type="work")
            person["addresses"] = [address]
        if rand() < 0.2:
            person["biographies"] = [{"value": choice(NOTES), "contentType": "TEXT_PLAIN"}]
        if rand() < 0.3:
            year = 0 if rand() < 0.2 else number(1950, 2004)
            person["birthdays"] = [{"date": {"year": year, "month": number(1, 13), "day": number(1, 29)}}]
            if not year:
                del person["birthdays"][0]["date"]["year"]
        if rand() < 0.2:
            person["urls"] = [{"value": f"https://www.{family.lower()}.example/", "type": "homePage"}]
        if rand() < 0.25:
            key = choice(USER_DEFINED_KEYS)
            person["userDefined"] = [{"key": key, "value": f"{key} {number(1, 4)}"}]
        joined = tuple(g for g in range(groups) if rand() < 0.3 / (g + 1))
        people.append(GeneratedPerson(person, joined))
    return people
