"""A realistic, repeatable account: ``{"generate": {"customers": N, "contacts": M, "seed": 1}}``.

What it builds (on top of the root subsidiary every account has):
- subsidiaries: four active ones under the root, one inactive, one elimination;
- employees: sales reps (``isSalesRep``, one of them inactive) and a few others;
- partners and lead sources (campaigns, one inactive);
- company and individual customers spread over the active subsidiaries, with
  sales reps, partners, lead sources, statuses, addresses, and a value for
  most custom fields (every custom field type is represented);
- contacts, most attached to a company customer (same subsidiary), some alone;
- about 10% of customers and contacts without an email, and about 5% sharing
  an email with another record (the same person known twice);
- creation and modification dates spread over the past two years.

Rows go straight into SQLite in bulk (no per-record validation: the generator
only produces valid records), so 100,000 records take a few seconds.
"""

from __future__ import annotations

import gc
import random
from datetime import UTC, datetime
from operator import itemgetter
from typing import TYPE_CHECKING

from .fields import Kind, address_book_table, address_text, entity_address_table
from .store import address_book_row, entity_address_row

if TYPE_CHECKING:
    from .store import Store

FIRST_NAMES = (
    "Olivia Liam Emma Noah Ava Elijah Sophia James Isabella William Mia Benjamin Charlotte Lucas Amelia Henry "
    "Harper Alexander Evelyn Mason Abigail Michael Emily Ethan Elizabeth Daniel Sofia Jacob Avery Logan Ella "
    "Jackson Scarlett Sebastian Grace Jack Chloe Aiden Victoria Owen Riley Samuel Aria Matthew Lily Joseph "
    "Aurora Levi Zoey David Nora John Hannah Wyatt Layla Carter Zoe Julian Penelope Luke Lillian Grayson Addison "
    "Isaac Eleanor Jayden Natalie Theodore Luna Gabriel Savannah Anthony Brooklyn Dylan Leah Leo Zara Lincoln "
    "Stella Jaxon Hazel Asher Ellie Christopher Paisley Josiah Audrey Andrew Skylar Thomas Violet Joshua Claire "
    "Ezra Bella Hudson Lucy Charles Anna Caleb Samantha Isaiah Caroline Ryan Genesis Nathan Aaliyah Adrian Kennedy "
    "Christian Kinsley Maverick Allison Colton Maya Elias Sarah Aaron Madelyn Eli Adeline Landon Alexa Jonathan "
    "Ariana Nolan Elena Hunter Gabriella Cameron Naomi Connor Alice Santiago Sadie Jeremiah Hailey Ezekiel Eva"
).split()
LAST_NAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson "
    "Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis "
    "Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall "
    "Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes "
    "Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard "
    "Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez "
    "Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan Bell Coleman "
    "Butler Henderson Barnes Gonzales Fisher Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham"
).split()
COMPANY_WORDS = (
    "Acme Globex Initech Umbrella Stark Wayne Wonka Tyrell Cyberdyne Soylent Hooli Vandelay Dunder Pied Massive "
    "Aperture Black Mesa Blue Sun Oceanic Gringotts Monarch Nakatomi Prestige Sterling Virtucon Zorg Bluth "
    "Cogswell Spacely Gekko Duff Krusty Ollivander Kramerica Bubba Levitated Northwind Contoso Fabrikam Tailspin "
    "Litware Proseware Adventure Alpine Coho Fourth Coffee Margie Lucerne Wingtip Woodgrove Trey Humongous"
).split()
COMPANY_SUFFIXES = ("Inc", "LLC", "Ltd", "Corp", "Group", "Partners", "Holdings", "Co", "GmbH", "Labs")
COMPANY_KINDS = ("Industries", "Logistics", "Software", "Foods", "Consulting", "Dynamics", "Systems", "Media", "Energy")
DOMAINS = ("example.com", "example.org", "example.net", "mail.example.com", "corp.example.com")
TITLES = ("CEO", "CFO", "Buyer", "Office Manager", "Purchasing Lead", "Engineer", "Director", "Consultant", "Owner")
CITIES = (
    ("San Francisco", "CA", "US"),
    ("Austin", "TX", "US"),
    ("Boston", "MA", "US"),
    ("Chicago", "IL", "US"),
    ("Toronto", "ON", "CA"),
    ("Vancouver", "BC", "CA"),
    ("London", None, "GB"),
    ("Manchester", None, "GB"),
    ("Berlin", None, "DE"),
    ("Paris", None, "FR"),
    ("Sydney", "NSW", "AU"),
)
STREETS = ("Main St", "Oak Ave", "Market St", "High St", "Elm St", "Park Rd", "King St", "Queen St", "Harbor Blvd")
_YEAR = 365 * 86400
_SUBSCRIPTION_MIX = (1, 2, 2, 2, 2, 2, 2, 3, 3, 4)  # mostly Soft Opt-In

