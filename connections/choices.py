"""Named choices of the connections app (compare with these, never bare strings)."""

from django.db import models


class AccountStatus(models.TextChoices):
    UNVERIFIED = "unverified", "Not verified yet"
    VERIFIED = "verified", "Verified"
    ERROR = "error", "Error"
    NEEDS_REAUTH = "needs_reauth", "Needs re-authorization"


class NetSuiteContactType(models.TextChoices):
    """Which NetSuite records a connection syncs (the values are the providers' object types)."""

    COMPANY_CUSTOMERS = "company_customers", "Company Customers"
    INDIVIDUAL_CUSTOMERS = "individual_customers", "Individual Customers"
    CONTACTS = "contacts", "Contacts"


class ConflictPolicy(models.TextChoices):
    """How a field changed on both sides since the last sync is resolved."""

    MOST_RECENT = "most_recent", "Most recent change wins"
    NETSUITE_WINS = "netsuite_wins", "NetSuite wins"
    APP_WINS = "app_wins", "The other app wins"


class DeletionPolicy(models.TextChoices):
    """What happens on the other side when a linked record is deleted on one side."""

    IGNORE = "ignore", "Ignore (keep the other side as it is)"
    MARK = "mark", "Mark on the other side (NetSuite: make inactive; the app: its own mark, e.g. a group)"
    DELETE = "delete", "Delete on the other side too"


class CompanyMatching(models.TextChoices):
    """How a company connection pairs companies no link holds yet (after the link: a linked pair is never
    re-matched). An ambiguous match (several companies with the key) is logged as a duplicate, never guessed."""

    DOMAIN_THEN_NAME = "domain_then_name", "Domain, then company name"
    DOMAIN = "domain", "Domain only (from the website, else a business email)"
    NAME = "name", "Company name only (normalised)"


class SubscriptionSync(models.TextChoices):
    """Which way email subscription status (unsubscribes) flows. Whatever the choice, an unsubscribe wins
    every conflict and nobody who opted out is ever re-subscribed."""

    OFF = "off", "Off"
    TO_APP = "to_app", "NetSuite → app"
    TO_NETSUITE = "to_netsuite", "App → NetSuite"
    BOTH = "both", "Both ways"