DEFAULTS = {
    "customers": 100,
    "contacts": 100,
    "seed": 1,
    "sales_reps": 6,
    "partners": 4,
    "individual_ratio": 0.35,
    "no_email_ratio": 0.10,
    "shared_email_ratio": 0.05,
    # Off by default, so that existing accounts (and benchmarks) stay as they were: the share of
    # contacts with an address, and of customers with an address who get a second one (shipping).
    "contact_address_ratio": 0.0,
    "second_address_ratio": 0.0,
}


def generate(store: Store, now: int, params: dict) -> dict:
    """Add a generated account to ``store``; returns what was created (counts and id ranges)."""
    # Hundreds of thousands of short-lived dicts make the cyclic GC run over and
    # over for nothing (none of them form cycles): pause it, a third faster.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _generate(store, now, params)
    finally:
        if was_enabled:
            gc.enable()


def _generate(store: Store, now: int, params: dict) -> dict:
    unknown = set(params) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"unknown generate settings: {sorted(unknown)}")
    settings = {**DEFAULTS, **params}
    for key in ("customers", "contacts", "sales_reps", "partners"):
        if not isinstance(settings[key], int) or settings[key] < 0:
            raise ValueError(f"{key} must be a non-negative integer")
    for key in ("contact_address_ratio", "second_address_ratio"):
        if not isinstance(settings[key], int | float) or not 0 <= settings[key] <= 1:
            raise ValueError(f"{key} must be a number between 0 and 1")
    rng = random.Random(settings["seed"])
    pick, between = _fast_random(rng)
    # The optional addresses draw from their own generator: the main sequence stays unchanged.
    extra_rng = random.Random(f"{settings['seed']}-addresses")
    extra_pick, extra_between = _fast_random(extra_rng)
    address_lines: dict[str, list[tuple[int, dict]]] = {"customer": [], "contact": []}

    def extra_address(addressee: str) -> dict:
        city, state, country = extra_pick(CITIES)
        address = {
            "addressee": addressee,
            "addr1": f"{extra_between(1, 999)} {extra_pick(STREETS)}",
            "city": city,
            "zip": f"{extra_between(10000, 99999)}",
            "country": country,
        }
        if state:
            address["state"] = state
        return address

    start = now - 2 * _YEAR

    def stamp() -> tuple[int, int]:
        created = between(start, now - 3600)
        return created, between(created, now)

    created: dict[str, list[int]] = {}

    # Subsidiaries ------------------------------------------------------------
    subsidiary_rows = []
    active_subsidiaries = [1]
    for name, inactive, elimination, currency, country in (
        ("US West", False, False, 1, "US"),
        ("US East", False, False, 1, "US"),
        ("UK Ltd", False, False, 2, "GB"),
        ("Canada Inc", False, False, 3, "CA"),
        ("Old Branch", True, False, 1, "US"),
        ("Elimination US", False, True, 1, "US"),
    ):
        sid = store.next_id("subsidiary")
        c, m = stamp()
        subsidiary_rows.append(
            {
                "id": sid,
                "name": name,
                "parent": 1,
                "legalname": f"{name} (legal)",
                "currency": currency,
                "country": country,
                "iselimination": "T" if elimination else "F",
                "isinactive": "T" if inactive else "F",
                "datecreated": c,
                "lastmodifieddate": m,
            }
        )
        if not inactive and not elimination:
            active_subsidiaries.append(sid)
    _insert(store, "subsidiary", subsidiary_rows)
    created["subsidiary"] = [r["id"] for r in subsidiary_rows]

    # Lead sources (campaigns) -------------------------------------------------------
    campaign_rows = []
    for index, (title, category, inactive) in enumerate(
        (
            ("Web Form", "Web", False),
            ("Trade Show 2026", "Events", False),
            ("Partner Referral", "Referral", False),
            ("Cold Call", "Outbound", False),
            ("Webinar: Spring Launch", "Web", False),
            ("Google Ads 2024", "Paid", True),
        ),
        start=1,
    ):
        c, m = stamp()
        campaign_rows.append(
            {
                "id": store.next_id("campaign"),
                "campaignid": f"CAMP{index:03d}",
                "title": title,
                "category": category,
                "isinactive": "T" if inactive else "F",
                "datecreated": c,
                "lastmodifieddate": m,
            }
        )
    _insert(store, "campaign", campaign_rows)
    lead_sources = [r["id"] for r in campaign_rows if r["isinactive"] == "F"]
    created["campaign"] = [r["id"] for r in campaign_rows]

    # Employees: sales reps and others ------------------------------------------------
    employee_rows = []
    for index in range(settings["sales_reps"] + 2):
        first, last = pick(FIRST_NAMES), pick(LAST_NAMES)
        c, m = stamp()
        is_rep = index < settings["sales_reps"]
        employee_rows.append(
            {
                "id": store.next_id("employee"),
                "entityid": f"{first} {last}",
                "firstname": first,
                "lastname": last,
                "title": "Account Executive" if is_rep else "Operations",
                "email": f"{first}.{last}{index}@staff.example.com".lower(),
                "subsidiary": pick(active_subsidiaries),
                "issalesrep": "T" if is_rep else "F",
                # The last sales rep has left the company.
                "isinactive": "T" if is_rep and index == settings["sales_reps"] - 1 and index > 0 else "F",
                "datecreated": c,
                "lastmodifieddate": m,
            }
        )
    _insert(store, "employee", employee_rows)
    sales_reps = [r["id"] for r in employee_rows if r["issalesrep"] == "T" and r["isinactive"] == "F"]
    employees = [r["id"] for r in employee_rows if r["isinactive"] == "F"]
    created["employee"] = [r["id"] for r in employee_rows]

    # Partners ---------------------------------------------------------------------
    partner_rows = []
    for _ in range(settings["partners"]):
        company = f"{pick(COMPANY_WORDS)} {pick(COMPANY_KINDS)} Partners"
        c, m = stamp()
        partner_rows.append(
            {
                "id": store.next_id("partner"),
                "entityid": company,
                "isperson": "F",
                "companyname": company,
                "email": f"alliances@{company.split()[0].lower()}.example.net",
                "subsidiary": pick(active_subsidiaries),
                "isinactive": "F",
                "datecreated": c,
                "lastmodifieddate": m,
            }
        )
    _insert(store, "partner", partner_rows)
    partners = [r["id"] for r in partner_rows]
    created["partner"] = partners

    customs = {rt: [c for c in store.custom_fields.values() if rt in c.applies_to] for rt in ("customer", "contact")}
    emails_so_far: list[str] = []
    statuses = list(store.lists["entitystatus"].options)
    categories = list(store.lists["customercategory"].options)

    def email_for(first: str, last: str, domain: str | None = None) -> str | None:
        roll = rng.random()
        if roll < settings["no_email_ratio"]:
            return None
        if roll < settings["no_email_ratio"] + settings["shared_email_ratio"] and emails_so_far:
            return pick(emails_so_far)
        address = f"{first}.{last}{between(1, 9999)}@{domain or pick(DOMAINS)}".lower()
        emails_so_far.append(address)
        return address

    def phone() -> str | None:
        if rng.random() < 0.2:
            return None
        return f"+1 {between(201, 989)}-555-{between(0, 9999):04d}"

    # One pool of values per custom field, about a third of them empty: one draw per field.
    pools = {}
    for record_type, fields in customs.items():
        pools[record_type] = []
        for custom in fields:
            make = _custom_maker(rng, store, custom, now, employees)
            pools[record_type].append((custom.script_id, [None if i % 3 == 0 else make() for i in range(300)]))
    rand = rng.random

    def custom_values(record_type: str, row: dict) -> None:
        for script_id, pool in pools[record_type]:
            value = pool[int(rand() * 300)]
            if value is not None:
                row[script_id] = value

    # Customers --------------------------------------------------------------------
    company_customers: list[tuple[int, int, str]] = []
    customer_rows = []
    created_stamps = sorted(stamp() for _ in range(settings["customers"]))
    for c, m in created_stamps:
        cid = store.next_id("customer")
        subsidiary = pick(active_subsidiaries)
        individual = rng.random() < settings["individual_ratio"]
        first, last = pick(FIRST_NAMES), pick(LAST_NAMES)
        row: dict = {
            "id": cid,
            "isperson": "T" if individual else "F",
            "subsidiary": subsidiary,
            "entitystatus": pick(statuses),
            "globalsubscriptionstatus": pick(_SUBSCRIPTION_MIX),
            "isinactive": "T" if rng.random() < 0.03 else "F",
            "datecreated": c,
            "lastmodifieddate": m,
            "phone": phone(),
        }
        if individual:
            row.update(
                entityid=f"{first} {last}",
                firstname=first,
                lastname=last,
                email=email_for(first, last),
                mobilephone=phone(),
                category=2,
            )
        else:
            company = f"{pick(COMPANY_WORDS)} {pick(COMPANY_KINDS)} {pick(COMPANY_SUFFIXES)}"
            domain = f"{company.split()[0].lower()}{cid}.example.com"
            row.update(
                entityid=company,
                companyname=company,
                email=email_for("info", company.split()[0], domain),
                altphone=phone() if rng.random() < 0.3 else None,
                category=pick(categories),
            )
            company_customers.append((cid, subsidiary, domain))
        if rng.random() < 0.8 and sales_reps:
            row["salesrep"] = pick(sales_reps)
        if rng.random() < 0.3 and partners:
            row["partner"] = pick(partners)
        if rng.random() < 0.7 and lead_sources:
            row["leadsource"] = pick(lead_sources)
        if rng.random() < 0.15:
            row["comments"] = pick(("Prefers email.", "Key account.", "Met at the trade show.", "Call after 3pm."))
        if rng.random() < 0.6:
            city, state, country = pick(CITIES)
            address = {
                "addressee": row["entityid"],
                "addr1": f"{between(1, 999)} {pick(STREETS)}",
                "city": city,
                "zip": f"{between(10000, 99999)}",
                "country": country,
            }
            if state:
                address["state"] = state
            main = {"label": "Main", "defaultBilling": True, "defaultShipping": True, "address": address}
            address_lines["customer"].append((cid, main))
            if extra_rng.random() < settings["second_address_ratio"]:
                main["defaultShipping"] = False
                shipping = {"label": "Shipping", "defaultBilling": False, "defaultShipping": True}
                address_lines["customer"].append((cid, {**shipping, "address": extra_address(row["entityid"])}))
            row["defaultaddress"] = address_text(address)
        custom_values("customer", row)
        customer_rows.append(row)
    _insert(store, "customer", customer_rows)
    created["customer"] = [r["id"] for r in customer_rows]

    # Contacts ----------------------------------------------------------------------
    contact_rows = []
    created_stamps = sorted(stamp() for _ in range(settings["contacts"]))
    for c, m in created_stamps:
        first, last = pick(FIRST_NAMES), pick(LAST_NAMES)
        row = {
            "id": store.next_id("contact"),
            "entityid": f"{first} {last}",
            "firstname": first,
            "lastname": last,
            "title": pick(TITLES) if rng.random() < 0.7 else None,
            "phone": phone(),
            "mobilephone": phone() if rng.random() < 0.5 else None,
            "globalsubscriptionstatus": pick(_SUBSCRIPTION_MIX),
            "isinactive": "T" if rng.random() < 0.03 else "F",
            "datecreated": c,
            "lastmodifieddate": m,
        }
        if company_customers and rng.random() < 0.9:
            company_id, subsidiary, domain = pick(company_customers)
            row.update(company=company_id, subsidiary=subsidiary, email=email_for(first, last, domain))
        else:
            row.update(subsidiary=pick(active_subsidiaries), email=email_for(first, last))
        if rng.random() < 0.4 and lead_sources:
            row["contactsource"] = pick(lead_sources)
        custom_values("contact", row)
        if settings["contact_address_ratio"] and extra_rng.random() < settings["contact_address_ratio"]:
            address = extra_address(row["entityid"])
            line = {"label": "Home", "defaultBilling": True, "defaultShipping": True, "address": address}
            address_lines["contact"].append((row["id"], line))
            row["defaultaddress"] = address_text(address)
        contact_rows.append(row)
    _insert(store, "contact", contact_rows)
    created["contact"] = [r["id"] for r in contact_rows]
    for owner, lines in address_lines.items():
        _insert_address_lines(store, owner, lines)

    emails = [r["email"] for r in customer_rows + contact_rows if r.get("email")]
    return {
        "generated": {name: {"count": len(ids), "ids": _ranges(ids)} for name, ids in created.items()},
        "salesReps": sales_reps,
        "activeSubsidiaries": active_subsidiaries,
        "sharedEmails": len(emails) - len(set(emails)),
        "withoutEmail": len(customer_rows) + len(contact_rows) - len(emails),
    }


def _fast_random(rng: random.Random):
    """``choice`` and ``randint`` on top of ``rng.random`` (several times faster for 100,000 records)."""
    rand = rng.random

    def pick(seq):
        return seq[int(rand() * len(seq))]

    def between(low: int, high: int) -> int:
        return low + int(rand() * (high - low + 1))

    return pick, between


def _custom_maker(rng: random.Random, store: Store, custom, now: int, employees: list[int]):
    """A function producing a plausible stored value for one custom field."""
    pick, between = _fast_random(rng)
    kind = custom.kind
    if kind == Kind.BOOL:
        return lambda: "T" if rng.random() < 0.2 else "F"
    if kind == Kind.TEXT:
        return lambda: pick(("Bobby", "Liz", "Doc", "The Boss", "Sunny", "Ace"))
    if kind == Kind.LONG_TEXT:
        return lambda: pick(("Renewal at risk.", "Expanding to Europe.", "Requested a demo of the new module."))
    if kind == Kind.DATE:
        days = [datetime.fromtimestamp(now + offset * 86400, UTC).date().isoformat() for offset in range(-365, 366)]
        return lambda: pick(days)
    if kind == Kind.REF:
        options = list(store.lists[custom.list_name].options) if custom.list_name else employees
        return (lambda: pick(options)) if options else (lambda: None)
    if kind == Kind.MULTI:
        options = list(store.lists[custom.list_name].options)
        combos = [
            ", ".join(str(x) for x in sorted(rng.sample(options, between(1, min(3, len(options)))))) for _ in range(64)
        ]
        return lambda: pick(combos)
    if kind == Kind.INTEGER:
        return lambda: between(1, 500)
    if kind == Kind.DECIMAL:
        return lambda: round(rng.random() * 0.3, 2)
    if kind == Kind.EMAIL:
        return lambda: f"billing{between(1, 99999)}@example.com"
    if kind == Kind.PHONE:
        return lambda: f"+1 {between(201, 989)}-555-{between(0, 9999):04d}"
    return lambda: None


def _insert(store: Store, record_type: str, rows: list[dict]) -> None:
    if not rows:
        return
    fields = [f for f in store.fields(record_type) if f.kind != Kind.ADDRESS_BOOK]
    columns = [f.column for f in fields]
    defaults = {f.column: "F" if f.kind == Kind.BOOL else None for f in fields}
    as_tuple = itemgetter(*columns)
    store.insert_many(record_type, columns, (as_tuple(defaults | row) for row in rows))


def _insert_address_lines(store: Store, owner: str, lines: list[tuple[int, dict]]) -> None:
    """The addressBook lines of generated records, in bulk (line ids and nkeys from the store's sequences)."""
    if not lines:
        return
    book_rows, address_rows = [], []
    for entity_id, line in lines:
        line["id"], line["nkey"] = store.next_address_ids()
        book_rows.append(address_book_row(entity_id, line))
        address_rows.append(entity_address_row(line))
    for table, rows in ((address_book_table(owner), book_rows), (entity_address_table(owner), address_rows)):
        columns = list(rows[0])
        store.insert_many(table, columns, (tuple(row[c] for c in columns) for row in rows))


def _ranges(ids: list[int]) -> list[list[int]]:
    """Ids as [first, last] runs, to keep the answer short for 100,000 records."""
    runs: list[list[int]] = []
    for record_id in ids:
        if runs and runs[-1][1] == record_id - 1:
            runs[-1][1] = record_id
        else:
            runs.append([record_id, record_id])
    return runs
